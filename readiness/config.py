"""Configuration: safe embedded defaults, overridden by READINESS_* environment variables."""

import base64
import binascii
import math
import os
import secrets
import string
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from .connection.platform import PlatformProbeError, insecure_probes, parse_probes
from .devices.browser_support import DEFAULT_SUPPORT_MATRIX

DEVELOPMENT_SECRET_FILE = "secret_key"
DEVELOPMENT_DATA_KEY_FILE = "data_key"
ENVIRONMENTS = ("development", "production")
# A secret must hold at least this much randomness, estimated from its characters.
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128
# ... and at least this much once patterns are discounted (words, runs such as "abcdef",
# repeats): a human phrase or a keyboard walk falls below it, a generated secret does not.
MIN_PATTERN_BITS = 100
# Letters of one case in a row, this many or more, read as a word: about one bit each.
WORD_RUN = 5
WORD_BITS = 1.0
# A data key must have at least this many different bytes (32 random bytes have about 30).
MIN_DATA_KEY_DISTINCT_BYTES = 16
# TURN credentials may last at most this long in production (seconds).
MAX_TURN_CREDENTIAL_SECONDS = 3600


class DefaultConfig:
    """Values that work on a fresh machine. Every one can be set as READINESS_<NAME>."""

    # "production" refuses to start without a real secret key and sends cookies Secure only.
    ENV = "development"
    SECRET_KEY = None
    DATABASE_URL = None  # SQLite file in the instance folder when unset
    # Keys that encrypt personal fields at rest, newest first, comma-separated (see
    # readiness/data_keys.py). Required in production; generated into instance/ in development.
    DATA_KEYS = None
    # The key of the audit chain's HMAC (readiness/audit.py); derived from SECRET_KEY when unset.
    # Set it to keep `flask audit verify` working across a change of the secret key.
    AUDIT_KEY = None
    # Refuse to start when DATA_KEYS does not open the stored data (readiness/encrypted.py).
    DATA_KEY_CHECK = True

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
    # The summary waits this long for a media part still under way, then leaves it out.
    MEDIA_SUMMARY_WAIT_SECONDS = 5.0
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
    # ... and a check may fetch them this often (the page does once per media test).
    TURN_CREDENTIAL_LIMIT = "10 per hour"
    # ... and a client address (IPv6: its /64) this often, whatever checks it starts.
    TURN_ADDRESS_LIMIT = "60 per hour"

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
    # Behind nginx (deploy/nginx): downloads of exactly PROBE_MAX_DOWNLOAD_BYTES (what the
    # browser asks) are answered with X-Accel-Redirect to this internal location +
    # "random-<size>.bin", a file of random bytes nginx sends itself; "" (default): the app sends.
    PROBE_ACCEL_REDIRECT = ""
    # The probe on hosts of its own: where the browser measures (set on the pages' hosts), and
    # the pages' origin, the only one allowed to read the probe's answers (set on the probe's).
    PROBE_BASE_URL = ""
    PAGES_ORIGIN = ""
    # Small resources on the video platform's own domains (an image on the health authority's
    # Zoom domain, say): the connection test loads each; none loading gives platform_blocked.
    # A JSON list, or URLs separated by commas or spaces. Empty: not checked.
    PLATFORM_PROBES = ()
    PLATFORM_PROBE_TIMEOUT_SECONDS = 5

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

    # Clinicians see the visits they are the clinician of, those they invited, and those with no
    # clinician yet (readiness/clinic/scope.py); true lets every clinician see every visit.
    CLINICIANS_SEE_ALL_PATIENTS = False

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
    # When that storage cannot be reached (Redis down), each worker counts in its own memory
    # until it answers again, with a warning in the log: the site keeps working, limits looser.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    # Sign-in: after this many wrong passwords from one address, that address (only) waits a
    # minute for that account, twice as long after each further lock, at most the maximum.
    SIGN_IN_LOCK_AFTER = 5
    SIGN_IN_LOCK_MINUTES = 1
    SIGN_IN_LOCK_MAX_MINUTES = 60
    # Single sign-on with the institution's OpenID Connect provider (README "Single sign-on"):
    # off while OIDC_ISSUER is empty. OIDC_ROLE_MAP maps the values of the OIDC_ROLE_CLAIM
    # claim to roles ("readiness-desk:desk,readiness-clinicians:clinician"), the first that
    # matches winning; OIDC_ALLOWED_EMAIL_DOMAINS (comma-separated) refuses other domains.
    OIDC_ISSUER = ""
    OIDC_CLIENT_ID = ""
    OIDC_CLIENT_SECRET = ""
    OIDC_SCOPES = "openid email profile"
    OIDC_ROLE_CLAIM = "groups"
    OIDC_ROLE_MAP = ""
    OIDC_ALLOWED_EMAIL_DOMAINS = ""
    OIDC_INSTITUTION_NAME = ""  # "Sign in with <name>"; empty: INSTITUTION_NAME_EN/FR
    # "off": passwords only for break-glass accounts (flask staff create --break-glass).
    LOCAL_SIGN_IN = "on"
    # Two-factor (TOTP) for password sign-in: "admin" (admins), "all", "off". Break-glass
    # accounts always need it. Unset: "admin" in production, "off" in development.
    REQUIRE_TOTP = None
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
    # "Continue on your phone" (README): a link works once, for this many minutes; links made
    # per address and per check, and link pages opened per address.
    HANDOVER_MINUTES = 10
    HANDOVER_RATE_LIMIT = "10 per 10 minutes;30 per hour"
    HANDOVER_CHECK_LIMIT = "5 per 10 minutes;20 per day"
    HANDOVER_OPEN_RATE_LIMIT = "20 per minute;100 per hour"

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

    # /metrics (Prometheus): the client addresses or networks that may read it, comma-separated,
    # and a token that opens it from anywhere else (Authorization: Bearer <token>; "" = none).
    METRICS_ALLOW = "127.0.0.0/8,::1"
    METRICS_TOKEN = ""

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


