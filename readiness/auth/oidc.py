"""Single sign-on: what a provider's verified claims make of a person. No Flask here.

The ID token itself (signature, issuer, audience, expiry, nonce) is checked by Authlib in the
callback (readiness.auth.sso_views); this module only reads claims that passed those checks:
the role from the group (or app role) claim through READINESS_OIDC_ROLE_MAP, the email against
the allowed domains, and the name.
"""

from dataclasses import dataclass
from enum import StrEnum

from ..vocabulary import Role


class Refusal(StrEnum):
    """Why a verified person is not let in (kept in the audit trail as is)."""

    UNKNOWN_ROLE = "unknown_role"
    WRONG_DOMAIN = "wrong_domain"
    NO_EMAIL = "no_email"
    BAD_TOKEN = "bad_token"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Person:
    subject: str
    email: str
    name: str | None
    role: str


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    subject: str | None
    email: str | None


def parse_role_map(setting: str) -> list[tuple[str, str]]:
    """ "group:role,group:role" as (group, role) pairs, in order; a role must be known."""
    pairs = []
    for item in setting.split(","):
        item = item.strip()
        if not item:
            continue
        group, separator, role = item.rpartition(":")
        group, role = group.strip(), role.strip()
        if not separator or not group:
            raise ValueError(f"{item!r} is not group:role")
        if role not in {str(known) for known in Role}:
            raise ValueError(f"{role!r} is not a role ({', '.join(Role)})")
        pairs.append((group, role))
    if not pairs:
        raise ValueError("no group:role pair")
    return pairs


def parse_domains(setting: str) -> set[str]:
    return {domain.strip().lower().lstrip("@") for domain in setting.split(",") if domain.strip()}


def claim_values(claims: dict, claim: str) -> set[str]:
    """A claim as a set of strings: a list (groups, roles) or one string."""
    value = claims.get(claim)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {item for item in value if isinstance(item, str)}
    return set()


def role_for(claims: dict, claim: str, role_map: list[tuple[str, str]]) -> str | None:
    """The first role in the map whose group the person has; None when none maps."""
    held = claim_values(claims, claim)
    return next((role for group, role in role_map if group in held), None)


def email_of(claims: dict) -> str | None:
    """The email claim (Entra ID may send it as preferred_username or upn instead)."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value and len(value) <= 254:
            return value.strip().lower()
    return None


def name_of(claims: dict) -> str | None:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        given, family = claims.get("given_name"), claims.get("family_name")
        name = " ".join(part for part in (given, family) if isinstance(part, str) and part)
    return name.strip()[:120] or None


def decide(
    claims: dict, *, role_claim: str, role_map: list[tuple[str, str]], domains: set[str]
) -> Person | Refused:
    """Who the verified claims describe, or why they are refused."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        return Refused(Refusal.BAD_TOKEN, None, None)
    email = email_of(claims)
    if email is None or claims.get("email_verified") is False:
        return Refused(Refusal.NO_EMAIL, subject, None)
    if domains and email.rpartition("@")[2] not in domains:
        return Refused(Refusal.WRONG_DOMAIN, subject, email)
    role = role_for(claims, role_claim, role_map)
    if role is None:
        return Refused(Refusal.UNKNOWN_ROLE, subject, email)
    return Person(subject=subject, email=email, name=name_of(claims), role=role)
