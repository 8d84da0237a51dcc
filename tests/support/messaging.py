"""Real receivers for the service's own messages: an SMTP server (aiosmtpd) and an HTTP server
that speaks the shape of Twilio's Messages API. Both record what they were sent."""

import email
import email.policy
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class MailRecorder:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example.org"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on loopback; stop() and start() again on the same port (an outage)."""

    def __init__(self, port: int):
        self.port = port
        self.recorder = MailRecorder()
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class SmsProvider:
    """POST /2010-04-01/Accounts/<account>/Messages.json; records the form and the auth."""

    def __init__(self, port: int):
        self.port = port
        self.received: list[dict] = []
        self.refuse_numbers: set[str] = set()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = {key: values[0] for key, values in urllib.parse.parse_qs(body).items()}
                if form.get("To") in provider.refuse_numbers:
                    answer, status = {"code": 21211, "message": "Invalid 'To' number"}, 400
                else:
                    form["path"] = self.path
                    form["authorization"] = self.headers.get("Authorization")
                    provider.received.append(form)
                    answer, status = {"sid": f"SM{len(provider.received):032d}"}, 201
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def planned_reminder(app, lang: str, last_error: str | None = None) -> str:
    """A reminder the service will send for the first appointment; returns its stop link."""
    from readiness.extensions import db
    from readiness.models import Invitation, Notification, utcnow
    from readiness.notify.compose import stop_serializer

    with app.app_context():
        invitation = db.session.scalar(db.select(Invitation).order_by(Invitation.id))
        reminder = Notification(
            invitation=invitation,
            channel="email",
            kind="reminder",
            recipient="amelie.roy@example.org",
            link="http://localhost/fr/i/made-up",
            due_at=utcnow(),
            last_error=last_error,
        )
        db.session.add(reminder)
        db.session.commit()
        return f"/{lang}/reminders/stop/{stop_serializer().dumps(reminder.public_id)}"
