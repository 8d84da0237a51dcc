"""The support desk: find a caller's check, watch it, read the script, finish it by phone."""

import re
import time
from datetime import timedelta

import pytest

from readiness.checks.consent import consent_text
from readiness.extensions import db
from readiness.models import (
    AuditEvent,
    Check,
    ConsentRecord,
    ContactDetails,
    DeskNote,
    DeviceResult,
    OutboxMessage,
    StaffUser,
    utcnow,
)
from tests.support.records import add_results

CONTACT = {
    "email": "marie.tremblay@example.org",
    "mobile": "514 555-0123",
    "backup": "(613) 555-0142",
    "preferred_language": "fr",
    "preferred_contact": "sms",
}


@pytest.fixture
def make_check(app):
    """A patient's check in the database; returns its public id and code."""

    def make(language="en", code="K7P4QX", results=False, **fields):
        with app.app_context():
            check = Check(reference_code=code, language=language, **fields)
            db.session.add(check)
            if results:
                add_results(check, **(results if isinstance(results, dict) else {}))
            db.session.commit()
            return check.public_id

    return make


def rows(app, model, **where):
    with app.app_context():
        return db.session.scalars(db.select(model).filter_by(**where).order_by(model.id)).all()


def the_check(app):
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        db.session.expunge_all()
        return check


def desk_agent(app):
    with app.app_context():
        return db.session.scalar(db.select(StaffUser).filter_by(role="desk"))


def found(client, typed) -> str:
    """The search results part of the desk's page for a search."""
    page = client.get("/desk/", query_string={"q": typed}).text
    start = page.index('data-testid="search-results"')
    return page[start : page.index("</div>", start)]


def lookups(app):
    return [
        (e.check_id, e.details, e.staff_id) for e in rows(app, AuditEvent, action="desk.lookup")
    ]


# Finding a check.


@pytest.mark.parametrize("typed", ["K7P-4QX", "k7p4qx", " k7p 4qx ", "K7P4QX"])
def test_agent_finds_a_check_by_its_code_however_it_is_typed(app, desk_client, make_check, typed):
    public_id = make_check()
    assert f"/desk/checks/{public_id}" in found(desk_client, typed)


def test_a_round_o_read_by_the_caller_finds_the_codes_q(app, desk_client, make_check):
    public_id = make_check(code="K7P4QX")
    assert f"/desk/checks/{public_id}" in found(desk_client, "k7p-4ox")


def test_a_code_that_matches_nothing_says_so(desk_client, make_check):
    make_check()
    response = desk_client.get("/desk/", query_string={"q": "ZZZ-ZZZ"})
    assert response.status_code == 200
    assert "No check found" in response.text


def test_an_empty_search_is_an_error_linked_to_the_field(desk_client):
    response = desk_client.get("/desk/", query_string={"q": ""})
    assert response.status_code == 400
    assert 'href="#q"' in response.text


def test_agent_finds_a_check_by_the_callers_phone_number_or_email(app, desk_client, make_check):
    public_id = make_check()
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        db.session.add(
            ContactDetails(
                check=check,
                email="Marie.Tremblay@example.org",
                mobile_e164="+15145550123",
                backup_e164="+16135550142",
                preferred_language="fr",
                preferred_contact="sms",
            )
        )
        db.session.commit()
    for typed in (
        "(514) 555-0123",
        "613-555-0142",
        "+1 514 555 0123",
        "marie.tremblay@EXAMPLE.org",
    ):
        assert f"/desk/checks/{public_id}" in found(desk_client, typed), typed
    assert f"/desk/checks/{public_id}" not in found(desk_client, "514 555-0199")


