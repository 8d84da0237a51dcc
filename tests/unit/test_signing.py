"""Webhook signatures: what the receiver recomputes, and what it must refuse."""

from readiness.handoff.signing import signature, verify

SECRET = "whsec_made_up_for_the_example"
BODY = b'{"delivery_id":"6f1c2a9e-0000-4000-8000-000000000001","event":"check.completed"}'


def test_signature_is_the_hex_hmac_sha256_of_timestamp_dot_body():
    # Computed independently, as in README.md's worked example:
    # printf '%s' '1795824000.<body>' | openssl dgst -sha256 -hmac whsec_made_up_for_the_example
    assert signature(SECRET, 1795824000, BODY) == (
        "sha256=e500c4b4dccdfbd9f56ae835499d5e04c720c06b97a40601157794e0bd2e9c62"
    )


def test_a_fresh_untouched_message_verifies():
    given = signature(SECRET, 1795824000, BODY)
    assert verify(SECRET, "1795824000", BODY, given, now=1795824010)


def test_a_changed_body_a_wrong_secret_or_a_moved_timestamp_does_not_verify():
    given = signature(SECRET, 1795824000, BODY)
    assert not verify(SECRET, "1795824000", BODY + b" ", given, now=1795824000)
    assert not verify("another secret", "1795824000", BODY, given, now=1795824000)
    assert not verify(SECRET, "1795824001", BODY, given, now=1795824000)
    assert not verify(SECRET, "not a number", BODY, given, now=1795824000)
    assert not verify(SECRET, "1795824000", BODY, "", now=1795824000)


def test_an_old_message_replayed_later_is_refused():
    given = signature(SECRET, 1795824000, BODY)
    assert not verify(SECRET, "1795824000", BODY, given, now=1795824000 + 301)
    assert verify(SECRET, "1795824000", BODY, given, now=1795824000 + 301, tolerance_seconds=600)
