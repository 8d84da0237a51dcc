"""The OpenAPI document is true: real responses validate against it, and schemathesis, sending
what the document allows (and what it does not), finds no server error and no answer that
breaks the document."""

from datetime import UTC, datetime, timedelta

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from readiness.api.openapi import openapi_document
from tests.support.journey import invite, run_journey
from tests.web.api_support import ApiClient, create_key

DOCUMENT = openapi_document()


def response_schema(path: str, method: str, status: int, media_type="application/json"):
    operation = DOCUMENT["paths"][path][method]
    return operation["responses"][str(status)]["content"][media_type]["schema"]


def assert_conforms(response, path: str, method: str = "get") -> None:
    validate(response.json, path, method, response.status_code, response.mimetype)


def validate(body, path: str, method: str, status: int, media_type: str) -> None:
    """The body validates against the document's schema for its status and media type."""
    schema = response_schema(path, method, status, media_type)
    # The components travel with the schema, so its "#/components/..." references resolve.
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": DOCUMENT["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(body)


def test_the_document_is_valid_openapi_3_1_served_without_a_key(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json == DOCUMENT
    assert DOCUMENT["openapi"] == "3.1.0"
    for schema in DOCUMENT["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_real_responses_validate_against_the_document(app, client):
    api = ApiClient(client, create_key(app))
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    body = {"appointment_ref": "SCHED-1", "appointment_at": when, "language": "en"}
    created = api.post("/invitations", json=body)
    assert_conforms(created, "/invitations", "post")
    assert_conforms(api.post("/invitations", json=body), "/invitations", "post")
    assert_conforms(
        api.post("/invitations", json={**body, "language": "x"}), "/invitations", "post"
    )
    assert_conforms(api.post("/invitations", data="[]"), "/invitations", "post")
    invitation_id = created.json["id"]
    assert_conforms(api.get(f"/invitations/{invitation_id}"), "/invitations/{public_id}")
    assert_conforms(api.get("/invitations/unknown"), "/invitations/{public_id}")

    check_id = run_journey(app, app.test_client(), invite(app, appointment_ref="APPT-9"))
    assert_conforms(api.get(f"/checks/{check_id}"), "/checks/{public_id}")
    assert_conforms(api.get(f"/checks/{check_id}?format=fhir"), "/checks/{public_id}")
    assert_conforms(api.get("/checks"), "/checks")
    assert_conforms(api.get("/checks?limit=x"), "/checks")
    assert_conforms(client.get("/api/v1/checks"), "/checks")


def test_a_response_that_breaks_the_document_is_caught(app, client):
    """Guards the guard: a check without its verdict must fail validation."""
    check_id = run_journey(app, client, invite(app))
    body = ApiClient(client, create_key(app)).get(f"/checks/{check_id}").json
    validate(body, "/checks/{public_id}", "get", 200, "application/json")
    del body["verdict"]
    with pytest.raises(jsonschema.ValidationError):
        validate(body, "/checks/{public_id}", "get", 200, "application/json")


@pytest.fixture
def api_key(app):
    key = create_key(app)
    # Something to find: a check from a whole journey, and an invitation.
    run_journey(app, app.test_client(), invite(app, appointment_ref="APPT-ST"))
    return key


# Loaded from the document the app serves (the first test checks they are the same); the calls
# go to the test's app through WSGI. (schemathesis.pytest.from_fixture does not run on pytest 9.)
schema = schemathesis.openapi.from_dict(DOCUMENT)


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis_finds_no_server_error(case, app, api_key):
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {api_key}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_schemathesis_stateful_phase_follows_links_without_a_server_error(app, api_key):
    """Create an invitation, read it back by the id in the answer, page through the checks."""
    machine = schema.as_state_machine()
    headers = {"Authorization": f"Bearer {api_key}"}

    class Workflow(machine):
        def get_call_kwargs(self, case):
            return {"app": app, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance],
                transport_kwargs=kwargs,
            )

    Workflow.run(
        settings=settings(
            max_examples=20,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
