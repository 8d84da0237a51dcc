"""Reading what the scheduling module sends: each reader returns a clean value or raises
InvalidInput naming the field. Pure: no Flask."""

import base64
import binascii
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..checks.clean_text import unsafe_characters
from ..checks.contacts import parse_email, parse_phone
from ..models import LANGUAGES
from .errors import InvalidInput

MAX_ROW_ID = 2**63 - 1  # the largest BIGINT, in SQLite and PostgreSQL alike


def text(body: dict, field: str, *, required: bool, max_length: int) -> str | None:
    value = body.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        if not required and value == "":
            return None
        raise InvalidInput(field, f"{field} must be a non-empty string.")
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput(field, f"{field} must have at most {max_length} characters.")
    if unsafe_characters(value):
        raise InvalidInput(
            field,
            f"{field} must be one line, without control characters or bidirectional controls.",
        )
    return value


def moment(value, field: str, *, status: int = 422) -> datetime:
    """An ISO 8601 date and time with an offset (or Z), as an aware UTC datetime."""
    code = "invalid_field" if status == 422 else "invalid_parameter"
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, f"{field} must be an ISO 8601 date and time.", status, code)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            field, f"{field} must be an ISO 8601 date and time.", status, code
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InvalidInput(
            field, f"{field} needs a UTC offset, e.g. 2026-12-01T14:30:00-05:00.", status, code
        )
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(field, f"{field} is out of range.", status, code) from None


def invitation_request(body, region: str) -> dict:
    """The fields of POST /invitations, checked and normalised."""
    if not isinstance(body, dict):
        raise InvalidInput("body", "The body must be a JSON object.", 400, "invalid_json")
    values = {
        "appointment_ref": text(body, "appointment_ref", required=True, max_length=100),
        "appointment_at": moment(body.get("appointment_at"), "appointment_at"),
    }
    language = body.get("language")
    if language not in LANGUAGES:
        raise InvalidInput("language", 'language must be "en" or "fr".')
    values["language"] = language
    values["first_name"] = text(body, "first_name", required=False, max_length=100)
    email = body.get("email")
    if email is not None and not isinstance(email, str):
        raise InvalidInput("email", "email must be a string.")
    values["email"], error = parse_email(email or "")
    if error:
        raise InvalidInput("email", "email is not a valid email address.")
    phone = body.get("phone")
    if phone is not None and not isinstance(phone, str):
        raise InvalidInput("phone", "phone must be a string.")
    values["phone_e164"], error = parse_phone(phone or "", region)
    if error:
        if error == "phone_premium":
            raise InvalidInput("phone", "phone is a premium-rate number (900, 976).")
        raise InvalidInput("phone", "phone is not a valid phone number.")
    values["time_zone"] = time_zone(body.get("time_zone"))
    values["send"] = send_channels(body.get("send"), values)
    return values


def time_zone(value) -> str | None:
    """An IANA zone such as America/Vancouver, or None for the institution's."""
    if value is None:
        return None
    problem = InvalidInput("time_zone", "time_zone must be an IANA zone, e.g. America/Vancouver.")
    if not isinstance(value, str) or not 0 < len(value) <= 64 or value.startswith(("/", ".")):
        raise problem
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise problem from None
    return value


SEND_CHANNELS = {"email": "email", "sms": "phone_e164"}


def send_channels(value, values: dict) -> list[str]:
    """`send`: the channels the service should use itself, each with its address given."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(word, str) for word in value):
        raise InvalidInput("send", 'send must be a list of "email" and "sms".')
    for word in value:
        if word not in SEND_CHANNELS:
            raise InvalidInput("send", 'send must be a list of "email" and "sms".')
        if not values.get(SEND_CHANNELS[word]):
            field = "email" if word == "email" else "phone"
            raise InvalidInput("send", f'send has "{word}" but no {field} was given.')
    return sorted(set(value))


def page_size(value: str | None, default: int) -> int:
    if value is None:
        return default
    # ASCII digits only: "²".isdigit() is true, and int() refuses it.
    if not (value.isascii() and value.isdigit() and len(value) <= 3) or not 1 <= int(value) <= 100:
        raise InvalidInput(
            "limit", "limit must be a whole number from 1 to 100.", 400, "invalid_parameter"
        )
    return int(value)


def encode_cursor(updated_at: datetime, row_id: int) -> str:
    raw = f"{updated_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> tuple[datetime, int]:
    problem = InvalidInput(
        "cursor", "cursor must be a next_cursor from an earlier page.", 400, "invalid_parameter"
    )
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, row_id = raw.split("|")
        parsed = datetime.fromisoformat(at)
        if parsed.tzinfo is None or not (row_id.isascii() and row_id.isdigit()):
            raise ValueError
        if not 0 < int(row_id) <= MAX_ROW_ID:
            raise ValueError
        return parsed.astimezone(UTC), int(row_id)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise problem from None
