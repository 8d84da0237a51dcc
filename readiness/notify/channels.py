"""The two ways out: an SMTP relay for email, a Twilio-shaped REST API for text messages.

Pure: no Flask. Each send returns a Sent or raises Refused (the address or the message will
never go: do not retry) or Unreachable (try again later). Errors carry a short word, never the
address or the provider's text, so they can be stored and shown without personal data.
"""

import base64
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage

TIMEOUT_SECONDS = 15.0


class Refused(Exception):
    """The provider refused this message for good (a wrong address, a number that cannot
    receive text messages): retrying would not help."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Unreachable(Exception):
    """The relay or provider could not be reached or failed for now: retry later."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Sent:
    provider_id: str | None = None


@dataclass(frozen=True)
class SmtpRelay:
    """`smtp://user:pass@host:587?starttls=1` or `smtps://user:pass@host:465`."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> "SmtpRelay":
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("READINESS_SMTP_URL must look like smtp://host:587?starttls=1")
        query = urllib.parse.parse_qs(parts.query)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            implicit_tls=implicit,
            starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            username=urllib.parse.unquote(parts.username) if parts.username else None,
            password=urllib.parse.unquote(parts.password) if parts.password else None,
        )

    def send(self, message: EmailMessage) -> Sent:
        context = ssl.create_default_context()
        try:
            if self.implicit_tls:
                connection = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=TIMEOUT_SECONDS, context=context
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
            with connection:
                if self.starttls:
                    connection.starttls(context=context)
                if self.username:
                    connection.login(self.username, self.password or "")
                connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise Refused("address_refused") from error
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise Refused(f"smtp_{error.smtp_code}") from error
            raise Unreachable(f"smtp_{error.smtp_code}") from error
        except (OSError, smtplib.SMTPException) as error:
            raise Unreachable("relay_unreachable") from error
        return Sent(message.get("Message-ID"))


@dataclass(frozen=True)
class TwilioMessages:
    """Twilio's Programmable Messaging API, which several Canadian providers also speak:
    `POST {url}/2010-04-01/Accounts/{account}/Messages.json`, form fields To, From, Body,
    HTTP basic authentication with the account and its token."""

    url: str
    account: str
    token: str
    sender: str

    def send(self, to: str, body: str, status_url: str | None = None) -> Sent:
        if urllib.parse.urlsplit(self.url).scheme not in ("http", "https"):
            raise Unreachable("provider_url_invalid")
        endpoint = (
            f"{self.url.rstrip('/')}/2010-04-01/Accounts/"
            f"{urllib.parse.quote(self.account, safe='')}/Messages.json"
        )
        fields = {"To": to, "From": self.sender, "Body": body}
        if status_url:
            fields["StatusCallback"] = status_url  # the provider says later if it bounced
        form = urllib.parse.urlencode(fields).encode()
        credentials = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (http or https, checked above)
            endpoint,
            data=form,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                answer = json.loads(response.read(65536) or b"{}")
        except urllib.error.HTTPError as error:
            # 4xx: the provider will not take this message (bad number, opted out...); 5xx and
            # 429: it may later.
            if 400 <= error.code < 500 and error.code != 429:
                raise Refused(provider_reason(error)) from error
            raise Unreachable(f"http_{error.code}") from error
        except (OSError, ValueError) as error:
            raise Unreachable("provider_unreachable") from error
        sid = answer.get("sid") if isinstance(answer, dict) else None
        return Sent(str(sid)[:64] if sid else None)


def provider_reason(error: urllib.error.HTTPError) -> str:
    """Twilio's numeric error code when it gives one (21211: invalid number; 21610: the
    recipient replied STOP), else the HTTP status."""
    try:
        code = json.loads(error.read(65536)).get("code")
    except (OSError, ValueError, AttributeError):
        code = None
    if isinstance(code, int):
        return f"provider_{code}"
    return f"http_{error.code}"
