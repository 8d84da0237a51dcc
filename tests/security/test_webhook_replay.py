"""A captured webhook replayed with new headers is refused by the README's own verify() (security
review 3, F18; issue 23, item 5).

The receiver below is what the README tells the scheduling module to build: it runs the
README's verify() (read from README.md, not copied), de-duplicates on the signed delivery id and
routes on the signed event. The app's real deliverer posts to it over HTTP; the attacker then
replays the captured request with urllib, changing the headers as the reviewer did.
"""

import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from readiness.extensions import db
from readiness.handoff.deliver import Settings, deliver_due
from tests.conftest import PROJECT_ROOT, free_port
from tests.support.journey import invite, run_journey

SECRET = "Xq7-made-up-webhook-secret-for-the-replay-test-Zk3v9Rb2"


def readme_verify():
    """The receiver's verify() exactly as README.md documents it."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme[readme.index("#### Verifying a signature") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace["verify"]


class SchedulingModule:
    """A receiver built from the README: verify, skip a delivery already seen, store."""

    def __init__(self, verify):
        self.verify = verify
        self.stored: list[tuple[str, str]] = []  # (delivery, event) it acted on
        self.captured: list[tuple[dict, bytes]] = []  # what a wiretap saw
        self.seen: set[str] = set()
        self.port = free_port()
        module = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                module.captured.append((dict(self.headers.items()), body))
                signed = module.verify(SECRET.encode(), self.headers, body)
                if signed is None:
                    status = 401
                else:
                    delivery, event = signed
                    if delivery not in module.seen:
                        module.seen.add(delivery)
                        module.stored.append((delivery, event))
                    status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/readiness"


@pytest.fixture
def scheduling_module():
    module = SchedulingModule(readme_verify())
    module.thread.start()
    yield module
    module.server.shutdown()
    module.server.server_close()


def replay(url: str, headers: dict, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_captured_delivery_replayed_with_new_headers_is_refused(make_app, scheduling_module):
    app = make_app(SCHEDULING_WEBHOOK_URL=scheduling_module.url, SCHEDULING_WEBHOOK_SECRET=SECRET)
    run_journey(app, app.test_client(), invite(app, appointment_ref="APPT-REPLAY"))
    with app.app_context():
        assert deliver_due(db.session, Settings.from_config(app.config)).delivered == 2
    stored = list(scheduling_module.stored)
    assert [event for _, event in stored] == ["consent.recorded", "check.completed"]

    headers, body = scheduling_module.captured[-1]
    assert json.loads(body)["event"] == "check.completed"
    # The same request again: accepted (within 5 minutes) but known, so nothing new is stored.
    assert replay(scheduling_module.url, headers, body) == 200
    # The reviewer's replay: a fresh delivery id so it passes as new, or relabelled.
    for name, value in [
        ("X-Readiness-Delivery", str(uuid.uuid4())),
        ("X-Readiness-Event", "check.erased"),
    ]:
        assert replay(scheduling_module.url, {**headers, name: value}, body) == 401
    # Without the V2 signature (only the first one, which covers no header): refused too.
    old_only = {k: v for k, v in headers.items() if k != "X-Readiness-Signature-V2"}
    assert replay(scheduling_module.url, {**old_only, "X-Readiness-Delivery": "x"}, body) == 401
    assert scheduling_module.stored == stored
