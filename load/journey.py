"""One patient's whole check over HTTP, as the browser does it, for Locust.

Pages, the probe (transfers sized as a test at 20 Mbit/s sends them), every result, consent and
contact details. Each request is named by its route, so the report is per page.
"""

import itertools
import re

import gevent
from locust import HttpUser, constant, task
from locust.exception import StopUser
from requests.adapters import HTTPAdapter

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
SHA = re.compile(r'name="text_sha256"[^>]*value="([0-9a-f]{64})"')

# A 20 Mbit/s test: 8 s each way at 20 Mbit/s is 20 MB down; uploads are smaller on such links.
DOWNLOADS = [5_000_000] * 4
UPLOADS = [2_500_000] * 4
PINGS = 12
BUSY_TRIES = 30
UPLOAD_BODY = bytes(range(256)) * (UPLOADS[0] // 256 + 1)
FEATURES = {
    "media_devices": True,
    "peer_connection": True,
    "secure_context": True,
    "audio_context": True,
    "sink_choice": True,
}
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


# Each patient has an address of its own, as on the internet: the server (behind a pretend
# proxy, READINESS_PROXY_COUNT=1) counts probe transfers per client address.
ADDRESSES = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


# Through nginx (make load SERVERS=2), which replaces X-Forwarded-For with the address it saw:
# each patient connects from a loopback address of its own instead.
LOOPBACK_SOURCES = (
    f"127.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(2)
)


class SourceAddress(HTTPAdapter):
    """Every connection of this session from one local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Patient(HttpUser):
    """Runs the check once, then leaves."""

    wait_time = constant(0)
    through_proxy = False  # set by python -m load --servers N (nginx in front)

    def on_start(self):
        self.client.headers["User-Agent"] = CHROME
        if self.through_proxy:
            adapter = SourceAddress(next(LOOPBACK_SOURCES))
            self.client.mount("https://", adapter)
            self.client.mount("http://", adapter)
            self.client.verify = False  # the certificate is made for the run
        else:
            self.client.headers["X-Forwarded-For"] = next(ADDRESSES)
        self.token = ""

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            found = CSRF.search(response.text or "")
            if response.status_code != 200 or not found:
                response.failure(f"status {response.status_code}")
                raise StopUser
            self.token = found.group(1)
            return response

    def form(self, path: str, name: str, data: dict, expect: str):
        data = {**data, "csrf_token": self.token}
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or expect not in response.headers.get("Location", ""):
                response.failure(f"status {response.status_code}")
                raise StopUser

    def result(self, path: str, name: str, body: dict):
        headers = {"X-CSRFToken": self.token}
        with self.client.post(
            path, json=body, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                raise StopUser

    def transfer(self, method: str, path: str, size: int, **options):
        """One probe transfer; after a 503 (the server's transfers are all under way) wait 1 s
        and ask again, as the browser does. Each wait is counted, not as an error."""
        for _ in range(BUSY_TRIES):
            with self.client.request(
                method, path, name=path.split("?")[0], catch_response=True, **options
            ) as response:
                if response.status_code == 503:
                    response.success()
                    self.environment.busy_waits += 1
                    gevent.sleep(1)
                    continue
                if method == "GET":
                    received = sum(len(chunk) for chunk in response.iter_content(256 * 1024))
                else:
                    received = (response.json() or {}).get("bytes")
                if response.status_code != 200 or received != size:
                    response.failure(f"status {response.status_code}, {received} bytes")
                return
        raise StopUser

    def transfers(self):
        for _ in range(PINGS):
            self.client.get("/probe/ping", name="/probe/ping")
        for size in DOWNLOADS:
            self.transfer("GET", f"/probe/download?bytes={size}", size, stream=True)
        for size in UPLOADS:
            self.transfer(
                "POST",
                "/probe/upload",
                size,
                data=UPLOAD_BODY[:size],
                headers={"Content-Type": "application/octet-stream"},
            )

    @task
    def whole_check(self):
        try:
            self.journey()
        except StopUser:
            raise
        except Exception as error:  # a broken answer: counted as this journey's failure
            self.environment.events.request.fire(
                request_type="JOURNEY",
                name="broken answer",
                response_time=0,
                response_length=0,
                exception=error,
                context={},
            )
            raise StopUser from error
        self.environment.journeys_done += 1
        raise StopUser

    def journey(self):
        self.page("/en/", "/en/")
        self.form("/en/check/new", "/en/check/new", {}, "/en/check/connection")
        self.page("/en/check/connection", "/en/check/connection")
        self.transfers()
        self.result(
            "/en/check/connection/result",
            "/en/check/connection/result",
            {
                "download_mbps": 19.2,
                "upload_mbps": 9.6,
                "latency_ms": 21.0,
                "jitter_ms": 2.0,
                "samples": {"latency_ms": [21, 22, 20]},
                "bytes_used": sum(DOWNLOADS) + sum(UPLOADS),
                "duration_ms": 16000,
                "connection_type": "wifi",
            },
        )
        self.page("/en/check/devices", "/en/check/devices")
        for kind in ("camera", "microphone", "speakers"):
            self.result(
                "/en/check/devices/result",
                "/en/check/devices/result",
                {"kind": kind, "status": "pass"},
            )
        self.result(
            "/en/check/devices/result",
            "/en/check/devices/result",
            {"kind": "browser", "features": FEATURES, "touch_points": 0},
        )
        self.page("/en/check/setting", "/en/check/setting")
        answers = {"private_place": "yes", "public_wifi": "no", "phone_at_hand": "yes"}
        self.form(
            "/en/check/setting",
            "/en/check/setting",
            {**answers, "headset": "yes"},
            "/en/check/summary",
        )
        self.page("/en/check/summary", "/en/check/summary")
        consent = self.page("/en/check/consent", "/en/check/consent")
        sha = SHA.search(consent.text).group(1)
        self.form(
            "/en/check/consent",
            "/en/check/consent",
            {"decision": "agreed", "text_sha256": sha},
            "/en/check/contact",
        )
        self.page("/en/check/contact", "/en/check/contact")
        self.form(
            "/en/check/contact",
            "/en/check/contact",
            {
                "email": "load.test@example.org",
                "mobile": "514 555-0100",
                "backup": "613 555-0100",
                "preferred_language": "en",
                "preferred_contact": "sms",
            },
            "/en/check/contact/confirm",
        )
        self.page("/en/check/contact/confirm", "/en/check/contact/confirm")
        self.form(
            "/en/check/contact/confirm",
            "/en/check/contact/confirm",
            {},
            "/en/check/done",
        )
        self.page("/en/check/done", "/en/check/done")