def test_every_look_up_is_audited_with_who_which_check_and_how(app, desk_client, make_check):
    public_id = make_check()
    desk_client.get("/desk/", query_string={"q": "K7P-4QX"})
    desk_client.get("/desk/", query_string={"q": "nobody@example.org"})
    desk_client.get(f"/desk/checks/{public_id}")
    check, agent = the_check(app), desk_agent(app)
    found_nothing = lookups(app)[1][1]
    assert lookups(app) == [
        (check.id, {"by": "code"}, agent.id),
        (None, {"by": "email", "found": 0, "searched": found_nothing["searched"]}, agent.id),
        (check.id, {"by": "open"}, agent.id),
    ]
    # What was searched for nothing: a keyed hash, never the value.
    assert len(found_nothing["searched"]) == 32
    assert "nobody" not in str(found_nothing)


def test_audit_events_of_searches_hold_no_contact_details(app, desk_client, make_check):
    make_check()
    desk_client.get("/desk/", query_string={"q": "marie.tremblay@example.org"})
    desk_client.get("/desk/", query_string={"q": "514 555-0123"})
    text = repr([e.details for e in rows(app, AuditEvent)])
    assert "example.org" not in text and "555" not in text


def test_recent_checks_of_the_last_hours_are_listed_with_their_status(app, desk_client, make_check):
    recent = make_check(code="K7P4QX", results=True)
    old = make_check(code="M3N4PR", updated_at=utcnow() - timedelta(hours=30))
    page = desk_client.get("/desk/").text
    assert f"/desk/checks/{recent}" in page
    assert f"/desk/checks/{old}" not in page
    assert "in progress: Not started yet" in page


# A caller's check, live.


def test_check_page_shows_language_step_and_each_result(app, desk_client, make_check):
    public_id = make_check(language="fr", results={"connection": "limited", "camera": "fail"})
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        check.step = "devices"
        check.device_summary = {
            "device_type": "phone",
            "system": "ios",
            "system_version": "17.4",
            "browser": "safari",
            "browser_version": "17.4",
        }
        check.last_seen_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert "Français" in page
    assert "Cellphone · iOS 17.4 · Safari 17.4" in page
    assert 'data-step="devices"' in page
    assert "4.2 Mbps" in page
    assert 'data-testid="desk-device-camera" data-status="fail"' in page
    assert "The browser was not allowed to use the camera or microphone." in page
    assert "Caller last seen 2 minutes ago." in page
    assert 'data-active="true"' in page


def test_live_answer_carries_each_part_with_a_version_that_changes_with_it(
    app, desk_client, make_check
):
    public_id = make_check(last_seen_at=utcnow())
    first = desk_client.get(f"/desk/checks/{public_id}/live").get_json()
    assert set(first["fragments"]) == {"summary", "results", "scripts"}
    assert first["active"] is True
    assert "No result yet." in first["fragments"]["results"]["html"]
    with app.app_context():
        add_results(db.session.scalar(db.select(Check)), connection="ready")
        db.session.commit()
    second = desk_client.get(f"/desk/checks/{public_id}/live").get_json()
    assert second["fragments"]["results"]["version"] != first["fragments"]["results"]["version"]
    assert "48.2 Mbps" in second["fragments"]["results"]["html"]
    again = desk_client.get(f"/desk/checks/{public_id}/live").get_json()
    assert again["fragments"]["results"]["version"] == second["fragments"]["results"]["version"]


def test_live_updates_stop_when_the_caller_has_been_away_half_an_hour(desk_client, make_check):
    public_id = make_check(
        last_seen_at=utcnow() - timedelta(minutes=31), created_at=utcnow() - timedelta(hours=1)
    )
    assert desk_client.get(f"/desk/checks/{public_id}/live").get_json()["active"] is False


def test_polling_is_not_audited_as_a_new_look_up(app, desk_client, make_check):
    public_id = make_check()
    desk_client.get(f"/desk/checks/{public_id}/live")
    assert lookups(app) == []


def test_unknown_check_is_404(desk_client):
    assert desk_client.get("/desk/checks/no-such-check").status_code == 404


# Scripts.


