"""What JSON the app accepts in a request body: shallow, finite, and parsed without surprises.

Python's json module reads NaN, Infinity and 1e999 (which PostgreSQL's json refuses and any later
reader of the column chokes on) and raises RecursionError, not ValueError, on deep nesting.
Flask turns a ValueError from its JSON provider into a 400, so every reader here raises one.
"""

import json
import math

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32
# Values in one body, counted before parsing: each costs 30 to 60 bytes once parsed, so a 1 MiB
# body of "[1,1,1,...]" (half a million values) grew a worker by 50 MiB (review 3, F9). The
# largest body the app takes (a connection report, its samples at most 32 KiB) holds fewer.
MAX_VALUES = 20_000


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
    """Refuse containers nested deeper than max_depth and text holding a NUL (key or value).

    Only containers wait in the list (one entry each, not one per value as before)."""
    todo = [(value, 1)]
    while todo:
        item, level = todo.pop()
        if level > max_depth:
            raise UnacceptableJSON("nested too deeply")
        if isinstance(item, dict):
            check_text(item.keys())
            children = item.values()
        else:
            children = item
        check_text(children)
        todo.extend((child, level + 1) for child in children if isinstance(child, dict | list))


def check_text(values) -> None:
    if any(isinstance(value, str) and "\x00" in value for value in values):
        raise UnacceptableJSON("text must not hold NUL characters")


def too_many_values(text: str | bytes, limit: int) -> bool:
    """More than limit values, counted from separators and openings without parsing (commas
    inside strings count too: an overestimate, never an underestimate)."""
    if isinstance(text, str):
        return text.count(",") + text.count("[") + text.count("{") > limit
    return text.count(b",") + text.count(b"[") + text.count(b"{") > limit


def strict_loads(text: str | bytes, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES):
    """json.loads that refuses NaN, infinities, NUL in text, nesting deeper than max_depth and
    more than max_values values (before parsing them)."""
    if too_many_values(text, max_values):
        raise UnacceptableJSON(f"more than {max_values} values")
    try:
        value = json.loads(text, parse_constant=refuse_constant, parse_float=finite_float)
    except RecursionError:
        raise UnacceptableJSON("nested too deeply") from None
    if isinstance(value, dict | list):
        check_shape(value, max_depth)
    elif isinstance(value, str):
        check_text([value])
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies with strict_loads."""

    def loads(self, s, **kwargs):
        return strict_loads(s)
