"""Every reason code a check can give has a sentence for staff and advice for the patient.

The desk's scripts are checked per system and browser in test_desk_scripts.py.
"""

import pytest

from readiness.checks import reasons
from readiness.checks.reason_labels import LABELS
from readiness.connection.advice import BY_REASON
from readiness.devices.help import DEVICE_REASONS, SETTING_ADVICE_FOR


@pytest.mark.parametrize("reason", reasons.ALL)
def test_every_reason_has_a_sentence_for_staff(reason):
    assert reason in LABELS


@pytest.mark.parametrize("reason", reasons.CONNECTION)
def test_every_connection_reason_has_advice_for_the_patient(reason):
    assert BY_REASON.get(reason)


@pytest.mark.parametrize("reason", reasons.DEVICES)
def test_every_device_reason_has_instructions_on_a_device_page(reason):
    assert any(reason in found for found in DEVICE_REASONS.values())


@pytest.mark.parametrize("reason", reasons.SETTING)
def test_every_setting_reason_has_advice_for_the_patient(reason):
    assert reason in {key for _, key in SETTING_ADVICE_FOR.values()}