def test_script_matches_the_failure_and_the_callers_browser(app, desk_client, make_check):
    public_id = make_check(results={"camera": "fail"})
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        check.device_summary = {"system": "ios", "browser": "safari", "device_type": "phone"}
        db.session.commit()
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert 'data-reason="permission_denied"' in page
    assert 'data-script="permission_safari_ios"' in page
    assert "Tap Website Settings." in page
    page = desk_client.get(
        f"/desk/checks/{public_id}", query_string={"system": "android", "browser": "chrome"}
    ).text
    assert 'data-script="permission_chrome_android"' in page
    assert 'data-script="permission_safari_ios"' not in page


def test_script_is_in_the_callers_language_with_the_agents_alongside(app, desk_client, make_check):
    public_id = make_check(language="fr", results={"connection": "limited"})
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert 'lang="fr" data-language="fr"' in page
    assert "rapprochez-vous de votre routeur Wi-Fi" in page
    assert 'lang="en" data-language="en"' in page
    assert "move closer to your Wi-Fi router" in page


def test_same_language_shows_the_script_once(app, desk_client, make_check):
    public_id = make_check(language="en", results={"connection": "limited"})
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert page.count('data-language="en"') == 1
    assert 'data-language="fr"' not in page


def test_agent_reading_in_french_gets_the_page_in_french(app, desk_client, make_check):
    public_id = make_check(language="en", results={"connection": "limited"})
    desk_client.get("/auth/language/fr", query_string={"next": "/desk/"})
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert '<html lang="fr">' in page
    assert "Ce qu’il faut lire à la personne qui appelle" in page
    assert "move closer to your Wi-Fi router" in page  # the caller's language, English


# Starting a check for a caller.


def test_agent_starts_a_check_and_gets_its_code_to_read(app, desk_client):
    response = desk_client.post("/desk/checks/new", data={"language": "fr"})
    assert response.status_code == 302
    check = the_check(app)
    assert check.language == "fr"
    assert check.started_by_staff_id == desk_agent(app).id
    page = desk_client.get(response.headers["Location"]).text
    # A code that lets the caller's browser in: 8 characters, read in two groups of 4.
    assert len(check.reference_code) == 8
    code = f"{check.reference_code[:4]}-{check.reference_code[4:]}"
    assert code in page
    assert "/fr/code" in page
    started = rows(app, AuditEvent, action="desk.check_started")
    assert [e.details for e in started] == [{"language": "fr"}]


def spelling_words(page: str) -> list[str]:
    listed = page.split('class="spelling"')[1].split("</ol>")[0]
    return re.findall(r'<span lang="(?:en|fr)">([^<]+)</span>', listed)


def test_code_for_a_french_speaking_caller_is_spelled_with_french_names(app, desk_client):
    """Older francophone callers do not know « Juliett » or « X-ray »: « K comme Karine »."""
    response = desk_client.post("/desk/checks/new", data={"language": "fr"})
    page = desk_client.get(response.headers["Location"]).text
    code = the_check(app).reference_code
    words = spelling_words(page)
    letters = [ch for ch in code if ch.isalpha()]
    assert len(words) == len(letters) and '<span lang="fr">' in page
    french = {"K": "Karine", "J": "Julie", "X": "Xavier", "Y": "Yvonne", "W": "William"}
    for letter, word in zip(letters, words, strict=True):
        assert word[0] == letter or (letter == "E" and word == "Émile")
        assert word not in {"Juliett", "Whiskey", "X-ray", "Yankee", "Kilo", "Alfa"}
        assert french.get(letter, word) == word


