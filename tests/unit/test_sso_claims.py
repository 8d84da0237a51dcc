"""What a provider's verified claims make of a person (readiness.auth.oidc), and the settings."""

import pytest

from readiness.auth.oidc import (
    Person,
    Refusal,
    Refused,
    decide,
    parse_domains,
    parse_role_map,
    role_for,
)
from readiness.config import finish_sign_in_config

ROLE_MAP = parse_role_map(
    "readiness-admins:admin, readiness-clinicians:clinician,readiness-desk:desk"
)


def claims(**changes) -> dict:
    return {
        "sub": "s-1",
        "email": "Ana@Example.org",
        "name": "Ana",
        "groups": ["readiness-desk"],
    } | changes


def test_role_map_keeps_its_order_and_refuses_unknown_roles():
    assert ROLE_MAP[0] == ("readiness-admins", "admin")
    with pytest.raises(ValueError, match="not a role"):
        parse_role_map("readiness-desk:superuser")
    with pytest.raises(ValueError, match="group:role"):
        parse_role_map("readiness-desk")
    with pytest.raises(ValueError):
        parse_role_map(" , ")


def test_group_names_with_colons_keep_them():
    assert parse_role_map("urn:group:desk:desk") == [("urn:group:desk", "desk")]


def test_first_role_in_the_map_wins_for_a_person_in_several_groups():
    held = claims(groups=["readiness-desk", "readiness-clinicians"])
    assert role_for(held, "groups", ROLE_MAP) == "clinician"


def test_role_claim_may_be_a_single_string():
    assert role_for({"roles": "readiness-admins"}, "roles", ROLE_MAP) == "admin"
    assert role_for({"roles": 7}, "roles", ROLE_MAP) is None


def test_person_with_a_mapped_group_is_let_in_with_a_lowercase_email():
    assert decide(claims(), role_claim="groups", role_map=ROLE_MAP, domains=set()) == Person(
        subject="s-1", email="ana@example.org", name="Ana", role="desk"
    )


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"groups": ["other"]}, Refusal.UNKNOWN_ROLE),
        ({"groups": None}, Refusal.UNKNOWN_ROLE),
        ({"email": "ana@elsewhere.example"}, Refusal.WRONG_DOMAIN),
        ({"email": None}, Refusal.NO_EMAIL),
        ({"email_verified": False}, Refusal.NO_EMAIL),
        ({"sub": ""}, Refusal.BAD_TOKEN),
    ],
)
def test_refusals_say_why(changes, reason):
    outcome = decide(
        claims(**changes), role_claim="groups", role_map=ROLE_MAP, domains={"example.org"}
    )
    assert isinstance(outcome, Refused) and outcome.reason == reason


def test_entra_sign_in_name_stands_in_for_a_missing_email():
    outcome = decide(
        claims(email=None, preferred_username="ana@example.org"),
        role_claim="groups",
        role_map=ROLE_MAP,
        domains=parse_domains("@Example.org"),
    )
    assert isinstance(outcome, Person) and outcome.email == "ana@example.org"


def test_single_sign_on_settings_are_checked_at_start():
    base = {"REQUIRE_TOTP": None, "LOCAL_SIGN_IN": "on", "OIDC_CLIENT_ID": "c"}
    with pytest.raises(RuntimeError, match="OIDC_CLIENT_SECRET and READINESS_OIDC_ROLE_MAP"):
        finish_sign_in_config(base | {"OIDC_ISSUER": "https://idp.example"}, production=False)
    base["OIDC_CLIENT_SECRET"] = "s"
    with pytest.raises(RuntimeError, match="not a role"):
        finish_sign_in_config(
            base | {"OIDC_ISSUER": "https://idp.example", "OIDC_ROLE_MAP": "g:root"},
            production=False,
        )
    with pytest.raises(RuntimeError, match="LOCAL_SIGN_IN=off"):
        finish_sign_in_config(base | {"OIDC_ISSUER": "", "LOCAL_SIGN_IN": "off"}, production=False)


def test_production_refuses_a_provider_over_plain_http():
    from readiness.config import production_problems

    strong = "Vq3-p8LmZr0tX1wYb7cN4sK9dF2gH6jQe5uA"
    problems = production_problems({"SECRET_KEY": strong, "OIDC_ISSUER": "http://idp.example"})
    assert "READINESS_OIDC_ISSUER must be an https:// address." in problems
    problems = production_problems({"SECRET_KEY": strong, "OIDC_ISSUER": "https://idp.example"})
    assert not [problem for problem in problems if "OIDC" in problem]
