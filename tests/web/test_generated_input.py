"""Generated input to every form and JSON endpoint: never a server error, never a partial write.

Hypothesis sends each route of the app (patient, desk, clinic, admin, API, probe, sign-in) what
a visitor could send: its own forms' field names with any text (control characters, far dates,
huge numbers included), JSON of any shape with NaN and infinities, and raw bytes. Every answer
must be below 500, and a refused request (4xx) must leave every table as it was: the audit
trail is the one exception (the API records each authenticated call, refused or not).
"""

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

import readiness.admin.forms
import readiness.auth.forms
import readiness.clinic.forms
import readiness.desk.forms
import readiness.patient.forms  # noqa: F401  (every form class known below)
from readiness import create_app
from readiness.extensions import db
from readiness.forms import Form
from tests.web.api_support import create_key
from tests.web.test_desk import make_check  # noqa: F401  (fixture)

# Routes that end the session being tested, or stream megabytes: not useful to fuzz.
SKIPPED = {"static", "auth.logout", "probe.download", "probe.mini_download"}
UNCOUNTED_TABLES = {"audit_event", "alembic_version"}


def form_classes(cls=Form):
    for sub in cls.__subclasses__():
        yield sub
        yield from form_classes(sub)


FIELD_NAMES = sorted(
    {
        name
        for cls in form_classes()
        for name, value in vars(cls).items()
        if isinstance(value, UnboundField)
    }
)
QUERY_NAMES = [
    "q", "limit", "cursor", "updated_since", "format", "filter", "sort", "language",
    "staff", "check", "action", "from", "to", "page", "bytes", "next", "browser", "system",
    "code", "days", "lang", "when", "mine", "status", "outcome",
]  # fmt: skip
JSON_KEYS = [
    "kind", "status", "reason", "details", "features", "touch_points", "failure", "samples",
    "download_mbps", "upload_mbps", "latency_ms", "jitter_ms", "bytes_used", "duration_ms",
    "connection_type", "appointment_ref", "appointment_at", "language", "first_name", "email",
    "phone", "width", "height", "media_devices",
]  # fmt: skip
LIKELY_TEXT = [
    "en", "fr", "pass", "fail", "skipped", "camera", "microphone", "speakers", "browser",
    "agreed", "declined", "yes", "no", "video", "phone", "in_person", "sms", "email",
    "2026-12-01", "9999-12-31", "0001-01-01", "14:30", "25:99", "2026-12-01T14:30:00-05:00",
    "9999-12-31T23:59:59-05:00", "514 555-0123", "+1 613 555 0142", "x@example.org",
    "K7P-4QX", "1" * 400, "\x00", "²", "NaN", "-1",
]  # fmt: skip

# The calendar's ends (years 1 and 9999) at any hour and the widest offsets, and numbers past
# what a database row id holds: where date arithmetic and integer columns overflow.
boundary_dates = st.one_of(
    st.dates(max_value=date(1, 1, 31)), st.dates(min_value=date(9999, 12, 1)), st.dates()
).map(date.isoformat)
offsets = st.one_of(
    st.just(0),
    st.sampled_from([24 * 60 - 1, -(24 * 60 - 1), 14 * 60, -12 * 60]),
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1),
).map(lambda minutes: timezone(timedelta(minutes=minutes)))
calendar_ends = st.one_of(
    st.sampled_from([datetime.min, datetime.max]),
    st.datetimes(max_value=datetime(1, 1, 2)),
    st.datetimes(min_value=datetime(9999, 12, 31)),
)
boundary_moments = st.builds(
    lambda moment, zone, utc: moment.replace(tzinfo=zone).isoformat().replace("+00:00", utc),
    calendar_ends,
    offsets,
    st.sampled_from(["+00:00", "Z"]),
)
huge_numbers = st.one_of(
    st.sampled_from([2**31, 2**62]),  # past PostgreSQL's INTEGER, within a BIGINT
    st.integers(min_value=2**31, max_value=2**80),
    st.integers(max_value=-(2**31)),
).map(str)
boundary_text = st.one_of(boundary_dates, boundary_moments, huge_numbers)
text = st.one_of(st.sampled_from(LIKELY_TEXT), boundary_text, st.text(max_size=40))
form_data = st.dictionaries(st.sampled_from(FIELD_NAMES), text, max_size=8)
query_data = st.dictionaries(st.sampled_from(QUERY_NAMES), text, max_size=4)
# Requests valid but for a boundary value or two: a date or a number alone at its end is
# refused late (after other fields pass), where a wholly random request never gets to.
VALID_FIELDS = {
    "appointment_ref": "APPT-1", "appointment_at": "2027-01-15T14:30:00-05:00",
    "appointment_date": "2027-01-15", "appointment_time": "14:30", "language": "en",
    "first_name": "Alex", "staff": "1", "from": "2026-12-01", "to": "2026-12-31", "page": "1",
    "limit": "10", "updated_since": "2026-12-01T00:00:00+00:00", "bytes": "1000",
}  # fmt: skip
BOUNDARY_FOR = {
    "appointment_at": boundary_moments, "updated_since": boundary_moments,
    "appointment_date": boundary_dates, "from": boundary_dates, "to": boundary_dates,
    "staff": huge_numbers, "page": huge_numbers, "limit": huge_numbers, "bytes": huge_numbers,
}  # fmt: skip


