"""Velocity 1.7's operators on Java values, with API Gateway's null rules (spec §6.1, §6.7).

* Arithmetic follows Velocity's ``MathUtils``: integers stay integers (overflow widens, which
  Python's ints do for free), a double operand makes a double, ``/`` on integers truncates
  toward zero, ``%`` takes the dividend's sign, and anything that is not a number, or a
  division by zero, gives null. ``+`` with a string operand concatenates.
* ``==`` compares numbers by value, objects of related classes with ``equals`` and anything
  else by ``toString``. On API Gateway a null also equals ``""`` (recorded), and null equals
  null (as in Velocity).
* ``< <= > >=`` compare numbers only; anything else is false.
"""

from __future__ import annotations

from typing import Any

from apigw_cli.vtl.values import to_java_string


def is_number(value: Any) -> bool:
    """A Java ``Number``: ``int`` or ``float``, never ``bool`` (a Java ``Boolean`` is not one)."""
    return (type(value) is int) or (type(value) is float)


def add(left: Any, right: Any, left_source: str, right_source: str) -> Any:
    """``left + right``; a null beside a string prints as its reference text, as in Velocity."""
    if isinstance(left, str) or isinstance(right, str):
        left_text = left_source if left is None else to_java_string(left)
        right_text = right_source if right is None else to_java_string(right)
        return left_text + right_text
    if is_number(left) and is_number(right):
        return left + right
    return None


def subtract(left: Any, right: Any) -> Any:
    return left - right if is_number(left) and is_number(right) else None


def multiply(left: Any, right: Any) -> Any:
    return left * right if is_number(left) and is_number(right) else None


def divide(left: Any, right: Any) -> Any:
    """Java division: integers truncate toward zero; dividing by zero gives null.

    >>> divide(7, 2), divide(-7, 2), divide(7.0, 2), divide(1, 0)
    (3, -3, 3.5, None)
    """
    if not (is_number(left) and is_number(right)) or right == 0:
        return None
    if type(left) is int and type(right) is int:
        quotient = abs(left) // abs(right)
        return quotient if (left < 0) == (right < 0) else -quotient
    return left / right


def remainder(left: Any, right: Any) -> Any:
    """Java ``%``: the result takes the dividend's sign.

    >>> remainder(-7, 3), remainder(7, -3), remainder(7.5, 2)
    (-1, 1, 1.5)
    """
    if not (is_number(left) and is_number(right)) or right == 0:
        return None
    if type(left) is int and type(right) is int:
        result = abs(left) % abs(right)
        return -result if left < 0 else result
    magnitude = abs(left) % abs(right)
    return -magnitude if left < 0 else magnitude


def equals(left: Any, right: Any) -> bool:
    """Velocity's ``==`` with API Gateway's null: null equals null and ``""``.

    >>> equals(1, 1.0), equals("1", 1), equals(True, "true"), equals(None, ""), equals(True, 1)
    (True, True, True, True, False)
    """
    if left is None or right is None:
        other = right if left is None else left
        return other is None or other == ""
    if is_number(left) and is_number(right):
        return bool(left == right)
    if _related_classes(left, right):
        return java_equals(left, right)
    return to_java_string(left) == to_java_string(right)


def _related_classes(left: Any, right: Any) -> bool:
    left_class, right_class = type(left), type(right)
    return issubclass(left_class, right_class) or issubclass(right_class, left_class)


def java_equals(left: Any, right: Any) -> bool:
    """Java's ``equals``: numbers of different classes differ (``Integer(1)`` vs ``Double(1.0)``)."""
    if left is None or right is None:
        return left is right
    if is_number(left) or is_number(right) or isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and bool(left == right)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(java_equals(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(java_equals(left[key], right[key]) for key in left)
    return bool(left == right)


def compare(op: str, left: Any, right: Any) -> bool:
    """``< <= > >=``: numbers only; otherwise false, as Velocity 1.7 logs and answers."""
    if not (is_number(left) and is_number(right)):
        return False
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def is_true_reference(value: Any) -> bool:
    """A reference as a condition on API Gateway: only a real ``false`` is false; a null or
    undefined reference is true (spec §6.1, recorded), and so are ``""``, ``0`` and ``[]``."""
    return value is not False
