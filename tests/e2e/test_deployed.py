"""The deployment of deploy/ end to end: nginx over HTTPS (HTTP/2), two app servers,
PostgreSQL, Redis, the deliverer, and the scheduling module's webhook endpoint."""

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from readiness.extensions import db
from readiness.handoff.signing import verify
from readiness.models import Check, OutboxMessage, StaffUser
from readiness.passwords import hash_password
from tests.conftest import STAFF_PASSWORD
from tests.security.attacker import NoRedirect
from tests.support.http_journey import give_consent_and_contact, start_a_check
from tests.support.records import add_invitation
from tests.web.api_support import create_key

from . import stack
from .conftest import REDIS_URL


def server_metric(port: int, name: str, **labels) -> float:
    """One app server's own figure, read from its /metrics (loopback is allowed)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def wait_for_delivery(deployed, check_public_id: str, event: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for item in list(deployed.receiver.received):
            body = json.loads(item.body)
            if body["event"] == event and (body["check"] or {}).get("id") == check_public_id:
                return item, body
        time.sleep(0.3)
    raise AssertionError(f"{event} for {check_public_id} never reached the receiver")


def add_staff(deployed, role: str) -> str:
    email = f"{role}-{time.monotonic_ns()}@example.org"
    with deployed.app.app_context():
        db.session.add(
            StaffUser(email=email, role=role, password_hash=hash_password(STAFF_PASSWORD))
        )
        db.session.commit()
    return email


def test_readyz_and_healthz_answer_behind_nginx_over_http2(deployed, secure_browser):
    browser = secure_browser()
    answer = browser.get("/readyz")
    assert answer.status == 200, answer.text
    assert answer.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "data_key": "ok",
        "rate_limit_storage": "ok",
    }
    assert answer.headers["Server"] == "nginx"  # server_tokens off
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert browser.get("/healthz").text == "ok\n"
    plain = urllib.request.build_opener(NoRedirect())
    try:
        plain.open(f"http://127.0.0.1:{deployed.http_port}/en/", timeout=10)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 301
        assert redirect.headers["Location"].startswith("https://")
        redirect.close()
    if shutil.which("curl"):
        version = subprocess.run(
            ["curl", "-sk", "--http2", "-o", "/dev/null", "-w", "%{http_version}",
             deployed.base + "/healthz"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert version == "2"


def test_a_patient_finishes_the_whole_check_in_chromium_and_the_result_arrives_signed(
    deployed, deployed_page
):
    with deployed.app.app_context():
        _, token = add_invitation(first_name="Léa", language="en")
        db.session.commit()
    page = deployed_page()
    page.goto(f"/en/i/{token}")
    page.get_by_test_id("start-check").click()
    page.get_by_test_id("connection-result").wait_for(timeout=60_000)
    page.get_by_role("link", name="Continue to the camera and microphone").click()
    for kind, button in (("camera", "test-camera"), ("microphone", "test-microphone")):
        page.wait_for_selector('[data-testid="device-browser"][data-status="pass"]')
        page.get_by_test_id(button).click()
        page.wait_for_selector(f'[data-testid="device-{kind}"][data-status="pass"]')
    page.get_by_test_id("play-sound").click()
    page.get_by_test_id("speakers-heard").click()
    page.wait_for_selector('[data-testid="device-speakers"][data-status="pass"]')
    page.get_by_test_id("devices-continue").click()
    for choice in ("#private_place-0", "#public_wifi-1", "#phone_at_hand-0", "#headset-0"):
        page.locator(choice).check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/en/check/summary")
    page.get_by_role("link", name="Continue", exact=True).click()
    page.get_by_label("Yes, I agree to have my visit by video").check()
    page.get_by_role("button", name="Save my answer").click()
    page.get_by_label("Email (optional)").fill("lea.tremblay@example.org")
    page.get_by_label("Phone number to call if the video stops").fill("418 555-0175")
    page.get_by_label("English").check()
    page.get_by_label("By phone call").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Yes, save them").click()
    code = page.get_by_test_id("reference-code").inner_text()
    assert page.url.startswith(deployed.base)

    with deployed.app.app_context():
        check = db.session.scalar(
            db.select(Check).where(Check.reference_code == code.replace("-", ""))
        )
        assert check.completed_at is not None and check.verdict in ("ready", "limited")
        public_id, check_verdict = check.public_id, check.verdict
    item, body = wait_for_delivery(deployed, public_id, "check.completed")
    assert verify(
        deployed.webhook_secret,
        item.headers["X-Readiness-Timestamp"],
        item.body,
        item.headers["X-Readiness-Signature"],
        now=time.time(),
    )
    assert body["check"]["verdict"] == check_verdict


@pytest.mark.parametrize("role, home", [("desk", "/desk/"), ("clinician", "/clinic/")])
def test_staff_sign_in_on_one_server_and_the_other_serves_their_pages(
    deployed, deployed_page, role, home
):
    email = add_staff(deployed, role)
    ports = list(deployed.servers)
    before = {port: server_metric(port, "readiness_http_requests_total", route=home,
                                  status="200") for port in ports}  # fmt: skip
    page = deployed_page()
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{home}")
    # The browser's own cookies, one request at a time: nginx takes turns between the servers.
    for _ in range(6):
        response = page.request.get(home, max_redirects=0)
        assert response.status == 200, response.status
    after = {port: server_metric(port, "readiness_http_requests_total", route=home,
                                 status="200") for port in ports}  # fmt: skip
    served = {port: after[port] - before[port] for port in ports}
    assert all(count >= 2 for count in served.values()), served  # both, signed in on each


def test_the_api_through_nginx_creates_and_reads_an_invitation(deployed, secure_browser):
    key = create_key(deployed.app, name=f"scheduling-{time.monotonic_ns()}")
    browser = secure_browser()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    payload = {
        "appointment_ref": f"E2E-{time.monotonic_ns()}",
        "appointment_at": "2030-03-04T14:30:00-05:00",
        "language": "fr",
    }
    created = browser.request(
        "POST", "/api/v1/invitations", headers=headers, body=json.dumps(payload).encode()
    )
    assert created.status == 201, created.text
    invitation = created.json()
    assert invitation["url"].startswith(deployed.base + "/fr/i/")  # the port kept (Host)
    read = browser.get(f"/api/v1/invitations/{invitation['id']}", headers=headers)
    assert read.status == 200 and read.json()["id"] == invitation["id"]


def test_sign_in_limits_count_once_across_both_servers(deployed, secure_browser):
    redis.Redis.from_url(REDIS_URL).flushdb()  # the staff tests' sign-ins counted too
    browser = secure_browser()
    statuses = []
    for attempt in range(14):
        answer = browser.post(
            "/auth/login", {"email": f"nobody{attempt}@example.org", "password": "wrong"}
        )
        statuses.append(answer.status)
    redis.Redis.from_url(REDIS_URL).flushdb()  # the next tests sign in from this address too
    # LOGIN_RATE_LIMIT is 10 per minute per address: 10 in all, not 10 on each server.
    assert statuses.count(429) == 4, statuses
    assert all(status != 429 for status in statuses[:10]), statuses


def test_an_app_server_killed_mid_run_loses_no_finished_check(deployed, secure_browser):
    first = next(iter(deployed.servers))
    finished = []
    try:
        for number in range(6):
            browser = secure_browser()
            public_id = start_a_check(deployed.app, browser)
            if number == 2:
                stack.kill_server(deployed.servers[first])  # in the middle of this check
            try:
                give_consent_and_contact(browser)
            except AssertionError:
                # A POST that nginx had already sent on a kept-alive connection to the killed
                # server answers 502 (nginx never sends a POST twice): the patient sends again.
                give_consent_and_contact(browser)
            finished.append(public_id)
        with deployed.app.app_context():
            for public_id in finished:
                check = db.session.scalar(db.select(Check).where(Check.public_id == public_id))
                assert check.completed_at is not None, public_id
                events = db.session.scalars(
                    db.select(OutboxMessage.event_type).where(OutboxMessage.check_id == check.id)
                ).all()
                assert "check.completed" in events
        for public_id in finished:
            wait_for_delivery(deployed, public_id, "check.completed")
        assert secure_browser().get("/readyz").status == 200  # the other server answers
    finally:
        if deployed.servers[first].poll() is not None:
            deployed.servers[first] = stack.start_app_server(
                deployed.database_url, first, deployed.settings, deployed.folder
            )
            stack.wait_for(f"http://127.0.0.1:{first}/readyz", deployed.servers[first], 60)


def upstream_connections(ports) -> int:
    """Established TCP connections to the app servers (nginx's side of them), from /proc."""
    wanted = {f"{port:04X}" for port in ports}
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote_port, state = fields[2].rsplit(":", 1)[1], fields[3]
                if state == "01" and remote_port in wanted:
                    count += 1
    return count


def test_slow_request_bodies_stay_at_nginx(deployed):
    """F2: bodies that trickle in hold nginx connections, never an app server's thread."""
    port = int(re.search(r":(\d+)$", deployed.base)[1])
    context = stack.insecure_context()
    slow = []
    try:
        for _ in range(30):
            raw = socket.create_connection(("127.0.0.1", port), timeout=5)
            conn = context.wrap_socket(raw, server_hostname="localhost")
            conn.sendall(
                b"POST /en/code HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                b"application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nc"
            )
            slow.append(conn)
        time.sleep(1)
        # Unbuffered, each would hold a connection to an app server (and a thread there);
        # buffered, nginx has at most its idle keep-alive connections open to them.
        assert upstream_connections(deployed.servers) < len(slow)
        started = time.monotonic()
        with urllib.request.urlopen(
            deployed.base + "/en/", context=stack.insecure_context(), timeout=10
        ) as answer:
            assert answer.status == 200
        assert time.monotonic() - started < 2
    finally:
        for conn in slow:
            conn.close()


def test_the_desk_reads_a_code_and_follows_the_callers_test_live(deployed, deployed_page):
    """The desk's code made on one app server lets the caller in on whichever answers next,
    and the desk's live page (polling through nginx) shows the caller's result."""
    email = add_staff(deployed, "desk")
    agent = deployed_page()
    agent.goto("/auth/login")
    agent.get_by_label("Email").fill(email)
    agent.get_by_label("Password").fill(STAFF_PASSWORD)
    agent.get_by_role("button", name="Sign in").click()
    agent.wait_for_url("**/desk/")
    agent.locator("input[name=language][value=fr]").check()
    agent.get_by_test_id("start-caller-check").click()
    agent.wait_for_url("**/desk/checks/*")
    code = agent.get_by_test_id("reference-code").inner_text()

    caller = deployed_page(locale="fr-CA")
    caller.goto("/fr/code")
    caller.locator("input[name=code]").fill(code.lower().replace("-", ""))
    caller.locator("form button[type=submit]").click()
    caller.wait_for_url("**/fr/check")
    caller.goto("/fr/check/connection")

    result = agent.locator('[data-testid="desk-connection"]:not([data-verdict=""])')
    result.wait_for(timeout=60_000)
    assert agent.get_by_test_id("desk-step").get_attribute("data-step") == "connection"
    assert result.get_attribute("data-verdict") in ("ready", "limited")


def test_the_download_test_s_bytes_come_from_nginx_after_the_app_checks_the_request(deployed):
    """Issue 29: nginx sends the browser's download (X-Accel-Redirect to the file of random
    bytes) after the app checked it; other sizes still come from the app, refusals too."""
    context = stack.insecure_context()
    size = stack.PROBE_BYTES
    opened = time.monotonic()
    with urllib.request.urlopen(
        f"{deployed.base}/probe/download?bytes={size}", context=context, timeout=30
    ) as answer:
        body = answer.read()
        assert answer.status == 200
        assert answer.headers["Cache-Control"] == "no-store, no-transform"
        assert answer.headers["Content-Type"] == "application/octet-stream"
        assert "X-Accel-Redirect" not in answer.headers
    assert time.monotonic() - opened < 20
    sent = (stack.probe_bytes_folder_path() / f"random-{size}.bin").read_bytes()
    assert body == sent  # nginx's file, byte for byte
    with urllib.request.urlopen(
        f"{deployed.base}/probe/download?bytes=100000", context=context, timeout=30
    ) as answer:
        small = answer.read()
    assert len(small) == 100000 and small != sent[:100000]  # the app's own bytes
    try:
        urllib.request.urlopen(
            f"{deployed.base}/probe/download?bytes={size + 1}", context=context, timeout=30
        )
        raise AssertionError("a size over the limit was served")
    except urllib.error.HTTPError as refused:
        assert refused.code == 413