def character_pool(value: str) -> int:
    """How many characters the secret's kinds of character allow (hex counts as 16)."""
    if all(c in string.hexdigits for c in value) and (value.islower() or value.isupper()):
        return 16
    kinds = ((string.ascii_lowercase, 26), (string.ascii_uppercase, 26), (string.digits, 10))
    pool = sum(size for chars, size in kinds if any(c in chars for c in value))
    if any(not (c.isascii() and c.isalnum()) for c in value):
        pool += 33
    return pool


def word_positions(value: str) -> set[int]:
    """The positions inside runs of WORD_RUN or more letters of one case: likely words."""
    positions: set[int] = set()
    start = 0
    while start < len(value):
        end = start
        while (
            end < len(value)
            and value[end].isascii()
            and value[end].isalpha()
            and value[end].islower() == value[start].islower()
        ):
            end += 1
        if end - start >= WORD_RUN:
            positions.update(range(start, end))
        start = max(end, start + 1)
    return positions


def pattern_bits(value: str) -> float:
    """A second estimate that discounts what a guesser tries first.

    A character continuing a run ("abc", "aaa", "2468") or a three-character piece seen earlier
    counts nothing; a character inside a word counts WORD_BITS; any other counts the bits of the
    characters' kinds. So "abcdefghijklmnopqrstuvwxyzABCDEF" is about 4 bits and
    "changeme-readiness-secret-key-2026!" about 96, while secrets.token_urlsafe(48) never fell
    below 200 in 20,000 tries.
    """
    if not value:
        return 0.0
    full = math.log2(character_pool(value))
    words = set() if character_pool(value) == 16 else word_positions(value)
    bits = 0.0
    for i, char in enumerate(value):
        if i >= 2:
            step = ord(char) - ord(value[i - 1])
            if step == ord(value[i - 1]) - ord(value[i - 2]) and abs(step) <= 2:
                continue
        if i >= 3 and value[i - 2 : i + 1] in value[: i - 1]:
            continue
        bits += min(full, WORD_BITS) if i in words else full
    return bits


def is_strong_secret(value) -> bool:
    value = str(value or "")
    return (
        len(value) >= MIN_SECRET_LENGTH
        and secret_bits(value) >= MIN_SECRET_BITS
        and pattern_bits(value) >= MIN_PATTERN_BITS
    )


def weak_data_keys(value) -> bool:
    """True when a data key is made of a few repeated bytes (all zeros, say).

    A key of the wrong length is refused later, by the keyring, with its own message.
    """
    items = value.split(",") if isinstance(value, str) else list(value or [])
    for item in (str(item).strip() for item in items):
        if not item:
            continue
        try:
            raw = base64.urlsafe_b64decode(item.encode())
        except (binascii.Error, ValueError):
            continue
        if len(set(raw)) < MIN_DATA_KEY_DISTINCT_BYTES:
            return True
    return False


