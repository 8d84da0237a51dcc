"""Admins read the audit trail (filters, pages, CSV with formula cells escaped), export one
patient's data for an access request and erase it on request; both audited and handed off."""

import csv
import io
import json

from sqlalchemy import func, select

from readiness.audit import record
from readiness.extensions import db
from readiness.models import AuditEvent, Check, ContactDetails, Invitation, OutboxMessage
from tests.support.journey import CONTACT, invite, run_journey
from tests.web.api_support import ApiClient, create_key


def journey(app, client, ref: str = "APPT-1") -> tuple[str, str]:
    """A whole journey; returns the check's public id and its reference code."""
    token = invite(app, email="invited@example.org", appointment_ref=ref)
    public_id = run_journey(app, client, token)
    with app.app_context():
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        return public_id, check.reference_code


def entries(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_only_admins_reach_the_audit_trail(desk_client, clinician_client, client):
    for someone in (desk_client, clinician_client):
        assert someone.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit").status_code in (302, 401)


def test_audit_trail_filters_by_check_and_action(app, client, admin_client):
    public_id, code = journey(app, client)
    other, _ = journey(app, app.test_client(), "APPT-2")
    page = admin_client.get("/admin/audit", query_string={"check": code})
    assert page.status_code == 200
    assert "check.completed" in page.text and "consent.recorded" in page.text
    with app.app_context():
        other_code = db.session.scalar(select(Check.reference_code).where(Check.public_id == other))
    assert other_code[:3] not in page.text.split("audit-entries")[1]
    only = admin_client.get("/admin/audit", query_string={"action": "check.completed"})
    rows = only.text.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 2 and "consent.recorded" not in rows


def test_audit_trail_filters_by_staff_member_and_dates(app, admin_client, make_staff):
    agent = make_staff("desk", email="agent-filter@example.org")
    with app.app_context():
        record("desk.lookup", staff_id=agent.id, details={"by": "code"})
        db.session.commit()
    page = admin_client.get("/admin/audit", query_string={"staff": agent.id})
    rows = page.text.split("<tbody>")[1]
    assert "agent-filter@example.org" in rows and "staff.sign_in" not in rows
    past = admin_client.get("/admin/audit", query_string={"to": "2020-01-01"})
    assert 'data-testid="audit-empty"' in past.text


def test_audit_trail_is_paginated(app, admin_client):
    with app.app_context():
        for number in range(120):
            record("desk.lookup", details={"n": number})
        db.session.commit()
    first = admin_client.get("/admin/audit")
    assert "page 1 of 3" in first.text and 'rel="next"' in first.text
    third = admin_client.get("/admin/audit", query_string={"page": 3})
    assert "page 3 of 3" in third.text and 'rel="prev"' in third.text


def test_csv_export_escapes_cells_a_spreadsheet_would_run(app, admin_client):
    with app.app_context():
        for dangerous in ('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)"):
            record(dangerous, details={})
        db.session.commit()
    response = admin_client.get("/admin/audit.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    actions = [row[4] for row in rows[1:]]
    for dangerous in ('=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)"):
        assert "'" + dangerous in actions
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert entries(app, "admin.audit_exported")


def test_csv_export_follows_the_filters(app, client, admin_client):
    _, code = journey(app, client)
    response = admin_client.get("/admin/audit.csv", query_string={"check": code})
    rows = list(csv.reader(io.StringIO(response.text)))
    assert all(row[5] == code for row in rows[1:]) and len(rows) > 2


def test_api_bulk_read_records_which_checks_were_read(app, client):
    first, _ = journey(app, client)
    second, _ = journey(app, app.test_client(), "APPT-2")
    api = ApiClient(app.test_client(), create_key(app))
    listed = api.get("/checks").get_json()["checks"]
    assert {doc["id"] for doc in listed} == {first, second}
    with app.app_context():
        read = db.session.scalars(
            select(Check.public_id)
            .join(AuditEvent, AuditEvent.check_id == Check.id)
            .where(AuditEvent.action == "api.check_read")
        ).all()
    assert sorted(read) == sorted([first, second])
    api.get(f"/checks/{first}")
    assert len(entries(app, "api.check_read")) == 3


def test_clinicians_list_records_which_patients_were_shown(app, clinician_client):
    invite(app, first_name="Listed")
    clinician_client.get("/clinic/?when=all")
    shown = entries(app, "clinic.view_list")
    assert len(shown) == 1 and shown[0].invitation_id is not None


def test_admin_exports_one_patients_data_and_it_is_audited(app, client, admin_client):
    public_id, code = journey(app, client)
    found = admin_client.get("/admin/requests", query_string={"code": code})
    assert found.status_code == 200 and public_id in found.text
    response = admin_client.get(f"/admin/checks/{public_id}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.data)
    assert document["requested_check"] == public_id
    assert document["invitation"]["email"] == "invited@example.org"
    check = document["checks"][0]
    assert check["contact_history"][0]["email"] == CONTACT["email"]
    assert check["consent_history"][0]["decision"] == "agreed"
    assert any(entry["action"] == "admin.lookup" for entry in document["audit"])
    exported = entries(app, "admin.exported")
    assert len(exported) == 1 and exported[0].check_id is not None


def test_erasure_needs_confirmation(app, client, admin_client):
    public_id, _ = journey(app, client)
    response = admin_client.post(f"/admin/checks/{public_id}/erase", data={})
    assert response.status_code == 400
    assert "Confirm that the patient asked" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count(ContactDetails.id))) == 1


def test_admin_erases_on_request_audited_and_handed_off(app, client, admin_client):
    public_id, code = journey(app, client)
    response = admin_client.post(f"/admin/checks/{public_id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        check = db.session.scalar(select(Check).where(Check.public_id == public_id))
        assert check.erased_at is not None and check.contact_details == []
        assert check.verdict is not None  # the figures stay
        invitation = db.session.get(Invitation, check.invitation_id)
        assert (invitation.first_name, invitation.email) == (None, None)
        messages = db.session.scalars(select(OutboxMessage)).all()
        assert [m.event_type for m in messages] == ["check.erased"]
        assert messages[0].payload["erasure"]["reason"] == "request"
        assert CONTACT["email"] not in json.dumps(messages[0].payload)
    erased = entries(app, "admin.erased")
    assert len(erased) == 1 and erased[0].details == {"checks": 1, "invitations": 1}
    page = admin_client.get("/admin/requests", query_string={"code": code})
    assert "Erased on" in page.text
    verify = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
