"""Configuration: safe embedded defaults, overridden by READINESS_* environment variables."""

import math
import os
import secrets
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from .devices.browser_support import DEFAULT_SUPPORT_MATRIX

DEVELOPMENT_SECRET_FILE = "secret_key"
DEVELOPMENT_DATA_KEY_FILE = "data_key"
ENVIRONMENTS = ("development", "production")
# A secret must hold at least this much randomness, estimated from its characters.
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128


class DefaultConfig:
    """Values that work on a fresh machine. Every one can be set as READINESS_<NAME>."""

    # "production" refuses to start without a real secret key and sends cookies Secure only.
    ENV = "development"
    SECRET_KEY = None
    DATABASE_URL = None  # SQLite file in the instance folder when unset
    # Keys that encrypt personal fields at rest, newest first, comma-separated (see
    # readiness/data_keys.py). Required in production; generated into instance/ in development.
    DATA_KEYS = None

    # The institution, as patients see it.
    SERVICE_NAME_EN = "Video visit readiness check"
    SERVICE_NAME_FR = "Vérification avant la consultation vidéo"
    INSTITUTION_NAME_EN = "Your health care team"
    INSTITUTION_NAME_FR = "Votre équipe de soins"
    SUPPORT_PHONE = "1-800-555-0199"
    SUPPORT_HOURS_EN = "Monday to Friday, 8 a.m. to 6 p.m."
    SUPPORT_HOURS_FR = "du lundi au vendredi, de 8\u00a0h à 18\u00a0h"
    TIMEZONE = "America/Toronto"
    DEFAULT_PHONE_REGION = "CA"

    # The connection guidance, in megabits per second and milliseconds (readiness.verdict).
    # Ready for video: the institution's guidance for download, and these for the rest.
    GUIDANCE_DOWNLOAD_MBPS = 10.0
    READY_UPLOAD_MBPS = 3.0
    READY_LATENCY_MS = 150.0
    READY_JITTER_MS = 30.0
    # Video with limits: enough for a 720p one-to-one call.
    LIMITED_DOWNLOAD_MBPS = 1.2
    LIMITED_UPLOAD_MBPS = 1.2
    LIMITED_LATENCY_MS = 300.0
    LIMITED_JITTER_MS = 50.0
    # Latency under load (bufferbloat): the milliseconds a busy link may add to the idle
    # latency before the visit is limited, and before it is not ready (README: sources).
    BUSY_NETWORK_LIMITED_MS = 100.0
    BUSY_NETWORK_NOT_READY_MS = 400.0
    # The video ladder, best first: name:upload:download in Mbit/s (readiness.connection.quality).
    VIDEO_QUALITY_LADDER = "hd_720p:1.5:1.5,standard:0.6:0.6,low:0.15:0.15,audio_only:0.1:0.1"

    # The browser's connection test: the longest each direction may run, in seconds, and the
    # most data it may use per direction, in megabytes.
    CONNECTION_TEST_MAX_SECONDS = 8
    CONNECTION_TEST_SLOW_MAX_SECONDS = 11  # below the guidance, where estimates settle slower
    CONNECTION_TEST_MAX_MEGABYTES = 150

    # The media path (readiness.connection.media_service): the browser sends packets the size
    # and rate of a video call over WebRTC for this many seconds each way. Packet loss above
    # READY is video with limits, above LIMITED not ready (percent; sources in the README).
    MEDIA_CHECK_ENABLED = True
    MEDIA_SECONDS_PER_DIRECTION = 2.0
    MEDIA_PACKETS_PER_SECOND = 50
    MEDIA_PACKET_BYTES = 1000
    MEDIA_CONNECT_TIMEOUT_SECONDS = 8.0
    MEDIA_MAX_PEERS = 20  # per gunicorn worker, at once
    MEDIA_MAX_PEERS_PER_CLIENT = 2  # per worker and client address: one check needs one
    MEDIA_PEER_SECONDS = 30.0  # a peer is closed after this long, finished or not
    MEDIA_PUBLIC_ADDRESS = ""  # behind NAT: the address browsers reach this server's UDP on
    MEDIA_HOST_ADDRESSES = ""  # comma-separated local addresses to offer; "" = every interface
    # When the last MEDIA_HEALTH_CHECKS media checks, from at least 3 networks, all found no
    # route, the fault is taken to be ours: the media part is left out of new verdicts and
    # staff see a banner until one succeeds (readiness.connection.media_health).
    MEDIA_HEALTH_CHECKS = 10
    READY_PACKET_LOSS_PERCENT = 5.0
    LIMITED_PACKET_LOSS_PERCENT = 10.0
    # An optional TURN server (coturn), for networks that block UDP: comma-separated URLs such
    # as "turn:turn.example.org:3478?transport=tcp,turns:turn.example.org:443", and the
    # shared secret of coturn's REST API scheme (static-auth-secret). Credentials given to a
    # browser last this many seconds.
    TURN_URLS = ""
    TURN_SECRET = ""
    TURN_CREDENTIAL_SECONDS = 300

    # The probe endpoints: the largest single transfer each way, and requests per client.
    PROBE_MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024
    PROBE_MAX_UPLOAD_BYTES = 32 * 1024 * 1024
    PROBE_RATE_LIMIT = "600 per minute"
    # Transfers (downloads and uploads) at once in each worker process, in all and per client
    # address: keep the total well below gunicorn's --threads so that pages always find a
    # thread. A browser's test runs 4 at once. A client that stops reading or sending for this
    # many seconds loses its connection (and its slot).
    PROBE_MAX_TRANSFERS = 48
    PROBE_MAX_TRANSFERS_PER_CLIENT = 8
    PROBE_STALL_SECONDS = 10
    # The probe on hosts of its own: where the browser measures (set on the pages' hosts), and
    # the pages' origin, the only one allowed to read the probe's answers (set on the probe's).
    PROBE_BASE_URL = ""
    PAGES_ORIGIN = ""

    # Which browsers can run a video visit: oldest major version of each browser and system,
    # and the browser to recommend on each system (JSON in READINESS_SUPPORT_MATRIX).
    SUPPORT_MATRIX = DEFAULT_SUPPORT_MATRIX
    # The microphone test gives up (and shows advice) after this many seconds without speech.
    MICROPHONE_TIMEOUT_SECONDS = 15

    # An invitation link works until this many hours after its appointment.
    INVITATION_VALID_HOURS_AFTER = 12
    # After this many checks, an invitation link is used up.
    INVITATION_MAX_CHECKS = 20

    # What a clinician hosting a video visit does, shown on each patient's page. A list in each
    # language (as JSON in the environment), or one item per line.
    VISIT_CHECKLIST_EN = (
        "Turn on the meeting's passcode and waiting room.",
        "Admit the patient from the waiting room yourself.",
        "Lock the meeting once everyone has joined.",
        "Keep screen sharing to the host only.",
        "At the start, confirm the phone number to call if the video stops.",
    )
    VISIT_CHECKLIST_FR = (
        "Activez le code secret et la salle d’attente de la réunion.",
        "Admettez vous-même la personne depuis la salle d’attente.",
        "Verrouillez la réunion une fois que tout le monde est arrivé.",
        "Réservez le partage d’écran à l’hôte.",
        "Au début, confirmez le numéro à appeler si la vidéo s’arrête.",
    )

    # The consent text: empty means the default text shipped in readiness/consent.py.
    CONSENT_VERSION = ""
    CONSENT_TEXT_EN = ""
    CONSENT_TEXT_FR = ""

    # The support desk: how far back its list of recent checks goes, and how long after a caller
    # was last seen a check's page keeps refreshing by itself.
    DESK_RECENT_HOURS = 4
    DESK_LIVE_MINUTES = 30

    # How many proxies (load balancers) stand in front of the app and set X-Forwarded-For and
    # X-Forwarded-Proto. 0 trusts none. Rate limits count per client address, so set it.
    PROXY_COUNT = 0
    # A request body (other than the probe's upload) must be in this long after the request
    # reached the app; the head has 10 s (gunicorn.conf.py). readiness/request_deadlines.py
    REQUEST_BODY_SECONDS = 15

    # Staff sessions end after this many minutes without a request, and this many hours after
    # signing in whatever happens.
    STAFF_IDLE_MINUTES = 30
    STAFF_SESSION_HOURS = 12
    # A patient's browser forgets its check after this many hours without a request.
    PATIENT_SESSION_HOURS = 2
    # A code the desk reads to a caller joins the caller's browser once, within this many
    # minutes, before the check has begun.
    DESK_CODE_MINUTES = 30

    # Rate limits (Flask-Limiter reads RATELIMIT_*). "database://" keeps the counters in the
    # app's own database, shared by every worker; redis://host:6379/0 in production.
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    # Sign-in: after this many wrong passwords in a row an account is locked for a minute,
    # twice as long after each further one, at most SIGN_IN_LOCK_MAX_MINUTES.
    SIGN_IN_LOCK_AFTER = 5
    SIGN_IN_LOCK_MINUTES = 1
    SIGN_IN_LOCK_MAX_MINUTES = 60
    # Codes typed at /<lang>/code: tries per client address, and wrong codes for the whole
    # service (whatever the addresses). The README shows what these make of guessing.
    CODE_RATE_LIMIT = "10 per minute;60 per hour"
    CODE_FAILURE_LIMIT = "100 per minute;600 per hour"
    # Wrong API keys per client address, and desk searches per agent.
    API_FAILED_KEY_LIMIT = "10 per minute;100 per hour"
    DESK_SEARCH_RATE_LIMIT = "30 per minute;300 per hour"
    # Results the check's page posts (JSON): per check, and per address (a clinic's patients
    # may share one). A check posts a dozen; these keep parsing work bounded (review 3, F9).
    PATIENT_RESULT_RATE_LIMIT = "30 per minute;200 per hour"
    PATIENT_RESULT_ADDRESS_LIMIT = "300 per minute"

    # The scheduling module: where its webhooks go, the shared secret that signs them, and
    # their body: "json" (ours) or "fhir" (an HL7 FHIR R4 transaction Bundle).
    SCHEDULING_WEBHOOK_URL = None
    SCHEDULING_WEBHOOK_SECRET = None
    SCHEDULING_WEBHOOK_FORMAT = "json"
    SCHEDULING_WEBHOOK_TIMEOUT_SECONDS = 10
    # Failed deliveries are tried again after 30 s, 60 s, 120 s ... (at most an hour apart,
    # with jitter) until this many hours after the change; then an admin retries them.
    HANDOFF_RETRY_BASE_SECONDS = 30
    HANDOFF_RETRY_MAX_SECONDS = 3600
    HANDOFF_GIVE_UP_AFTER_HOURS = 48
    # flask handoff deliver --loop: seconds between looks at the outbox when nothing is due.
    HANDOFF_LOOP_INTERVAL_SECONDS = 5
    # The service's own messages to patients (readiness.notify; README "Reaching patients").
    # Email through the institution's relay: smtp://user:pass@host:587?starttls=1 or smtps://...
    SMTP_URL = None
    MAIL_FROM = None
    # Text messages through a Twilio-shaped REST API: base URL, account, token, sending number.
    SMS_URL = None
    SMS_ACCOUNT = None
    SMS_TOKEN = None
    SMS_FROM = None
    # A reminder this many hours before the visit when no check is finished.
    REMINDER_HOURS_BEFORE = 48
    # A message that cannot go is retried (same backoff as the handoff) for this many hours.
    NOTIFY_GIVE_UP_AFTER_HOURS = 12
    # The base of our FHIR CodeSystem and identifier systems (canonical URLs, never fetched).
    FHIR_BASE_URL = "https://readiness.example.org/fhir"
    # The API for the scheduling module: requests per key (or client address), page size.
    API_RATE_LIMIT = "300 per minute"
    API_PAGE_SIZE = 50

    # Retention, in days (readiness/privacy/retention.py; README "Privacy" gives the reasons).
    # A patient's personal data after the later of the appointment and their last activity:
    RETENTION_CHECK_DAYS = 90
    # A webhook message after the scheduling module received it:
    RETENTION_OUTBOX_DAYS = 14
    # An audit entry (no personal data in it) after it was written: about six years.
    RETENTION_AUDIT_DAYS = 2190
    # flask handoff deliver --loop purges what is due this often (hours).
    PURGE_INTERVAL_HOURS = 24

    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 3600 * 8
    # readiness/csrf.py checks Origin (or the Referer) over HTTP and HTTPS alike.
    WTF_CSRF_SSL_STRICT = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "readiness_session"


