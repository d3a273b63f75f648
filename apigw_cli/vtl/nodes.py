"""The syntax tree of a parsed template. Every node keeps the source offset it starts at,
so render errors can name the line and column."""

from __future__ import annotations

from typing import Any, TypeAlias, TypeVar, dataclass_transform

_T = TypeVar("_T")


#: Nodes are never changed once parsed. They are plain slotted classes built with one shared
#: ``__init__``: a dataclass generates and compiles code per class, which costs every start
#: of the command a few milliseconds.
@dataclass_transform()
def _node(cls: type[_T]) -> type[_T]:
    namespace = {key: value for key, value in vars(cls).items() if key not in ("__dict__", "__weakref__")}
    namespace["__slots__"] = tuple(cls.__annotations__)
    namespace["__init__"] = _init_fields
    return type(cls.__name__, cls.__bases__, namespace)


def _init_fields(self: Any, *values: Any) -> None:
    for name, value in zip(self.__slots__, values, strict=True):
        setattr(self, name, value)


# ---------------------------------------------------------------------------------------------
# Expressions


@_node
class Literal:
    """``1``, ``2.5``, ``'text'``, ``true``, ``false`` (``None`` for an empty condition)."""

    value: Any
    offset: int


@_node
class Interpolated:
    """A double-quoted string: its content is a template rendered to text."""

    body: Block
    offset: int


@_node
class ListLiteral:
    items: tuple[Expr, ...]
    offset: int


@_node
class MapLiteral:
    entries: tuple[tuple[Expr, Expr], ...]
    offset: int


@_node
class RangeLiteral:
    """``[start..end]``, inclusive, counting down when ``end < start``."""

    start: Expr
    end: Expr
    offset: int


@_node
class Attribute:
    """``.name``: a map key or a bean property (``getName()``/``isName()``)."""

    name: str
    offset: int


@_node
class MethodCall:
    """``.name(args)``."""

    name: str
    args: tuple[Expr, ...]
    offset: int


@_node
class Index:
    """``[expr]``: a list index or a map key."""

    key: Expr
    offset: int


Accessor: TypeAlias = Attribute | MethodCall | Index


@_node
class Reference:
    """``$name`` followed by accessors, e.g. ``$input.path('$.a').size()``."""

    name: str
    accessors: tuple[Accessor, ...]
    #: The reference exactly as written (``$!{a.b}``), for messages and escapes.
    source: str
    offset: int


@_node
class BinaryOp:
    """``left OP right`` with OP one of ``|| && == != < <= > >= + - * / %``."""

    op: str
    left: Expr
    right: Expr
    offset: int


@_node
class Not:
    operand: Expr
    offset: int


Expr: TypeAlias = Literal | Interpolated | ListLiteral | MapLiteral | RangeLiteral | Reference | BinaryOp | Not

# ---------------------------------------------------------------------------------------------
# Statements


@_node
class Text:
    text: str
    offset: int


@_node
class Output:
    """A reference placed in the text; prints its value (null prints empty on AWS)."""

    reference: Reference


@_node
class EscapedOutput:
    """``\\$ref`` behind an odd number of backslashes: Velocity prints the reference's source
    text, with half the backslashes when it has a value and half plus one when it has none."""

    reference: Reference
    backslashes: int


@_node
class If:
    branches: tuple[tuple[Expr, Block], ...]
    otherwise: Block | None
    offset: int


@_node
class Foreach:
    variable: str
    iterable: Expr
    body: Block
    offset: int


@_node
class Set:
    """``#set($name.accessor... = value)``."""

    target: Reference
    value: Expr
    offset: int


@_node
class MacroDefinition:
    name: str
    parameters: tuple[str, ...]
    body: Block
    offset: int


@_node
class MacroCall:
    name: str
    args: tuple[Expr, ...]
    #: The call as written: printed as is when no macro of that name exists.
    source: str
    offset: int


@_node
class Define:
    """``#define($name) ... #end``: ``$name`` renders the block each time it is printed."""

    name: str
    body: Block
    offset: int


@_node
class Evaluate:
    expression: Expr
    offset: int


@_node
class Stop:
    offset: int


@_node
class Break:
    offset: int


Statement: TypeAlias = (
    Text | Output | EscapedOutput | If | Foreach | Set | MacroDefinition | MacroCall | Define | Evaluate | Stop | Break
)
Block: TypeAlias = tuple[Statement, ...]
