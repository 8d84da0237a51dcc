"""JSON bodies are bounded before they are parsed: memory a body can cost, measured (F9)."""

import contextlib
import json
import tracemalloc

import pytest

from readiness.json_input import MAX_VALUES, UnacceptableJSON, strict_loads

MiB = 1024 * 1024


def peak_bytes(function, *args) -> int:
    """The most memory Python held above the start while function ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with contextlib.suppress(UnacceptableJSON):
            function(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_mebibyte_of_small_values_is_refused_before_it_is_parsed():
    body = b"[" + b"1," * (MiB // 2 - 1) + b"1]"
    with pytest.raises(UnacceptableJSON, match="more than"):
        strict_loads(body)
    # Before: half a million ints and as many tuples, 50 times the body (review 3, F9).
    assert peak_bytes(strict_loads, body) < 64 * 1024


def test_the_largest_body_taken_costs_a_bounded_multiple_of_its_size():
    body = json.dumps({"samples": {"down": [1.5] * (MAX_VALUES - 10)}}).encode()
    assert strict_loads(body)["samples"]["down"][0] == 1.5
    amplification = peak_bytes(strict_loads, body) / len(body)
    assert amplification < 10, amplification  # about 7.5 (floats)


def test_depth_nul_and_constants_are_still_refused():
    for body in ("[" * 40 + "]" * 40, '{"a": "x\\u0000"}', '{"\\u0000": 1}', "[NaN]", "1e999"):
        with pytest.raises(UnacceptableJSON):
            strict_loads(body)
    assert strict_loads("[" * 32 + "]" * 32) is not None
    assert strict_loads('"plain"') == "plain"
