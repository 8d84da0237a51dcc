"""/admin/insights: charts drawn on the server, each with its table; CSV; managers see only it."""

import csv
import io
import re

import pytest

from tests.support.outcomes import walk_visits


@pytest.fixture
def walked(app, client, clinician_client):
    return walk_visits(app, client, clinician_client)


def test_the_page_shows_the_report_in_english_and_french(walked, sign_in):
    manager = sign_in.client_for("manager")
    page = manager.get("/admin/insights")
    assert page.status_code == 200
    text = page.text
    summary = re.search(r'data-testid="ready-held-summary">(.*?)</p>', text, re.S).group(1)
    assert "4 of 5 visits held on video to the end: 80%" in summary
    assert "95% interval: 37.5% to 96.4%" in summary
    assert '<svg class="chart" role="img"' in text
    for chart in ("held", "weekly", "funnel", "band-download_mbps", "band-media_route"):
        assert f'data-testid="chart-{chart}"' in text
        assert f'aria-labelledby="chart-{chart}-title chart-{chart}-desc"' in text
    assert "<script" not in text.split("</header>", 1)[1].split("<footer", 1)[0]
    assert 'data-testid="table-outcomes"' in text
    manager.get("/auth/language/fr")
    french = manager.get("/admin/insights").text
    summary = re.search(r'data-testid="ready-held-summary">(.*?)</p>', french, re.S).group(1)
    assert "4 consultations sur 5" in summary
    assert "80\u00a0%" in summary and "37,5\u00a0%" in summary


def test_every_table_downloads_as_csv_with_only_counts(walked, admin_client):
    outcomes = admin_client.get("/admin/insights/outcomes.csv")
    assert outcomes.status_code == 200
    assert outcomes.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(outcomes.text)))
    assert rows[0] == [
        "verdict",
        "video",
        "video_then_phone",
        "phone",
        "in_person",
        "no_show",
        "cancelled",
    ]
    assert rows[1] == ["ready", "4", "1", "0", "0", "1", "0"]
    held = list(csv.reader(io.StringIO(admin_client.get("/admin/insights/held.csv").text)))
    assert held[1] == ["ready", "4", "5", "0.8", "0.3755", "0.9638"]
    page = admin_client.get("/admin/insights").text
    for key in re.findall(r"/admin/insights/([a-z_]+)\.csv", page):
        assert admin_client.get(f"/admin/insights/{key}.csv").status_code == 200
    assert len(set(re.findall(r"/admin/insights/([a-z_]+)\.csv", page))) == 12
    assert "Amélie" not in page and "example.org" not in page.split("<main", 1)[1]
    assert admin_client.get("/admin/insights/patients.csv").status_code == 404


def test_filters_narrow_the_counts_and_refuse_bad_dates(walked, admin_client):
    later = admin_client.get("/admin/insights?since=2999-01-01").text
    assert "0 checks started" in later
    filtered = admin_client.get("/admin/insights/held.csv?since=2999-01-01").text
    assert filtered.splitlines()[1] == "ready,0,0,,,"
    bad = admin_client.get("/admin/insights?since=yesterday&until=2020-01-01")
    assert bad.status_code == 400
    assert "Enter the date as year-month-day" in bad.text
    backwards = admin_client.get("/admin/insights?since=2026-12-02&until=2026-12-01")
    assert backwards.status_code == 400
    assert "must not come before" in backwards.text
    unknown = admin_client.get("/admin/insights?clinician=999999")
    assert unknown.status_code == 400
    assert admin_client.get("/admin/insights/held.csv?since=nope").status_code == 400


def test_a_manager_sees_only_the_insights_page(app, sign_in):
    manager = sign_in.client_for("manager")
    for path in ("/admin/", "/admin/handoff", "/admin/audit", "/desk/", "/clinic/"):
        assert manager.get(path).status_code == 403, path
    result = app.test_cli_runner().invoke(
        args=["staff", "create", "--email", "mona.manager@example.org", "--role", "manager"]
    )
    assert result.exit_code == 0, result.output
    assert "Created manager account" in result.output


def test_no_two_elements_share_an_id(walked, admin_client):
    ids = re.findall(r'\sid="([^"]+)"', admin_client.get("/admin/insights").text)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_pages_with_outcomes_show_only_what_they_mean(walked, sign_in, language):
    """The guard of test_every_page_reads (no placeholder, no code, no English in French) on
    the insights page with figures in it, and on a past visit's page with its outcome."""
    from tests.web.test_every_page_reads import problems_on

    admin = sign_in.client_for("admin")
    admin.get(f"/auth/language/{language}")
    problems = problems_on(admin.get("/admin/insights").text, language)
    with walked.app_context():
        from readiness.extensions import db
        from readiness.models import Check

        check = db.session.scalars(db.select(Check).order_by(Check.id)).first()
        visit, check_id = check.invitation.public_id, check.public_id
    problems += problems_on(admin.get(f"/clinic/visits/{visit}").text, language)
    problems += problems_on(admin.get(f"/desk/checks/{check_id}").text, language)
    problems += problems_on(admin.get(f"/desk/checks/{check_id}/visit-outcome").text, language)
    problems += problems_on(admin.get("/clinic/?when=past").text, language)
    assert not problems, "\n".join(problems)


def test_the_page_reads_with_no_check_at_all(admin_client):
    page = admin_client.get("/admin/insights")
    assert page.status_code == 200
    assert 'data-testid="funnel-summary"' in page.text