def test_code_for_an_english_speaking_caller_keeps_the_radio_alphabet(app, desk_client):
    response = desk_client.post("/desk/checks/new", data={"language": "en"})
    page = desk_client.get(response.headers["Location"]).text
    code = the_check(app).reference_code
    radio = dict(
        zip(
            "ABCDEFGHJKMNPQRSTUVWXYZ",
            [
                "Alfa",
                "Bravo",
                "Charlie",
                "Delta",
                "Echo",
                "Foxtrot",
                "Golf",
                "Hotel",
                "Juliett",
                "Kilo",
                "Mike",
                "November",
                "Papa",
                "Quebec",
                "Romeo",
                "Sierra",
                "Tango",
                "Uniform",
                "Victor",
                "Whiskey",
                "X-ray",
                "Yankee",
                "Zulu",
            ],
        )
    )
    assert spelling_words(page) == [radio[ch] for ch in code if ch.isalpha()]


def test_caller_joins_the_agents_check_with_its_code(app, desk_client, client):
    desk_client.post("/desk/checks/new", data={"language": "en"})
    check = the_check(app)
    response = client.post("/en/code", data={"code": check.reference_code.lower()})
    assert response.status_code == 302
    client.get("/en/check/connection")
    assert the_check(app).last_seen_at is not None


# Finishing by phone.


def test_verbal_consent_is_recorded_with_method_agent_time_and_text_version(
    app, desk_client, make_check
):
    public_id = make_check(language="fr", results=True)
    page = desk_client.get(f"/desk/checks/{public_id}/consent").text
    # The caller's language.
    assert "Acceptez-vous que votre consultation se fasse par vidéo" in page
    text = consent_text({}, "fr")
    response = desk_client.post(
        f"/desk/checks/{public_id}/consent",
        data={
            "decision": "agreed",
            "read_aloud": "y",
            "text_sha256": text.sha256,
            "text_language": "fr",
        },
    )
    assert response.status_code == 302
    [consent] = rows(app, ConsentRecord)
    assert consent.method == "verbal_desk"
    assert consent.staff_id == desk_agent(app).id
    assert (consent.language, consent.text_sha256, consent.decision) == (
        "fr",
        text.sha256,
        "agreed",
    )
    assert consent.text_version == text.version
    [event] = rows(app, AuditEvent, action="consent.recorded")
    assert event.details["method"] == "verbal_desk"
    assert event.staff_id == desk_agent(app).id


def test_verbal_consent_needs_the_text_read_and_an_answer(app, desk_client, make_check):
    public_id = make_check()
    response = desk_client.post(
        f"/desk/checks/{public_id}/consent",
        data={"text_sha256": consent_text({}, "en").sha256, "text_language": "en"},
    )
    assert response.status_code == 400
    assert 'href="#read_aloud"' in response.text and 'href="#decision"' in response.text
    assert rows(app, ConsentRecord) == []


def test_verbal_consent_can_be_read_in_the_other_language(app, desk_client, make_check):
    public_id = make_check(language="en")
    page = desk_client.get(f"/desk/checks/{public_id}/consent?language=fr").text
    assert 'data-testid="consent-text"' in page and 'lang="fr"' in page
    desk_client.post(
        f"/desk/checks/{public_id}/consent",
        data={
            "decision": "declined",
            "read_aloud": "y",
            "text_sha256": consent_text({}, "fr").sha256,
            "text_language": "fr",
        },
    )
    [consent] = rows(app, ConsentRecord)
    assert (consent.language, consent.decision) == ("fr", "declined")


def test_consent_text_changed_while_open_is_not_recorded(app, desk_client, make_check):
    public_id = make_check()
    response = desk_client.post(
        f"/desk/checks/{public_id}/consent",
        data={"decision": "agreed", "read_aloud": "y", "text_sha256": "0" * 64},
    )
    assert response.status_code == 400
    assert rows(app, ConsentRecord) == []


def test_contact_details_use_the_patients_rules_and_keep_the_input(app, desk_client, make_check):
    public_id = make_check()
    bad = dict(CONTACT, email="not an email", backup="555")
    response = desk_client.post(f"/desk/checks/{public_id}/contact", data=bad)
    assert response.status_code == 400
    assert "Enter an email address like name@example.com." in response.text
    assert "This phone number is not valid." in response.text
    assert 'value="not an email"' in response.text
    assert rows(app, ContactDetails) == []