@st.composite
def near_valid(draw) -> dict:
    """VALID_FIELDS with each boundable field, in turn at random, at a boundary."""
    values = dict(VALID_FIELDS)
    for name, boundary in BOUNDARY_FOR.items():
        if draw(st.booleans()):
            values[name] = draw(boundary)
    return values


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    text,
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(JSON_KEYS), text), children, max_size=6),
    ),
    max_leaves=20,
)
json_objects = st.dictionaries(st.sampled_from(JSON_KEYS), json_values, max_size=8)


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in UNCOUNTED_TABLES
    }


def routes(app):
    """(endpoint, method) for every route the test can reach, in a stable order."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return sorted(found)


def client_for(app, audience: str, sign_in):
    """A client of the audience a blueprint serves (a patient with a check, signed-in staff)."""
    if audience in ("desk", "admin"):
        return sign_in.client_for(audience)
    if audience == "clinic":
        return sign_in.client_for("clinician")
    client = app.test_client()
    if audience == "patient":
        client.post("/en/check/new")
    return client


def path_for(app, endpoint: str, lang: str, public_id: str) -> str:
    rule = next(app.url_map.iter_rules(endpoint))
    values = {"lang": lang, "public_id": public_id, "token": "no-such-token", "message_id": 1}
    values |= {"table": "weekly"}  # /admin/insights/<table>.csv
    values |= {"width": 10, "height": 10}
    values = {name: values[name] for name in rule.arguments}
    with app.test_request_context():
        return app.url_map.bind("localhost").build(endpoint, values)


@st.composite
def requests(draw, method):
    shape = draw(st.sampled_from(["form", "json", "raw"] if method == "POST" else ["query"]))
    if shape == "form":
        body = {"data": draw(form_data)}
    elif shape == "json":
        body = {
            "data": json.dumps(draw(st.one_of(json_objects, json_values))),
            "content_type": "application/json",
        }
    elif shape == "raw":
        body = {"data": draw(st.binary(max_size=200)), "content_type": "application/json"}
    else:
        body = {"query_string": draw(query_data)}
    return draw(st.sampled_from(["en", "fr"])), body


@st.composite
def near_valid_requests(draw, endpoint, method):
    """A request valid but for a boundary value or two, as a form, JSON or a query string."""
    values = draw(near_valid())
    if method != "POST":
        body = {"query_string": values}
    elif endpoint.startswith(("api.", "probe.")) or draw(st.booleans()):
        body = {"data": json.dumps(values), "content_type": "application/json"}
    else:
        body = {"data": values}
    return draw(st.sampled_from(["en", "fr"])), body


ROUTES = routes(create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 40}))


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_generated_input_never_gives_a_server_error_nor_a_partial_write(
    app,
    sign_in,
    make_check,  # noqa: F811
    endpoint,
    method,
):
    client = client_for(app, endpoint.split(".", 1)[0], sign_in)
    public_id = make_check(code="K7P4QX")
    headers = {"Authorization": f"Bearer {create_key(app)}"} if endpoint.startswith("api.") else {}

    send = sender(app, client, endpoint, method, public_id, headers)
    given(request=requests(method))(settings(max_examples=25, **SETTINGS)(send))()


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_dates_and_numbers_at_their_boundaries_never_give_a_server_error(
    app,
    sign_in,
    make_check,  # noqa: F811
    endpoint,
    method,
):
    """Year 1 and 9999 with far offsets, ids past a BIGINT, in requests otherwise valid: the
    same examples each run (derandomized), enough to reach each field's end."""
    client = client_for(app, endpoint.split(".", 1)[0], sign_in)
    public_id = make_check(code="K7P4QX")
    headers = {"Authorization": f"Bearer {create_key(app)}"} if endpoint.startswith("api.") else {}
    send = sender(app, client, endpoint, method, public_id, headers)
    boundary_settings = settings(max_examples=30, derandomize=True, **SETTINGS)
    given(request=near_valid_requests(endpoint, method))(boundary_settings(send))()


SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None}


def sender(app, client, endpoint, method, public_id, headers):
    """Send one generated request; fail on a 5xx, or on a refusal that wrote anything."""

    def send(request):
        lang, body = request
        path = path_for(app, endpoint, lang, public_id)
        with app.app_context():
            before = row_counts()
        response = client.open(path, method=method, headers=headers, **body)
        assert response.status_code < 500, (endpoint, method, body, response.text[:300])
        if response.status_code >= 400:
            with app.app_context():
                assert row_counts() == before, (endpoint, method, body, response.status_code)

    return send
