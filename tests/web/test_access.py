"""Walks every route: staff workspaces refuse the anonymous and the wrong role."""

import pytest
from werkzeug.routing import IntegerConverter

# The first prefix that matches wins: the insights page is for managers too.
STAFF_AREAS = {
    "/desk": {"desk", "admin"},
    "/clinic": {"clinician", "admin"},
    "/admin/insights": {"admin", "manager"},
    "/admin": {"admin"},
}
ROLES = ("desk", "clinician", "admin", "manager")


def staff_routes(app):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        area = next((prefix for prefix in STAFF_AREAS if rule.rule.startswith(prefix)), None)
        if area is None:
            continue
        values = {
            arg: 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
            for arg in rule.arguments
        }
        path = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield area, method, path


def test_there_are_staff_routes_to_walk(app):
    areas = {area for area, _, _ in staff_routes(app)}
    assert {"/desk", "/clinic", "/admin/insights"} <= areas


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_route(app, client):
    for _area, method, path in staff_routes(app):
        response = client.open(path, method=method)
        assert response.status_code == 302, f"{method} {path} answered {response.status_code}"
        assert response.headers["Location"].startswith("/auth/login"), f"{method} {path}"


@pytest.mark.parametrize("role", ROLES)
def test_staff_of_another_role_get_403_on_every_staff_route(app, sign_in, role):
    client = sign_in.client_for(role)
    for area, method, path in staff_routes(app):
        if role in STAFF_AREAS[area]:
            continue
        response = client.open(path, method=method)
        assert response.status_code == 403, f"{role} {method} {path}: {response.status_code}"
