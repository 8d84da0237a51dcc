"""/desk/outreach: the desk sees the upcoming visits at risk, opens a row for the number (audited)
and records each call."""

from readiness.extensions import db
from readiness.models import AuditEvent
from tests.support.outreach import make_visits


def listed(page: str) -> list[str]:
    import re

    return re.findall(r'data-appointment-ref="([^"]+)"', page)


def test_the_list_shows_visits_at_risk_soonest_first_without_their_numbers(app, desk_client):
    make_visits(app)
    page = desk_client.get("/desk/outreach").text
    assert listed(page) == ["OUT-SLOW", "OUT-NONE", "OUT-LIMITED"]
    assert "+14185550111" not in page and "555-0111" not in page and "555-0177" not in page
    assert "The download speed is too low for video." in page  # the reason, in words
    assert listed(desk_client.get("/desk/outreach?days=7").text)[-1] == "OUT-LATER"
    assert listed(desk_client.get("/desk/outreach?days=abc").text) == listed(page)


def test_opening_a_row_shows_the_number_and_is_audited_then_calls_are_recorded(app, desk_client):
    ids = make_visits(app)
    page = desk_client.get(f"/desk/outreach/{ids['slow']}")
    assert page.status_code == 200
    assert 'href="tel:+15145550177"' in page.text  # the number the patient gave last
    assert 'href="tel:+14185550111"' in desk_client.get(f"/desk/outreach/{ids['none']}").text
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions.count("desk.outreach_contact_viewed") == 2

    refused = desk_client.post(f"/desk/outreach/{ids['slow']}", data={"result": "maybe"})
    assert refused.status_code == 400 and "Choose what came of the call" in refused.text
    for result in ("no_answer", "left_message"):
        answer = desk_client.post(f"/desk/outreach/{ids['slow']}", data={"result": result})
        assert answer.status_code == 302
    listing = desk_client.get("/desk/outreach").text
    assert "2 calls, last: Left a message" in listing
    with app.app_context():
        calls = db.session.scalars(
            db.select(AuditEvent.details).where(AuditEvent.action == "desk.outreach_call")
        ).all()
    assert [call["result"] for call in calls] == ["no_answer", "left_message"]


def test_the_list_reads_in_french(app, sign_in):
    make_visits(app)
    desk = sign_in.client_for("desk")
    desk.get("/auth/language/fr")
    page = desk.get("/desk/outreach").text
    assert "Personnes à appeler avant leur consultation" in page
    assert "3\u00a0consultations à suivre" in page or "3 consultations à suivre" in page


def test_only_the_desk_reaches_the_outreach_list(app, clinician_client, desk_client, client):
    ids = make_visits(app)
    assert clinician_client.get("/desk/outreach").status_code == 403
    assert client.get("/desk/outreach").status_code == 302
    assert clinician_client.get(f"/desk/outreach/{ids['slow']}").status_code == 403
    assert desk_client.get("/desk/outreach/not-a-visit").status_code == 404