def test_contact_details_are_saved_by_the_agent_and_corrections_keep_the_earlier_row(
    app, desk_client, make_check
):
    public_id = make_check(results=True)
    assert desk_client.post(f"/desk/checks/{public_id}/contact", data=CONTACT).status_code == 302
    page = desk_client.get(f"/desk/checks/{public_id}/contact").text
    assert 'value="marie.tremblay@example.org"' in page  # the form starts from what is on record
    corrected = dict(CONTACT, backup="(514) 555-0177")
    desk_client.post(f"/desk/checks/{public_id}/contact", data=corrected)
    first, second = rows(app, ContactDetails)
    assert (first.backup_e164, second.backup_e164) == ("+16135550142", "+15145550177")
    assert second.entered_by_staff_id == desk_agent(app).id
    [saved] = rows(app, AuditEvent, action="contact.saved")
    [corrected_event] = rows(app, AuditEvent, action="contact.corrected")
    assert corrected_event.details == {"previous_id": first.id, "changed": ["backup_e164"]}
    assert "555" not in repr(saved.details) + repr(corrected_event.details)


def test_consent_and_contact_by_phone_finish_the_check_with_its_verdict(
    app, desk_client, make_check
):
    public_id = make_check(results={"connection": "ready"})
    desk_client.post(
        f"/desk/checks/{public_id}/consent",
        data={
            "decision": "agreed",
            "read_aloud": "y",
            "text_sha256": consent_text({}, "en").sha256,
            "text_language": "en",
        },
    )
    assert the_check(app).completed_at is None
    desk_client.post(f"/desk/checks/{public_id}/contact", data=CONTACT)
    check = the_check(app)
    assert check.completed_at is not None
    assert check.verdict == "ready"
    [event] = rows(app, AuditEvent, action="check.completed")
    assert event.details == {"verdict": "ready", "by": "desk"}


def test_no_suitable_device_records_a_phone_visit(app, desk_client, make_check):
    public_id = make_check()
    response = desk_client.post(f"/desk/checks/{public_id}/outcome")
    assert response.status_code == 302
    check = the_check(app)
    assert (check.outcome, check.verdict) == ("no_device_phone_visit", "not_ready")
    assert check.completed_at is not None
    [event] = rows(app, AuditEvent, action="desk.outcome_recorded")
    assert event.details == {"outcome": "no_device_phone_visit", "previous": None}
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert "No suitable device: phone visit" in page


def test_agent_adds_notes_and_none_is_ever_deleted(app, desk_client, make_check):
    public_id = make_check()
    desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": "Caller on a landline."})
    desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": "Called back at 3 p.m."})
    assert [n.text for n in rows(app, DeskNote)] == [
        "Caller on a landline.",
        "Called back at 3 p.m.",
    ]
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert "Caller on a landline." in page and "Called back at 3 p.m." in page
    assert len(rows(app, AuditEvent, action="desk.note_added")) == 2


def test_an_empty_note_is_an_error(app, desk_client, make_check):
    public_id = make_check()
    response = desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": "  "})
    assert response.status_code == 400
    assert 'href="#text"' in response.text
    assert rows(app, DeskNote) == []


def test_desk_forms_give_their_errors_in_the_agents_language(app, desk_client, make_check):
    public_id = make_check(language="en")
    desk_client.get("/auth/language/fr", query_string={"next": "/desk/"})
    response = desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": ""})
    assert "Écrivez la note." in response.text


# Who may do what.


@pytest.mark.parametrize("path", ["consent", "contact", "outcome", "notes"])
def test_a_clinician_cannot_use_desk_actions(app, clinician_client, make_check, path):
    public_id = make_check()
    response = clinician_client.post(f"/desk/checks/{public_id}/{path}", data=CONTACT)
    assert response.status_code == 403
    assert rows(app, ConsentRecord) == rows(app, ContactDetails) == rows(app, DeskNote) == []
    assert the_check(app).outcome is None


