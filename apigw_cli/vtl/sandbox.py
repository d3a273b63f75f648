"""The sandbox: the one place where a template reaches into an object (the render limits are
in :mod:`apigw_cli.vtl.limits`).

Templates are untrusted input. They only ever touch plain data (``None``, ``bool``, ``int``,
``float``, ``str``, lists, dicts, :mod:`~apigw_cli.vtl.values` types) and apigw's own
template objects (:class:`TemplateObject` subclasses: ``$input``, ``$util``, ``$foreach``...).
Every property read, method call, index and assignment a template makes goes through the
functions below, which look names up in per-type allow-lists (:mod:`~apigw_cli.vtl.methods`
for Java's String/List/Map/Number/Boolean, ``vtl_methods``/``vtl_properties`` for our
objects). Nothing else is reachable: there is no ``getattr`` on a name a template chose,
except on a :class:`TemplateObject` for a name its allow-list declares.

A member no allow-list knows behaves as on API Gateway (null) and is reported as a warning.
Names that only serve to reach a runtime's internals are refused with
:class:`~apigw_cli.errors.SandboxViolation`, whatever the receiver: Python's ``__dunder__``
names, Java's reflection methods (``getClass()``...) and ``.class``; a method or a non-map
property starting with ``_``. Map keys stay data: ``$item._id`` and ``$r.__typename`` read
the map (only exact dunders such as ``__class__`` are refused).

The sandbox makes it safe to render untrusted templates against sample data on a developer
machine; it is not a security boundary for running hostile templates as a service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from apigw_cli.vtl.methods import (
    ARRAY_METHODS,
    BOOLEAN_METHODS,
    CHAR_METHODS,
    COLLECTION_METHODS,
    ENTRY_METHODS,
    LIST_METHODS,
    MAP_METHODS,
    NUMBER_METHODS,
    STRING_METHODS,
    Method,
    NoSuchMethod,
    arity,
    list_position,
    map_key,
)
from apigw_cli.vtl.values import ArrayList, JavaArray, JavaChar, JavaCollection, JavaObject, MapEntry

#: Java methods that reach the runtime (reflection, class loading, threads): refused as calls.
REFUSED_METHODS = frozenset(
    {
        "getClass", "forName", "newInstance", "getClassLoader", "getRuntime", "exec",
        "getDeclaredMethod", "getDeclaredMethods", "getMethod", "getMethods", "getDeclaredField",
        "getDeclaredFields", "getField", "getFields", "getConstructor", "getConstructors", "invoke",
        "getProtectionDomain", "wait", "notify", "notifyAll",
    }
)  # fmt: skip


class SandboxRefusal(Exception):
    """A template asked for a member the sandbox refuses."""


class UnknownMember(Exception):
    """No allow-list knows this member: API Gateway answers null; apigw also warns."""


class TemplateObject(JavaObject):
    """Base of apigw's objects that templates see. ``vtl_methods`` and ``vtl_properties``
    map the names API Gateway uses (``escapeJavaScript``) to this class's Python methods;
    they are the whole surface a template can reach."""

    __slots__ = ()
    vtl_methods: ClassVar[Mapping[str, str]] = {}
    vtl_properties: ClassVar[Mapping[str, str]] = {}


_TABLES: dict[type, Mapping[str, Method]] = {
    str: STRING_METHODS,
    bool: BOOLEAN_METHODS,
    int: NUMBER_METHODS,
    float: NUMBER_METHODS,
    list: LIST_METHODS,
    ArrayList: LIST_METHODS,
    JavaArray: ARRAY_METHODS,
    JavaCollection: COLLECTION_METHODS,
    dict: MAP_METHODS,
    MapEntry: ENTRY_METHODS,
    JavaChar: CHAR_METHODS,
}
_ARITIES = {id(method): arity(method) for table in _TABLES.values() for method in table.values()}


_OBJECT_ARITIES: dict[tuple[type[Any], str], tuple[int, int]] = {}


def _object_arity(kind: type[Any], python_name: str) -> tuple[int, int]:
    key = (kind, python_name)
    if key not in _OBJECT_ARITIES:
        _OBJECT_ARITIES[key] = arity(getattr(kind, python_name))
    return _OBJECT_ARITIES[key]


def _table(obj: Any) -> Mapping[str, Method] | None:
    table = _TABLES.get(type(obj))
    if table is None:
        for kind, candidate in _TABLES.items():
            if isinstance(obj, kind):
                return candidate
    return table


def check_member_name(name: str, *, call: bool) -> None:
    """Refuse a name that reaches a runtime's internals, whatever the receiver turns out to
    be (so it is checked when the template compiles)."""
    if name.startswith("__") and name.endswith("__"):
        raise SandboxRefusal(f"'{name}' is not accessible from a template")
    if call and (name.startswith("_") or name in REFUSED_METHODS):
        raise SandboxRefusal(f"'{name}()' is not accessible from a template")
    if not call and name == "class":
        raise SandboxRefusal("'.class' is not accessible from a template (for a map key, write $map['class'])")


#: How a call runs: the function taking the receiver and the arguments, and the message of the
#: unknown member it is when the function refuses these arguments (raises ``NoSuchMethod``).
ResolvedCall = tuple[Callable[..., Any], str]
#: (receiver type, name, argument count) -> how the call runs; see :func:`resolve_call`.
RESOLVED_CALLS: dict[tuple[type, str, int], ResolvedCall] = {}
_MAX_RESOLVED = 10_000


def resolve_call(obj: Any, name: str, count: int) -> ResolvedCall:
    """Work out ``$obj.name(...)`` with ``count`` arguments for ``obj``'s type, and keep it."""
    if len(RESOLVED_CALLS) >= _MAX_RESOLVED:  # templates choose the names: keep the table bounded
        RESOLVED_CALLS.clear()
    call = RESOLVED_CALLS[(type(obj), name, count)] = _resolve(obj, name, count)
    return call