def is_production(config) -> bool:
    """True when the operator declared a production deployment."""
    return str(config.get("ENV", "")).lower() == "production"


def secret_bits(value: str) -> float:
    """A rough estimate of a secret's randomness: its length times its characters' entropy."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def is_strong_secret(value) -> bool:
    value = str(value or "")
    return len(value) >= MIN_SECRET_LENGTH and secret_bits(value) >= MIN_SECRET_BITS


def production_problems(config) -> list[str]:
    """What makes these settings unsafe for production, in words for the operator."""
    problems = []
    if not is_strong_secret(config.get("SECRET_KEY")):
        problems.append(
            "READINESS_SECRET_KEY must be a random value of at least 32 characters (for "
            'example: python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    webhook_secret = config.get("SCHEDULING_WEBHOOK_SECRET")
    if webhook_secret is not None and not is_strong_secret(webhook_secret):
        problems.append(
            "READINESS_SCHEDULING_WEBHOOK_SECRET must be a random value of at least 32 characters."
        )
    webhook_url = config.get("SCHEDULING_WEBHOOK_URL")
    if webhook_url and urlsplit(str(webhook_url)).scheme != "https":
        problems.append("READINESS_SCHEDULING_WEBHOOK_URL must be an https:// address.")
    return problems


def finish_config(config, instance_path: str) -> None:
    """Derive the settings that depend on others, and refuse an unsafe production start."""
    env = str(config.get("ENV", "")).lower()
    if env not in ENVIRONMENTS:
        raise RuntimeError(
            f"READINESS_ENV must be one of {', '.join(ENVIRONMENTS)}; "
            f"{str(config.get('ENV'))[:40]!r} is not known."
        )
    production = is_production(config)
    secret = config.get("SECRET_KEY")
    if production:
        problems = production_problems(config)
        if problems:
            raise RuntimeError(
                "Refusing to start with READINESS_ENV=production: " + " ".join(problems)
            )
    elif not secret:
        config["SECRET_KEY"] = development_secret(instance_path)
    if not config.get("DATA_KEYS"):
        if production:
            raise RuntimeError(
                "READINESS_DATA_KEYS must be set when READINESS_ENV=production: one or more keys "
                "that encrypt personal data, newest first, separated by commas (make one with: "
                'python -c "import base64, os; '
                'print(base64.urlsafe_b64encode(os.urandom(32)).decode())").'
            )
        config["DATA_KEYS"] = development_data_key(instance_path)

    if production:
        # Over plain HTTP (make run on 127.0.0.1) a Secure cookie would never come back.
        config["SESSION_COOKIE_SECURE"] = True
        config["PREFERRED_URL_SCHEME"] = "https"

    url = config.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "readiness.db")
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        private_sqlite_file(url[len("sqlite:///") :])
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("database://"):
        config["RATELIMIT_STORAGE_OPTIONS"] = {"url": url}
    options = {"pool_pre_ping": True, **config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    # Never in a log: statement parameters are contact details, notes, searched values, codes.
    options["hide_parameters"] = True
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def development_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so a development restart keeps sessions."""
    path = Path(instance_path) / DEVELOPMENT_SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def private_file(path: Path, make_content) -> str:
    """Read a file only its owner may read, creating it (mode 0600) if it does not exist yet.

    Two processes starting together (gunicorn's workers, a test and its server) agree: only
    one creates the file, the other reads what it wrote.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(make_content())
    for _ in range(50):
        content = path.read_text().strip()
        if content:
            return content
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty")


def development_data_key(instance_path: str) -> str:
    """A data key kept in the instance folder, so make run works with no key set by hand."""
    from .data_keys import new_key

    return private_file(Path(instance_path) / DEVELOPMENT_DATA_KEY_FILE, new_key)


def private_sqlite_file(path: str) -> None:
    """Create the SQLite file (and tighten an existing one) so only its owner can read it.

    SQLite gives its journal and WAL files the database file's permissions.
    """
    if path.startswith(":") or path.startswith("file:"):
        return
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(file, os.O_RDWR | os.O_CREAT, 0o600))
    if file.stat().st_uid == os.getuid() and file.stat().st_mode & 0o077:
        file.chmod(0o600)
