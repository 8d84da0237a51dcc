"""Checking and normalising contact details. Pure: returns values or error codes."""

import phonenumbers
from email_validator import EmailNotValidError, validate_email

CONTACT_METHODS = ("email", "sms", "phone")
# Premium-rate area codes of the North American plan: a call there is billed to the caller.
PREMIUM_AREA_CODES = ("900", "976")
MASK = "\u2022\u2022\u2022"


def is_premium_rate(number: phonenumbers.PhoneNumber) -> bool:
    national = phonenumbers.national_significant_number(number)
    if number.country_code == 1 and national[:3] in PREMIUM_AREA_CODES:
        return True
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.PREMIUM_RATE


def parse_email(text: str) -> tuple[str | None, str | None]:
    """(normalised email, None) or (None, error code). No network look-up."""
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        return validate_email(text, check_deliverability=False).normalized, None
    except EmailNotValidError:
        return None, "email_invalid"


def parse_phone(text: str, region: str) -> tuple[str | None, str | None]:
    """(E.164 number, None) or (None, error code); a number without country code is in region."""
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, "phone_unreadable"
    if is_premium_rate(number):
        return None, "phone_premium"
    if not phonenumbers.is_valid_number(number):
        return None, "phone_invalid"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def national_format(e164: str | None, region: str, language: str = "en") -> str:
    """A number of the institution's region as each language writes it, others in full.

    English: (514) 555-0123, 1-800-555-0199. French (OQLF): 514 555-0123, 1 800 555-0199, with
    non-breaking spaces. A number from elsewhere: +33 1 23 45 67 89. Text that is not a number
    is returned as it is.
    """
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region.upper())
    except phonenumbers.NumberParseException:
        return e164
    # The whole North American plan is dialled alike (a 1-800 number is "US" to phonenumbers).
    if number.country_code != phonenumbers.country_code_for_region(region.upper()):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    digits = phonenumbers.national_significant_number(number)
    if number.country_code != 1 or len(digits) != 10:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    toll_free = phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.TOLL_FREE
    if language == "fr":
        local = f"{area}\u00a0{exchange}-{line}"
        return f"1\u00a0{local}" if toll_free else local
    return f"1-{area}-{exchange}-{line}" if toll_free else f"({area}) {exchange}-{line}"


def check_contact_details(typed: dict, region: str) -> tuple[dict, dict[str, str]]:
    """The contact form's rules, for the patient's form and the support desk's alike.

    typed: email, mobile, backup, preferred_language, preferred_contact as entered.
    Returns (values, errors): values normalised (email, E.164 numbers), errors by field name as
    codes (email_invalid, phone_unreadable, phone_invalid, phone_premium, email_needed,
    mobile_needed).
    """
    values, errors = {}, {}
    values["email"], error = parse_email(typed.get("email"))
    if error:
        errors["email"] = error
    for name in ("mobile", "backup"):
        values[name], error = parse_phone(typed.get(name), region)
        if error:
            errors[name] = error
    method = typed.get("preferred_contact")
    if method == "email" and not values["email"] and "email" not in errors:
        errors["email"] = "email_needed"
    if method == "sms" and not values["mobile"] and "mobile" not in errors:
        errors["mobile"] = "mobile_needed"
    values["preferred_language"] = typed.get("preferred_language")
    values["preferred_contact"] = method
    return values, errors


def form_values(saved, region: str) -> dict:
    """Saved contact details (a ContactDetails row) as the contact forms show them."""
    return {
        "email": saved.email or "",
        "mobile": national_format(saved.mobile_e164, region),
        "backup": national_format(saved.backup_e164, region),
        "preferred_language": saved.preferred_language,
        "preferred_contact": saved.preferred_contact,
    }


def mask_email(email: str | None) -> str:
    """a\u2022\u2022\u2022@example.org: enough to recognise one's own, not to read someone's."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}{MASK}@{domain}"


def mask_phone(e164: str | None) -> str:
    """\u2022\u2022\u2022 \u2022\u2022\u2022 0123: the last four digits only."""
    if not e164:
        return ""
    return f"{MASK} {MASK} {e164[-4:]}"