def rate_limit_problems(config) -> list[str]:
    """Limits off, or counted per process, let one client try codes and passwords freely."""
    if str(config.get("RATELIMIT_ENABLED", True)).lower() in ("false", "0", "no", "off"):
        return [
            "READINESS_RATELIMIT_ENABLED=false turns off the limits on codes, passwords and "
            "API keys; it is for benchmarks only."
        ]
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://"):
        return [
            "READINESS_RATELIMIT_STORAGE_URI=memory:// counts in each worker process apart, so "
            "every gunicorn worker (and every host) multiplies the limits; use database:// or "
            "redis://host:6379/0."
        ]
    return []


def turn_problems(config) -> list[str]:
    """A weak TURN secret lets anyone mint credentials for our relay, for as long as they like."""
    problems = []
    secret = config.get("TURN_SECRET")
    if (secret or config.get("TURN_URLS")) and not is_strong_secret(secret):
        problems.append(
            "READINESS_TURN_SECRET (coturn's static-auth-secret) must be a random value of at "
            "least 32 characters."
        )
    try:
        lifetime = float(config.get("TURN_CREDENTIAL_SECONDS") or 0)
    except (TypeError, ValueError):
        lifetime = math.inf
    if not 0 < lifetime <= MAX_TURN_CREDENTIAL_SECONDS:
        problems.append(
            f"READINESS_TURN_CREDENTIAL_SECONDS must be between 1 and "
            f"{MAX_TURN_CREDENTIAL_SECONDS} (credentials are fetched just before each check)."
        )
    return problems


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
    issuer = config.get("OIDC_ISSUER")
    if issuer and urlsplit(str(issuer)).scheme != "https":
        problems.append("READINESS_OIDC_ISSUER must be an https:// address.")
    webhook_url = config.get("SCHEDULING_WEBHOOK_URL")
    if webhook_url and urlsplit(str(webhook_url)).scheme != "https":
        problems.append("READINESS_SCHEDULING_WEBHOOK_URL must be an https:// address.")
    if weak_data_keys(config.get("DATA_KEYS")):
        problems.append(
            "READINESS_DATA_KEYS holds a key that is not random (all zeros, or a few repeated "
            'bytes); make each with: python -c "import base64, os; '
            'print(base64.urlsafe_b64encode(os.urandom(32)).decode())".'
        )
    problems += rate_limit_problems(config)
    problems += turn_problems(config)
    if insecure_probes(config.get("PLATFORM_PROBES") or ()):
        problems.append("READINESS_PLATFORM_PROBES must be https:// addresses.")
    return problems


def finish_config(config, instance_path: str) -> None:
    """Derive the settings that depend on others, and refuse an unsafe production start."""
    env = str(config.get("ENV", "")).lower()
    if env not in ENVIRONMENTS:
        raise RuntimeError(
            f"READINESS_ENV must be one of {', '.join(ENVIRONMENTS)}; "
            f"{str(config.get('ENV'))[:40]!r} is not known."
        )
    try:
        config["PLATFORM_PROBES"] = parse_probes(config.get("PLATFORM_PROBES"))
    except (PlatformProbeError, ValueError) as error:
        raise RuntimeError(str(error)) from None
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

    finish_sign_in_config(config, production)

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


def finish_sign_in_config(config, production: bool) -> None:
    """Two-factor's default by environment; refuse sign-in settings that mean nothing."""
    if config.get("REQUIRE_TOTP") in (None, ""):
        config["REQUIRE_TOTP"] = "admin" if production else "off"
    if str(config["REQUIRE_TOTP"]).lower() not in ("admin", "all", "off"):
        raise RuntimeError("READINESS_REQUIRE_TOTP must be admin, all or off.")
    config["REQUIRE_TOTP"] = str(config["REQUIRE_TOTP"]).lower()
    config["LOCAL_SIGN_IN"] = str(config.get("LOCAL_SIGN_IN", "on")).lower()
    if config["LOCAL_SIGN_IN"] not in ("on", "off"):
        raise RuntimeError("READINESS_LOCAL_SIGN_IN must be on or off.")
    if config.get("OIDC_ISSUER"):
        from .auth.oidc import parse_role_map

        needed = ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP")  # a confidential client
        missing = [name for name in needed if not config.get(name)]
        if missing:
            raise RuntimeError(
                "Single sign-on (READINESS_OIDC_ISSUER) also needs "
                + " and ".join(f"READINESS_{name}" for name in missing)
                + "."
            )
        try:
            parse_role_map(str(config["OIDC_ROLE_MAP"]))
        except ValueError as error:
            raise RuntimeError(f"READINESS_OIDC_ROLE_MAP: {error}") from None
    elif config["LOCAL_SIGN_IN"] == "off":
        raise RuntimeError("READINESS_LOCAL_SIGN_IN=off needs single sign-on (OIDC_ISSUER).")


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
