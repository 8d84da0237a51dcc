"""Every step of the patient's check needs a check in this browser, and says so the same way."""

import re

import pytest

# The patient's pages that are not steps of a check: they start or find one.
NOT_STEPS = {"patient.start", "patient.begin", "patient.code"}


def path_of(rule) -> str:
    return re.sub(r"<[^>]*lang>", "fr", rule.rule)


def step_routes(app):
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("patient.")
        and rule.endpoint not in NOT_STEPS
        and path_of(rule).startswith("/fr/check")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def test_there_are_patient_steps_to_walk(app):
    assert len(step_routes(app)) >= 15  # 9 pages, 4 of them with forms, and 2 results


def test_without_a_check_every_step_goes_back_to_the_start_or_answers_403(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    for rule, method in step_routes(app):
        path = path_of(rule)
        response = client.open(path, method=method, json={} if method == "POST" else None)
        if rule.rule.endswith(("/result", "/status")):  # called by the page's script
            assert response.status_code == 403, path
            assert response.json["error"]["code"] == "no_check", path
        else:
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"] == "/fr/", (method, path)


@pytest.mark.parametrize("step", ["connection", "devices", "summary"])
def test_a_step_with_a_check_is_shown_and_marks_the_patient_as_seen(app, client, step):
    from readiness.extensions import db
    from readiness.models import Check

    client.post("/en/check/new")
    assert client.get(f"/en/check/{step}").status_code == 200
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        assert check.step == step and check.last_seen_at is not None
