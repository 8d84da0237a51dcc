"""Twelve visits walked through real checks, their outcomes recorded by the API and the
clinician's form, and a thirteenth check left after its connection test (tests of insights)."""

from sqlalchemy import select

from readiness.extensions import db
from readiness.models import Check, ConnectionResult, Invitation
from tests.support.journey import invite, run_journey
from tests.web.api_support import ApiClient, create_key

# (verdict of the check, outcome, recorded by, media route, packet loss %)
VISITS = [
    ("ready", "video", "api", "udp", 0.2),
    ("ready", "video", "form", "udp", 0.4),
    ("ready", "video", "api", "tcp", 2.0),
    ("ready", "video", "form", "udp", 0.1),
    ("ready", "video_then_phone", "api", "tcp", 4.0),
    ("ready", "no_show", "form", "udp", 0.3),
    ("limited", "video", "api", "relay-udp", 1.5),
    ("limited", "phone", "form", "udp", 0.8),
    ("not_ready", "video", "api", "none", None),
    ("not_ready", "phone", "form", "none", None),
    ("not_ready", "phone", "api", "none", None),
    ("not_ready", "cancelled", "form", "none", None),
]


def walk_visits(app, client, clinician_client):
    """The 12 visits, each through the patient's real pages, then its outcome recorded."""
    api = ApiClient(app.test_client(), create_key(app))
    for number, (verdict, outcome, by, route, loss) in enumerate(VISITS, start=1):
        ref = f"APPT-PROOF-{number}"
        token = invite(app, appointment_ref=ref, hours_from_now=-3)
        patient = app.test_client()
        run_journey(
            app,
            patient,
            token,
            connection=verdict,
            media_route=route,
            media_loss_up_percent=loss,
            media_loss_down_percent=loss,
        )
        with app.app_context():
            public_id = db.session.scalar(
                select(Invitation.public_id).where(Invitation.appointment_ref == ref)
            )
        if by == "api":
            answer = api.put(f"/invitations/{public_id}/outcome", json={"outcome": outcome})
            assert answer.status_code == 200, answer.text
        else:
            answer = clinician_client.post(
                f"/clinic/visits/{public_id}/outcome", data={"outcome": outcome}
            )
            assert answer.status_code == 302, answer.text
    # A 13th patient opens the link, tests the connection and stops there.
    token = invite(app, appointment_ref="APPT-PROOF-13", hours_from_now=-3)
    client.post(f"/en/i/{token}")
    with app.app_context():
        check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
        db.session.add(ConnectionResult(check=check, download_mbps=3.0, verdict="limited"))
        db.session.commit()
    return app
