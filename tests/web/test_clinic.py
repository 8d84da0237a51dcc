"""The clinician workspace: invite, upcoming visits, one patient, decision and chart note."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from readiness.clinic.host_checklist import visit_checklist
from readiness.extensions import db
from readiness.models import (
    AuditEvent,
    Check,
    ConsentRecord,
    ContactDetails,
    DeskNote,
    Invitation,
    OutboxMessage,
    VisitDecision,
)
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_invitation, add_results

ZONE = ZoneInfo("America/Toronto")


@pytest.fixture
def clinician(app, make_staff):
    """A signed-in clinician: (client, staff record)."""
    staff = make_staff("clinician", email="claire.roy@example.org", display_name="Dr Claire Roy")
    client = app.test_client()
    client.post("/auth/login", data={"email": staff.email, "password": STAFF_PASSWORD})
    return client, staff


def in_french(client):
    client.get("/auth/language/fr")
    return client


def visit_at(days=2, hour=14, minute=30):
    return (datetime.now(ZONE) + timedelta(days=days)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )


def invite_form(**fields):
    when = visit_at()
    data = {
        "appointment_ref": "SCH-20481",
        "appointment_date": when.date().isoformat(),
        "appointment_time": "14:30",
        "first_name": "Amélie",
        "language": "fr",
    }
    data.update(fields)
    return data


def add_visit(app, ref, *, when=None, results=None, consent=None, clinician_id=None, **fields):
    """An invitation with (optionally) one check, its results and consent; returns public_id."""
    with app.app_context():
        invitation, _ = add_invitation(
            appointment_ref=ref, clinician_id=clinician_id, language="en", **fields
        )
        if when is not None:
            invitation.appointment_at = when
        if results or consent:
            check = Check(reference_code=ref[-6:].upper().rjust(6, "X"), language="en")
            check.invitation = invitation
            db.session.add(check)
            if results:
                add_results(check, connection=results)
            if consent:
                db.session.add(
                    ConsentRecord(
                        check=check,
                        decision=consent,
                        text_version="2026-11-default",
                        language="fr",
                        text_sha256="0" * 64,
                        method="online",
                        given_at=datetime(2026, 11, 20, 15, 5, tzinfo=UTC),
                    )
                )
        db.session.commit()
        return invitation.public_id


# Invite


def test_invitation_gives_a_link_a_code_and_a_message_in_the_patients_language(app, clinician):
    client, staff = clinician
    response = client.post("/clinic/invite", data=invite_form(clinician_id=staff.id))
    assert response.status_code == 200
    page = response.text
    link = re.search(r'data-testid="invitation-link"[^>]*>([^<]+)<', page).group(1)
    code = re.search(r'data-testid="invitation-code">([^<]+)<', page).group(1)
    assert re.fullmatch(r"http://localhost/fr/i/[\w-]{40,}", link)
    message = re.search(r'data-testid="invitation-message"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Bonjour Amélie," in message
    assert link in message and code in message and "http://localhost/fr/code" in message
    assert "1\u00a0800\u00a0555-0199" in message  # the OQLF's way, not 1-800-555-0199
    assert "téléphone à portée de main" in message
    assert "à 14\u00a0h\u00a030" in message
    # The clinician's page is in English; the reminders about sending it safely are there.
    assert "Send it to the patient alone" in page
    assert "distribution list" in page
    assert "only time the link is shown" in page
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert invitation.appointment_ref == "SCH-20481"
        assert invitation.first_name == "Amélie"
        assert (invitation.clinician_id, invitation.created_by_staff_id) == (staff.id, staff.id)
        assert invitation.appointment_at.astimezone(ZONE).strftime("%H:%M") == "14:30"
        assert invitation.expires_at == invitation.appointment_at + timedelta(hours=12)
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "clinic.invitation_created" in actions
    # The link works for the patient.
    assert client.get(link.removeprefix("http://localhost")).status_code == 200


def test_english_invitation_message_without_a_first_name(clinician):
    client, staff = clinician
    data = invite_form(language="en", first_name="", clinician_id=staff.id)
    message = client.post("/clinic/invite", data=data).text
    assert "Hello," in message
    assert "keep a phone at hand" in message.lower()
    assert "2:30\u202fp.m." in message


def test_invitation_form_starts_with_the_clinician_and_the_page_language(clinician):
    client, staff = clinician
    page = in_french(client).get("/clinic/invite").text
    assert f'<option selected value="{staff.id}">Dr Claire Roy</option>' in page
    assert re.search(r'<input checked [^>]*name="language"[^>]*value="fr"', page)


def test_duplicate_appointment_reference_is_a_clear_form_error(app, clinician):
    client, staff = clinician
    client.post("/clinic/invite", data=invite_form(clinician_id=staff.id))
    response = client.post("/clinic/invite", data=invite_form(clinician_id=staff.id))
    assert response.status_code == 400
    assert "already an invitation for this appointment reference" in response.text
    assert 'class="error-summary"' in response.text
    with app.app_context():
        assert len(db.session.scalars(select(Invitation)).all()) == 1


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"appointment_ref": ""}, "Enter the appointment reference"),
        ({"appointment_ref": "SCH 1"}, "no spaces"),
        ({"appointment_date": "01/12/2026"}, "year-month-day"),
        ({"appointment_time": "2pm"}, "hours and minutes"),
        ({"appointment_date": "2020-01-01"}, "has passed"),
        ({"language": ""}, "Choose the patient"),
        ({"language": "de"}, "Choose the patient"),
        ({"clinician_id": "9999"}, "Choose the clinician responsible."),
    ],
)
def test_invitation_form_explains_what_to_fix(app, clinician, fields, error):
    client, staff = clinician
    response = client.post(
        "/clinic/invite", data=invite_form(**{"clinician_id": staff.id, **fields})
    )
    assert response.status_code == 400
    assert error in response.text
    with app.app_context():
        assert db.session.scalar(select(Invitation)) is None


def test_invitation_form_errors_in_french(clinician):
    client, staff = clinician
    data = invite_form(clinician_id=staff.id, appointment_date="", appointment_ref="")
    page = in_french(client).post("/clinic/invite", data=data).text
    assert "Entrez la date de la consultation." in page


# Upcoming visits


def test_upcoming_visits_show_each_status_in_words_with_counts(app, clinician):
    client, staff = clinician
    add_visit(app, "READY-1", results="ready", consent="agreed", first_name="Amélie")
    add_visit(app, "LIMIT-1", results="limited", consent="agreed")
    add_visit(app, "PHONE-1", results="not_ready", consent="agreed")
    add_visit(app, "DECLN-1", results="ready", consent="declined")
    add_visit(app, "NOCNS-1", results="ready")
    add_visit(app, "NEW-001")
    page = client.get("/clinic/").text
    statuses = dict(re.findall(r'data-ref="([^"]+)".*?data-status="(\w+)"', page, re.S))
    assert statuses == {
        "READY-1": "ready",
        "LIMIT-1": "limited",
        "PHONE-1": "not_ready",
        "DECLN-1": "not_ready",
        "NOCNS-1": "consent_missing",
        "NEW-001": "not_tested",
    }
    counts = dict(re.findall(r'data-status="(\w+)" data-count="(\d+)"', page))
    assert counts == {
        "ready": "1",
        "limited": "1",
        "not_ready": "2",
        "consent_missing": "1",
        "not_tested": "1",
    }
    for words in ("Ready", "Video with limits", "Not ready: phone", "Consent missing"):
        assert words in page
    assert "Not tested yet" in page and "None yet" in page
    assert "Amélie" in page


def test_visits_are_grouped_by_day_in_the_institutions_zone(app, clinician):
    client, _ = clinician
    add_visit(app, "LATE-1", when=visit_at(days=1, hour=23, minute=30))
    add_visit(app, "EARLY-2", when=visit_at(days=2, hour=0, minute=30))
    page = in_french(client).get("/clinic/").text
    headings = re.findall(r'<h2 id="day-([\d-]+)">', page)
    assert headings == [
        visit_at(days=1).date().isoformat(),
        visit_at(days=2).date().isoformat(),
    ]
    assert "23\u00a0h\u00a030" in page and "0\u00a0h\u00a030" in page
    assert "00\u00a0h" not in page and "00 h" not in page


def test_filters_today_this_week_mine_and_not_ready(app, clinician, make_staff):
    client, staff = clinician
    other = make_staff("clinician", email="paul.gagnon@example.org")
    now = datetime.now(ZONE)
    later_today = now + timedelta(minutes=5) if now.hour < 23 else now
    add_visit(app, "TODAY-1", when=later_today, clinician_id=staff.id)
    add_visit(app, "WEEK-1", when=visit_at(days=3), clinician_id=other.id, results="not_ready")
    add_visit(app, "LATER-1", when=visit_at(days=20), clinician_id=staff.id)
    add_visit(app, "PAST-1", when=now - timedelta(days=2))

    def refs(query=""):
        return re.findall(r'data-ref="([^"]+)"', client.get("/clinic/" + query).text)

    assert refs() == ["TODAY-1", "WEEK-1", "LATER-1"]
    assert refs("?when=today") == ["TODAY-1"]
    assert refs("?when=week") == ["TODAY-1", "WEEK-1"]
    assert refs("?mine=1") == ["TODAY-1", "LATER-1"]
    assert refs("?status=not_ready") == ["WEEK-1"]
    assert refs("?when=week&mine=1&status=not_ready") == []
    assert refs("?when=nonsense&sort=nonsense") == ["TODAY-1", "WEEK-1", "LATER-1"]


def test_sort_by_readiness_puts_phone_calls_first_within_each_day(app, clinician):
    client, _ = clinician
    add_visit(app, "A-READY", when=visit_at(hour=9), results="ready", consent="agreed")
    add_visit(app, "B-NEW", when=visit_at(hour=10))
    add_visit(app, "C-PHONE", when=visit_at(hour=11), results="not_ready")
    page = client.get("/clinic/?sort=status").text
    assert re.findall(r'data-ref="([^"]+)"', page) == ["C-PHONE", "B-NEW", "A-READY"]
    page = client.get("/clinic/?sort=time").text
    assert re.findall(r'data-ref="([^"]+)"', page) == ["A-READY", "B-NEW", "C-PHONE"]


def test_the_list_takes_the_same_few_queries_however_many_visits(app, clinician):
    client, _ = clinician

    def queries_for_list():
        with app.app_context():
            engine = db.engine
        statements = []

        def count(*args):
            statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/clinic/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    add_visit(app, "ONE-001", results="ready", consent="agreed")
    few = queries_for_list()
    for number in range(2, 8):
        add_visit(app, f"MANY-{number:03}", results="limited", consent="agreed")
    assert queries_for_list() == few


# One patient


@pytest.fixture
def full_visit(app, make_staff):
    """A visit with two attempts, consent given to the desk, contact details, a note, a handoff."""
    agent = make_staff("desk", email="agent@example.org", display_name="Sophie Martin")
    with app.app_context():
        invitation, _ = add_invitation(appointment_ref="SCH-777", first_name="Amélie")
        invitation.appointment_at = datetime(2030, 12, 3, 19, 30, tzinfo=UTC)  # 14:30 in Toronto
        first = Check(reference_code="AAA222", language="fr", invitation=invitation)
        second = Check(reference_code="BBB333", language="fr", invitation=invitation)
        db.session.add_all([first, second])
        add_results(first, connection="not_ready")
        add_results(second, connection="ready")
        db.session.add(
            ConsentRecord(
                check=second,
                decision="agreed",
                text_version="2026-11-default",
                language="fr",
                text_sha256="0" * 64,
                method="verbal_desk",
                staff_id=agent.id,
                given_at=datetime(2030, 12, 1, 15, 5, tzinfo=UTC),
            )
        )
        db.session.add(
            ContactDetails(
                check=second,
                email="amelie.roy@example.org",
                mobile_e164="+15145550123",
                backup_e164="+16135550142",
                preferred_language="fr",
                preferred_contact="sms",
                entered_by_staff_id=agent.id,
            )
        )
        db.session.add(DeskNote(check=second, staff_id=agent.id, text="Called from her tablet."))
        db.session.flush()
        db.session.add(
            OutboxMessage(
                event_type="check.completed",
                check_id=second.id,
                payload={},
                delivered_at=datetime(2030, 12, 1, 15, 6, tzinfo=UTC),
                attempts=1,
            )
        )
        db.session.commit()
        return invitation.public_id


def test_patient_page_shows_every_attempt_consent_contact_notes_and_handoff(
    app, clinician, full_visit
):
    client, _ = clinician
    page = client.get(f"/clinic/visits/{full_visit}").text
    assert page.count('data-testid="attempt"') == 2
    assert "AAA-222" in page and "BBB-333" in page
    assert "48.2 Mbps" in page and "0.8 Mbps" in page and "18 ms" in page
    assert 'data-testid="patient-status"' in page and 'data-status="ready"' in page
    assert "Verbally, to the support desk (Sophie Martin)" in page
    assert "2026-11-default" in page
    assert "(613) 555-0142" in page and "(514) 555-0123" in page
    backup = re.search(r'data-testid="backup-phone">(.*?)</dd>', page).group(1)
    assert backup == '<a href="tel:+16135550142">(613) 555-0142</a>'
    assert "amelie.roy@example.org" in page
    assert "Called from her tablet." in page
    assert "Check completed" in page and "delivered" in page
    assert "check.completed" not in page
    assert "waiting room" in page  # the host's checklist


def test_every_view_of_a_patient_is_audited_without_contact_details(app, clinician, full_visit):
    client, staff = clinician
    client.get(f"/clinic/visits/{full_visit}")
    client.get(f"/clinic/visits/{full_visit}")
    with app.app_context():
        views = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "clinic.view_patient")
        ).all()
        invitation = db.session.scalar(select(Invitation))
        # Each view records every attempt the page shows (the visit has two).
        assert len(views) == 2 * len(invitation.checks)
        assert {(v.staff_id, v.invitation_id) for v in views} == {(staff.id, invitation.id)}
        assert {v.check_id for v in views} == {check.id for check in invitation.checks}
        assert "555" not in repr([v.details for v in views])


def test_patient_page_template_gets_a_view_model_not_functions(app, clinician, full_visit):
    from dataclasses import fields

    from flask import template_rendered

    from readiness.clinic.patient_page import PatientPage

    client, _ = clinician
    seen = []

    def remember(sender, template, context, **extra):
        seen.append((template.name, context))

    with template_rendered.connected_to(remember, app):
        assert client.get(f"/clinic/visits/{full_visit}").status_code == 200
    [context] = [context for name, context in seen if name == "clinic/patient.html"]
    page = context["page"]
    assert isinstance(page, PatientPage)
    assert not any(callable(getattr(page, field.name)) for field in fields(page))
    assert not {"overall_for", "latest_devices", "latest_setting", "phone"} & set(context)
    newest = page.attempts[0]
    assert (newest.check.reference_code, newest.overall.verdict) == ("BBB333", "ready")
    assert [kind for kind, _ in newest.devices] == ["camera", "microphone", "speakers", "browser"]
    assert page.contact.backup_phone == "(613) 555-0142"


def test_unknown_patient_page_is_404(clinician):
    client, _ = clinician
    assert client.get("/clinic/visits/no-such-visit").status_code == 404


def test_decision_is_saved_and_the_chart_note_states_consent_in_english(app, clinician, full_visit):
    client, staff = clinician
    page = client.get(f"/clinic/visits/{full_visit}").text
    assert "Save a decision for a video or phone visit to get the note." in page
    response = client.post(
        f"/clinic/visits/{full_visit}/decision", data={"choice": "video", "note": "Son joins."}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    note = re.search(r'data-testid="chart-note"[^>]*>([^<]+)<', page).group(1)
    assert note == (
        "Virtual encounter (video) at 2:30\u202fp.m. on December 3, 2030. The patient gave verbal "
        "consent to a virtual encounter to the support desk (Sophie Martin) on December 1, 2030 "
        "at 10:05\u202fa.m. (consent text version 2026-11-default, in French)."
    )
    assert 'data-choice="video"' in page and "Son joins." in page
    with app.app_context():
        decision = db.session.scalar(select(VisitDecision))
        assert (decision.choice, decision.note, decision.staff_id) == (
            "video",
            "Son joins.",
            staff.id,
        )
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "clinic.decision"))
        assert audit.details == {"choice": "video"}
        handoff = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.event_type == "decision.recorded")
        )
        assert handoff.payload["decision"]["choice"] == "video"


def test_chart_note_in_french_for_a_phone_visit_and_online_consent(app, clinician):
    client, _ = clinician
    public_id = add_visit(
        app,
        "SCH-888",
        when=datetime(2030, 12, 3, 19, 30, tzinfo=UTC),
        results="ready",
        consent="agreed",
    )
    in_french(client).post(f"/clinic/visits/{public_id}/decision", data={"choice": "phone"})
    page = client.get(f"/clinic/visits/{public_id}").text
    note = re.search(r'data-testid="chart-note"[^>]*>([^<]+)<', page).group(1)
    assert note == (
        "Rencontre virtuelle (téléphone) le 3 décembre 2030 à 14\u00a0h\u00a030. L’usager ou "
        "l’usagère a consenti en ligne à une rencontre virtuelle le 20 novembre 2026 à "
        "10\u00a0h\u00a005 (texte de consentement version 2026-11-default, en français)."
    )


def test_in_person_decision_has_no_virtual_encounter_note(app, clinician, full_visit):
    client, _ = clinician
    client.post(f"/clinic/visits/{full_visit}/decision", data={"choice": "in_person"})
    page = client.get(f"/clinic/visits/{full_visit}").text
    assert 'data-testid="chart-note"' not in page
    assert "An in-person visit needs no note" in page


def test_a_decision_needs_a_choice(app, clinician, full_visit):
    client, _ = clinician
    response = client.post(f"/clinic/visits/{full_visit}/decision", data={"choice": "maybe"})
    assert response.status_code == 400
    assert "Choose how the visit will take place." in response.text
    with app.app_context():
        assert db.session.scalar(select(VisitDecision)) is None


def test_host_checklist_comes_from_the_configuration(make_app, make_staff):
    app = make_app(VISIT_CHECKLIST_EN=["Start the meeting from the clinic's account."])
    staff = make_staff("clinician")
    client = app.test_client()
    client.post("/auth/login", data={"email": staff.email, "password": STAFF_PASSWORD})
    public_id = add_visit(app, "SCH-999")
    page = client.get(f"/clinic/visits/{public_id}").text
    checklist = re.search(r'data-testid="host-checklist">(.*?)</ol>', page, re.S).group(1)
    assert checklist.count("<li>") == 1
    assert "Start the meeting from the clinic&#39;s account." in checklist


# Who may see it


@pytest.mark.parametrize("who", ["anonymous", "desk"])
def test_desk_staff_and_anonymous_visitors_cannot_reach_a_real_patient_page(
    app, sign_in, full_visit, who
):
    client = app.test_client() if who == "anonymous" else sign_in.client_for("desk")
    for method, path in [
        ("GET", "/clinic/"),
        ("GET", "/clinic/invite"),
        ("POST", "/clinic/invite"),
        ("GET", f"/clinic/visits/{full_visit}"),
        ("POST", f"/clinic/visits/{full_visit}/decision"),
    ]:
        response = client.open(path, method=method, data={"choice": "video"})
        expected = 302 if who == "anonymous" else 403
        assert response.status_code == expected, f"{who} {method} {path}"
        assert "Amélie" not in response.text
    with app.app_context():
        assert db.session.scalar(select(VisitDecision)) is None
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action == "clinic.view_patient"))
            is None
        )


def test_admins_may_use_the_clinician_workspace(admin_client, full_visit):
    assert admin_client.get(f"/clinic/visits/{full_visit}").status_code == 200
    assert admin_client.get("/clinic/invite").status_code == 200


def test_host_checklist_is_set_from_the_environment_as_json(make_app, monkeypatch):
    monkeypatch.setenv("READINESS_VISIT_CHECKLIST_FR", '["Ouvrir la salle", "Verrouiller"]')
    app = make_app()
    assert visit_checklist(app.config, "fr") == ["Ouvrir la salle", "Verrouiller"]
    assert len(visit_checklist(app.config, "en")) == 5


def test_french_clinician_gets_an_english_message_for_an_english_patient(clinician):
    client, staff = clinician
    data = invite_form(language="en", first_name="John", clinician_id=staff.id)
    page = in_french(client).post("/clinic/invite", data=data).text
    assert '<html lang="fr">' in page
    assert "N’envoyez ce message qu’à la personne concernée" in page
    assert "En anglais, la langue de la personne." in page
    message = re.search(r'data-testid="invitation-message"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert 'lang="en"' in re.search(r'<div[^>]*data-testid="invitation-message"[^>]*>', page).group(
        0
    )
    assert message.startswith("Hello John,")
    assert "Need help? Call the support desk at 1-800-555-0199" in message


def test_french_list_names_each_status_in_french(app, clinician):
    client, _ = clinician
    add_visit(app, "READY-1", results="ready", consent="agreed")
    add_visit(app, "NOCNS-1", results="ready")
    add_visit(app, "NEW-001")
    page = in_french(client).get("/clinic/").text
    for words in (
        "Vidéo possible",
        "Consentement manquant",
        "Pas encore testé",
        "Consultations à venir",
    ):
        assert words in page
    assert "3 consultations affichées." in page


# French review 3: the clinic in French reads as a Québec writer would write it.


def test_french_patient_page_spaces_its_semicolons_and_words_the_verbal_consent(
    app, clinician, full_visit
):
    client, _ = clinician
    in_french(client).post(f"/clinic/visits/{full_visit}/decision", data={"choice": "video"})
    page = client.get(f"/clinic/visits/{full_visit}").text
    expected = page.split('data-testid="attempt-expected"')[1].split("</p>")[0]
    assert "\u00a0; qualité du son\u00a0: MOS 4,4 sur 4,5" in expected
    assert "; " not in expected.replace("\u00a0; ", "")
    note = re.search(r'data-testid="chart-note"[^>]*>([^<]+)<', page).group(1)
    assert "a donné verbalement au soutien technique (Sophie Martin), le " in note
    assert "son consentement à une rencontre virtuelle (texte de consentement" in note
    assert "décision de Dr Claire Roy, le " in page


def test_french_list_with_no_visit_says_so_in_words(clinician):
    client, _ = clinician
    page = in_french(client).get("/clinic/").text
    assert "Aucune consultation affichée." in page and "0 consultation" not in page


def test_french_invitation_form_names_the_time_zone_once_without_its_identifier(clinician):
    client, _ = clinician
    page = in_french(client).get("/clinic/invite").text
    assert page.count("Dans le fuseau horaire de l’établissement (heure de l’Est).") == 1
    assert "America/Toronto" not in page


def test_a_patient_without_a_first_name_is_named_by_the_appointment_not_patient(app, clinician):
    """« Patient » is a masculine generic: the French page says « Rendez-vous SCH-… »."""
    client, _ = clinician
    public_id = add_visit(app, "SCH-404", when=visit_at(), first_name=None)
    page = in_french(client).get(f"/clinic/visits/{public_id}").text
    assert re.search(r"<h1>\s*Rendez-vous SCH-404\s*</h1>", page)
    listing = client.get("/clinic/").text
    assert "Sans prénom" in listing and ">Personne<" in listing
    assert ">Patient<" not in listing
