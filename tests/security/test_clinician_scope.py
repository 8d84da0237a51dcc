"""A clinician sees only their own patients unless told otherwise (security review 3, F20; issue
23, item 6). Over HTTP against gunicorn with 2 workers, as the reviewer tried it: `clin2` opens a
visit another clinician created for themselves."""

import json
from datetime import UTC, datetime, timedelta

from readiness.extensions import db
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_invitation
from tests.web.api_support import create_key

from .attacker import Browser
from .records import staff


def visit(app, ref: str, first_name: str, clinician_id: int | None) -> str:
    with app.app_context():
        found, _token = add_invitation(
            appointment_ref=ref,
            first_name=first_name,
            clinician_id=clinician_id,
            created_by_staff_id=clinician_id,
        )
        db.session.commit()
        return found.public_id


def signed_in(url: str, email: str) -> Browser:
    person = Browser(url)
    answer = person.post("/auth/login", {"email": email, "password": STAFF_PASSWORD})
    assert answer.status == 302, answer.text
    person.csrf = None  # a new session after sign-in, with a new form token
    return person


def test_a_clinician_cannot_open_or_list_another_clinicians_patient(serve):
    app = serve.app
    dana_clinician = staff(app, "clinician", "clin1@example.org")
    staff(app, "clinician", "clin2@example.org")
    staff(app, "admin", "admin@example.org")
    theirs = visit(app, "SCOPE-2", "Dana", dana_clinician)
    unassigned = visit(app, "SCOPE-3", "Noor", None)
    url = serve()

    clin2 = signed_in(url, "clin2@example.org")
    for _ in range(2):  # whichever worker answers
        page = clin2.get(f"/clinic/visits/{theirs}")
        assert page.status == 404
        assert "Dana" not in page.text and "SCOPE-2" not in page.text
    listing = clin2.get("/clinic/")
    assert listing.status == 200
    assert "SCOPE-2" not in listing.text and "Dana" not in listing.text
    assert "SCOPE-3" in listing.text  # no clinician yet: the team's to pick up
    decision = clin2.post(f"/clinic/visits/{theirs}/decision", {"choice": "phone", "note": ""})
    assert decision.status == 404
    assert clin2.get(f"/clinic/visits/{unassigned}").status == 200

    clin1 = signed_in(url, "clin1@example.org")
    assert "Dana" in clin1.get(f"/clinic/visits/{theirs}").text
    admin = signed_in(url, "admin@example.org")
    assert "Dana" in admin.get(f"/clinic/visits/{theirs}").text
    assert "SCOPE-2" in admin.get("/clinic/").text


def test_an_institution_can_let_every_clinician_see_every_patient(serve):
    app = serve.app
    dana_clinician = staff(app, "clinician", "clin1@example.org")
    staff(app, "clinician", "clin2@example.org")
    theirs = visit(app, "SCOPE-4", "Dana", dana_clinician)
    url = serve(CLINICIANS_SEE_ALL_PATIENTS="true")
    clin2 = signed_in(url, "clin2@example.org")
    assert "Dana" in clin2.get(f"/clinic/visits/{theirs}").text
    assert "SCOPE-4" in clin2.get("/clinic/").text


def test_the_scheduling_module_names_the_clinician_who_alone_sees_the_visit(serve):
    app = serve.app
    staff(app, "clinician", "clin1@example.org")
    staff(app, "clinician", "clin2@example.org")
    key = create_key(app)
    url = serve()
    api = Browser(url)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = {
        "appointment_ref": "SCOPE-API-1",
        "appointment_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        "language": "en",
        "first_name": "Dana",
        "clinician_email": "CLIN1@example.org",
    }
    created = api.request(
        "POST", "/api/v1/invitations", headers=headers, body=json.dumps(body).encode()
    )
    assert created.status == 201, created.text
    public_id = created.json()["id"]
    assert signed_in(url, "clin2@example.org").get(f"/clinic/visits/{public_id}").status == 404
    assert "Dana" in signed_in(url, "clin1@example.org").get(f"/clinic/visits/{public_id}").text
    unknown = {**body, "appointment_ref": "SCOPE-API-2", "clinician_email": "nobody@example.org"}
    refused = api.request(
        "POST", "/api/v1/invitations", headers=headers, body=json.dumps(unknown).encode()
    )
    assert refused.status == 422
    assert refused.json()["error"]["field"] == "clinician_email"