def test_an_anonymous_visitor_cannot_look_up_or_start_checks(app, client, make_check):
    public_id = make_check()
    for response in (
        client.get("/desk/", query_string={"q": "K7P-4QX"}),
        client.get(f"/desk/checks/{public_id}/live"),
        client.post("/desk/checks/new", data={"language": "en"}),
        client.post(f"/desk/checks/{public_id}/outcome"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login")
    assert len(rows(app, Check)) == 1
    assert rows(app, AuditEvent) == []


def test_a_patient_with_a_check_cannot_see_the_desk_view_of_it(app, client):
    client.post("/en/check/new")
    check = the_check(app)
    response = client.get(f"/desk/checks/{check.public_id}/live")
    assert response.status_code == 302


def test_an_admin_can_use_the_desk(app, admin_client, make_check):
    public_id = make_check()
    assert admin_client.get(f"/desk/checks/{public_id}").status_code == 200
    assert admin_client.post(f"/desk/checks/{public_id}/outcome").status_code == 302


def test_device_results_stay_untouched_by_desk_actions(app, desk_client, make_check):
    public_id = make_check(results=True)
    before = len(rows(app, DeviceResult))
    desk_client.post(f"/desk/checks/{public_id}/outcome")
    desk_client.post(f"/desk/checks/{public_id}/contact", data=CONTACT)
    assert len(rows(app, DeviceResult)) == before


def test_a_page_refreshing_by_itself_does_not_keep_an_idle_agent_signed_in(desk_client, make_check):
    public_id = make_check(last_seen_at=utcnow())
    with desk_client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 20 * 60
    assert desk_client.get(f"/desk/checks/{public_id}/live").status_code == 200
    with desk_client.session_transaction() as session:
        assert session["seen_at"] < time.time() - 19 * 60  # polling did not reset the clock
        session["seen_at"] = int(time.time()) - 31 * 60
    response = desk_client.get(f"/desk/checks/{public_id}/live")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_starting_a_check_needs_the_callers_language(app, desk_client):
    response = desk_client.post("/desk/checks/new", data={})
    assert response.status_code == 400
    assert 'href="#language"' in response.text
    assert rows(app, Check) == []


def test_finishing_says_whether_the_check_was_completed_or_its_verdict_changed(
    app, make_check, make_staff
):
    from readiness.checks.completion import finish_if_complete
    from readiness.desk import actions

    agent = make_staff("desk")
    make_check(results={"connection": "ready"})
    text = consent_text({}, "en")
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        assert finish_if_complete(check, staff_id=agent.id) is None
        actions.record_verbal_consent(check, agent.id, "agreed", text)
        values = {
            "email": None,
            "mobile": None,
            "backup": "+16135550142",
            "preferred_language": "en",
            "preferred_contact": "phone",
        }
        actions.correct_contact(check, agent.id, values)
        assert (check.verdict, check.outcome) == ("ready", None)
        assert finish_if_complete(check, staff_id=agent.id) is None
        db.session.add(
            ConsentRecord(
                check=check,
                decision="declined",
                text_version=text.version,
                language="en",
                text_sha256=text.sha256,
                method="verbal_desk",
                staff_id=agent.id,
                given_at=utcnow(),
            )
        )
        assert finish_if_complete(check, staff_id=agent.id) == "changed"
        assert (check.verdict, check.outcome) == ("not_ready", "consent_declined")


def test_device_is_named_as_the_device_step_found_it(app, desk_client, make_check):
    public_id = make_check()
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        check.device_summary = {
            "device_type": "tablet",
            "system": "ios",
            "system_version": "17.2",
            "browser": None,
            "browser_version": None,
            "in_app": "Instagram",
            "status": "fail",
            "reason": "in_app_browser",
        }
        db.session.commit()
    page = desk_client.get(f"/desk/checks/{public_id}").text
    assert "Tablet · iPadOS 17.2 · inside the Instagram app" in page


def test_the_live_address_keeps_only_the_agents_choice_of_system_and_browser(
    desk_client, make_check
):
    public_id = make_check()
    page = desk_client.get(
        f"/desk/checks/{public_id}", query_string={"system": "ios", "public_id": "x", "q": "y"}
    ).text
    assert f'data-live-url="/desk/checks/{public_id}/live?system=ios"' in page


def test_a_caller_who_types_the_code_on_the_other_language_gets_scripts_in_it(
    app, desk_client, client
):
    desk_client.post("/desk/checks/new", data={"language": "fr"})
    check = the_check(app)
    client.post("/en/code", data={"code": check.reference_code})
    assert the_check(app).language == "en"


# Handed on to the scheduling module, like a patient's own result.


def messages(app):
    with app.app_context():
        rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(row.event_type, row.payload) for row in rows]


def verbal_consent(client, public_id, decision="agreed"):
    client.post(
        f"/desk/checks/{public_id}/consent",
        data={
            "decision": decision,
            "read_aloud": "y",
            "text_sha256": consent_text({}, "en").sha256,
            "text_language": "en",
        },
    )


def test_verbal_consent_then_contact_details_are_handed_on_as_a_patients_would_be(
    app, desk_client, make_check
):
    public_id = make_check(results={"connection": "ready"})
    verbal_consent(desk_client, public_id)
    [(event, payload)] = messages(app)
    assert event == "consent.recorded"
    consent = payload["check"]["consent"]
    assert consent["method"] == "verbal_desk"
    assert consent["recorded_by"]["id"] == desk_agent(app).id

    desk_client.post(f"/desk/checks/{public_id}/contact", data=CONTACT)
    event, payload = messages(app)[-1]
    assert event == "check.completed"
    assert payload["check"]["verdict"] == "ready"
    assert payload["check"]["contact"]["backup_phone"] == "+16135550142"
    assert payload["check"]["contact"]["entered_by_staff"] is True

    desk_client.post(f"/desk/checks/{public_id}/contact", data=dict(CONTACT, backup="514 555-0177"))
    event, payload = messages(app)[-1]
    assert event == "contact.changed"
    assert payload["check"]["contact"]["backup_phone"] == "+15145550177"
    assert len(messages(app)) == 3


def test_contact_details_before_consent_wait_for_the_finished_check(app, desk_client, make_check):
    public_id = make_check(results=True)
    desk_client.post(f"/desk/checks/{public_id}/contact", data=CONTACT)
    assert messages(app) == []


def test_phone_visit_outcome_is_handed_on_once(app, desk_client, make_check):
    public_id = make_check()
    desk_client.post(f"/desk/checks/{public_id}/outcome")
    desk_client.post(f"/desk/checks/{public_id}/outcome")
    [(event, payload)] = messages(app)
    assert event == "check.completed"
    assert (payload["check"]["outcome"], payload["check"]["verdict"]) == (
        "no_device_phone_visit",
        "not_ready",
    )


def test_notes_stay_with_the_desk(app, desk_client, make_check):
    public_id = make_check()
    desk_client.post(f"/desk/checks/{public_id}/notes", data={"text": "Called back."})
    assert messages(app) == []


def test_a_declined_consent_after_the_desks_phone_visit_keeps_the_phone_visit(
    app, make_check, make_staff
):
    from readiness.checks.completion import finish_if_complete
    from readiness.desk import actions

    agent = make_staff("desk")
    make_check(results={"connection": "ready"})
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        actions.record_phone_outcome(check, agent.id)
        actions.record_verbal_consent(check, agent.id, "declined", consent_text({}, "en"))
        assert (check.verdict, check.outcome) == ("not_ready", "no_device_phone_visit")
        assert finish_if_complete(check) is None  # nothing new: no second check.completed
        db.session.commit()
    assert [event for event, _ in messages(app)] == ["check.completed", "consent.recorded"]
