"""The one-word status of an appointment on the clinician's list, and the host's checklist."""

import pytest

from readiness.clinic.host_checklist import visit_checklist
from readiness.clinic.visit_status import status_for, visit_status
from readiness.models import Check, ConnectionResult, ConsentRecord, DeviceResult, SettingAnswers


@pytest.mark.parametrize(
    "verdict, missing, consent, expected",
    [
        ("ready", [], "agreed", "ready"),
        ("limited", [], "agreed", "limited"),
        ("not_ready", [], "agreed", "not_ready"),
        ("ready", [], None, "consent_missing"),
        ("limited", [], None, "consent_missing"),
        ("ready", [], "declined", "not_ready"),
        ("not_ready", [], None, "not_ready"),
        # A failed part is enough to plan a phone call, even before the rest is done.
        ("not_ready", ["devices", "setting"], None, "not_ready"),
        ("ready", ["setting"], None, "not_tested"),
        (None, ["connection", "devices", "setting"], None, "not_tested"),
        # Declining consent means a phone visit whatever the check says.
        (None, ["connection", "devices", "setting"], "declined", "not_ready"),
    ],
)
def test_status_from_the_verdict_the_parts_left_and_the_consent(
    verdict, missing, consent, expected
):
    assert visit_status(verdict, missing, consent) == expected


def a_check(connection="ready", consent=None, camera="pass"):
    check = Check(reference_code="K7P4QX", language="en")
    check.connection_results = [ConnectionResult(verdict=connection, reasons=[])]
    check.device_results = [
        DeviceResult(kind=kind, status=camera if kind == "camera" else "pass")
        for kind in ("camera", "microphone", "speakers", "browser")
    ]
    check.setting_answers = [
        SettingAnswers(private_place=True, public_wifi=False, phone_at_hand=True)
    ]
    check.consent_records = [ConsentRecord(decision=consent)] if consent else []
    return check


def test_no_check_is_not_tested_yet():
    assert status_for(None) == "not_tested"


def test_a_complete_check_with_consent_is_its_verdict():
    assert status_for(a_check("ready", "agreed")) == "ready"
    assert status_for(a_check("limited", "agreed")) == "limited"


def test_a_complete_check_without_consent_says_consent_is_missing():
    assert status_for(a_check("ready")) == "consent_missing"


def test_a_failed_camera_or_a_declined_consent_means_phone():
    assert status_for(a_check("ready", "agreed", camera="fail")) == "not_ready"
    assert status_for(a_check("ready", "declined")) == "not_ready"


def test_the_latest_consent_counts():
    check = a_check("ready", "declined")
    check.consent_records.append(ConsentRecord(decision="agreed"))
    assert status_for(check) == "ready"


def test_host_checklist_has_five_items_in_each_language_by_default():
    from readiness.config import DefaultConfig

    config = {key: getattr(DefaultConfig, key) for key in dir(DefaultConfig) if key.isupper()}
    english, french = visit_checklist(config, "en"), visit_checklist(config, "fr")
    assert len(english) == len(french) == 5
    assert any("waiting room" in item for item in english)
    assert any("salle d’attente" in item for item in french)


def test_host_checklist_can_be_one_item_per_line_or_a_list():
    config = {
        "VISIT_CHECKLIST_EN": "Start on time\n\n  Admit the patient  \n",
        "VISIT_CHECKLIST_FR": [],
    }
    assert visit_checklist(config, "en") == ["Start on time", "Admit the patient"]
    assert visit_checklist(config, "fr") == []
