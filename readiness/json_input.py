"""What JSON the app accepts in a request body: shallow, finite, and parsed without surprises.

Python's json module reads NaN, Infinity and 1e999 (which PostgreSQL's json refuses and any later
reader of the column chokes on) and raises RecursionError, not ValueError, on deep nesting.
Flask turns a ValueError from its JSON provider into a 400, so every reader here raises one.
"""

import json
import math

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32


class UnacceptableJSON(ValueError):
    """A body that is not the JSON we take."""


def refuse_constant(name: str):
    raise UnacceptableJSON(f"{name} is not a number JSON allows")


def finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnacceptableJSON(f"{text} is too large")
    return value


def check_shape(value, max_depth: int) -> None:
    """Refuse containers nested deeper than max_depth and text holding a NUL (key or value)."""
    todo = [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, str) and "\x00" in item:
            raise UnacceptableJSON("text must not hold NUL characters")
        if isinstance(item, dict | list):
            if level > max_depth:
                raise UnacceptableJSON("nested too deeply")
            if isinstance(item, dict):
                todo.extend((key, level) for key in item)
                todo.extend((child, level + 1) for child in item.values())
            else:
                todo.extend((child, level + 1) for child in item)


def strict_loads(text: str | bytes, max_depth: int = MAX_DEPTH):
    """json.loads that refuses NaN, infinities, NUL in text and nesting deeper than max_depth."""
    try:
        value = json.loads(text, parse_constant=refuse_constant, parse_float=finite_float)
    except RecursionError:
        raise UnacceptableJSON("nested too deeply") from None
    check_shape(value, max_depth)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies with strict_loads."""

    def loads(self, s, **kwargs):
        return strict_loads(s)
