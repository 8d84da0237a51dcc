"""An HTTP client as an attacker (or a patient) uses one: its own cookies, no redirects followed,
any X-Forwarded-For it likes. Plain urllib, so nothing of the app is borrowed."""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

SESSION_COOKIE = "readiness_session"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Answer:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.text = body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self):
        return json.loads(self.text)


class Browser:
    """One browser: a cookie jar; a fresh one is a fresh browser."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )
        self.csrf = None

    def request(self, method, path, data=None, headers=None, body=None) -> Answer:
        headers = dict(headers or {})
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(
            self.base_url + path, data=body, headers=headers, method=method
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def get(self, path, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, address=None, **kwargs) -> Answer:
        """A form post with this browser's CSRF token; `address` as X-Forwarded-For."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        headers = kwargs.pop("headers", {})
        if address:
            headers["X-Forwarded-For"] = address
        return self.request("POST", path, data=data, headers=headers, **kwargs)

    def token(self) -> str:
        if self.csrf is None:
            page = self.get("/en/code").text
            self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.csrf

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def session_cookie(self) -> str:
        return self.cookie(SESSION_COOKIE)


class Replay(Browser):
    """A browser that sends a captured session cookie on every request, as an attacker would."""

    def __init__(self, base_url: str, session_cookie: str):
        super().__init__(base_url)
        self.captured = session_cookie

    def request(self, method, path, data=None, headers=None, body=None) -> Answer:
        headers = {**(headers or {}), "Cookie": f"{SESSION_COOKIE}={self.captured}"}
        return super().request(method, path, data=data, headers=headers, body=body)