def _resolve(obj: Any, name: str, count: int) -> ResolvedCall:
    """How ``$obj.name(...)`` with ``count`` arguments runs for any receiver of ``obj``'s type."""
    check_member_name(name, call=True)
    if isinstance(obj, TemplateObject):
        python_name = obj.vtl_methods.get(name)
        if python_name is None:
            return _refuse, f"{obj.java_class_name} has no method '{name}'"
        least, most = _object_arity(type(obj), python_name)
        wrong_count = f"{obj.java_class_name}.{name} does not take {count} argument(s)"
        if not least <= count <= most:
            return _refuse, wrong_count
        # The class's function: no bound method per call.
        return getattr(type(obj), python_name), wrong_count
    table = _table(obj)
    method = table.get(name) if table is not None else None
    if method is None:
        return _refuse, f"{java_type_name(obj)} has no method '{name}'"
    least, most = _ARITIES[id(method)]
    if not least <= count <= most:
        return _refuse, f"{java_type_name(obj)}.{name} does not take {count} argument(s)"
    return method, f"{java_type_name(obj)}.{name} does not accept these arguments"


def _refuse(receiver: Any, *args: Any) -> Any:
    raise NoSuchMethod


#: (receiver type, name) -> what ``$obj.name`` reads; see :func:`resolve_property`.
RESOLVED_PROPERTIES: dict[tuple[type, str], Callable[[Any], Any]] = {}


def resolve_property(obj: Any, name: str) -> Callable[[Any], Any]:
    """Work out what ``$obj.name`` reads for any receiver of ``obj``'s type, and keep it:
    a map key, or a bean getter (``getName()``, ``isName()``) as Velocity looks it up. A
    missing property reads null; apigw's own objects raise :class:`UnknownMember` for it,
    where a missing name is a typo worth reporting. Refused names raise here, every time."""
    read = _property_reader(obj, name)
    if len(RESOLVED_PROPERTIES) >= _MAX_RESOLVED:
        RESOLVED_PROPERTIES.clear()
    RESOLVED_PROPERTIES[(type(obj), name)] = read
    return read


def _property_reader(obj: Any, name: str) -> Callable[[Any], Any]:
    check_member_name(name, call=False)
    if isinstance(obj, dict):
        return lambda receiver: receiver.get(name)
    if name.startswith("_"):
        raise SandboxRefusal(f"'{name}' is not accessible from a template")
    if isinstance(obj, TemplateObject):
        python_name = obj.vtl_properties.get(name)
        if python_name is None:
            missing = f"{obj.java_class_name} has no property '{name}'"

            def refuse(receiver: Any) -> Any:
                raise UnknownMember(missing)

            return refuse
        getter: Callable[[Any], Any] = getattr(type(obj), python_name)
        return getter
    table = _table(obj)
    if table is not None:
        capitalised = name[:1].upper() + name[1:]
        for candidate in (f"get{name}", f"get{capitalised}", f"is{capitalised}"):
            method = table.get(candidate)
            if method is not None and _ARITIES[id(method)][0] == 0:
                return method
    return lambda receiver: None


def get_index(obj: Any, key: Any) -> Any:
    """``$obj[key]``: a map value, or a list element; a negative index counts from the end
    (Velocity 1.7) and one out of range is Java's exception."""
    if isinstance(obj, dict):
        return obj.get(map_key(key))
    if _is_indexable(obj) and type(key) is int:
        return obj[list_position(obj, key, from_end=True)]
    return None


def _is_indexable(obj: Any) -> bool:
    return isinstance(obj, list) and not isinstance(obj, JavaCollection)


def set_property(obj: Any, name: str, value: Any) -> None:
    """``#set($obj.name = value)``: puts into a map; anything else has no setter (no-op)."""
    check_member_name(name, call=False)
    if isinstance(obj, dict):
        obj[name] = value


def set_index(obj: Any, key: Any, value: Any) -> None:
    """``#set($obj[key] = value)``: a map put or a list element replacement."""
    if isinstance(obj, dict):
        obj[map_key(key)] = value
    elif _is_indexable(obj) and type(key) is int:
        obj[list_position(obj, key, from_end=True)] = value


def java_type_name(obj: Any) -> str:
    """The Java class a template value stands for, for messages."""
    if isinstance(obj, TemplateObject):
        return obj.java_class_name
    return {
        str: "String",
        bool: "Boolean",
        int: "Integer",
        float: "Double",
        list: "JSONArray",
        JavaArray: "String[]",
        JavaCollection: "Set",
        JavaChar: "Character",
        ArrayList: "ArrayList",
        dict: "LinkedHashMap",
        MapEntry: "Map.Entry",
    }.get(type(obj), "Map" if isinstance(obj, dict) else "Object")
