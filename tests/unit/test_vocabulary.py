"""The product's words: plain strings wherever they travel, one family per reason code."""

import json

from readiness.checks import reasons
from readiness.checks.overall import LIMITED, NOT_READY, READY, worst
from readiness.vocabulary import ReasonFamily, Verdict


def test_a_verdict_is_its_plain_string_in_comparisons_json_and_text():
    assert Verdict.NOT_READY == "not_ready"
    assert json.dumps({"verdict": Verdict.LIMITED}) == '{"verdict": "limited"}'
    assert f"verdict-{Verdict.READY}" == "verdict-ready"


def test_the_old_names_still_mean_the_verdicts():
    assert tuple(Verdict) == (READY, LIMITED, NOT_READY)
    assert worst(READY, "limited") == Verdict.LIMITED


def test_every_reason_code_belongs_to_exactly_one_family():
    for code in reasons.ALL:
        assert sum(code in codes for codes in reasons.FAMILIES.values()) == 1, code
    assert reasons.family(reasons.JITTER_HIGH) == ReasonFamily.CONNECTION
    assert reasons.family(reasons.NOT_HEARD) == ReasonFamily.DEVICES
    assert reasons.family(reasons.PUBLIC_WIFI) == ReasonFamily.SETTING
    assert reasons.family("made_up") is None
