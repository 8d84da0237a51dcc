"""Webhook signatures: what the receiver recomputes, and what it must refuse."""

from readiness.handoff.signing import signature, signature_v2, verify, verify_v2

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


DELIVERY = "6f1c2a9e-0000-4000-8000-000000000001"


def test_signature_v2_covers_the_delivery_and_the_event_as_in_the_readme():
    # printf '%s\n%s\n%s\n%s' 1795824000 <delivery> check.completed '<body>'
    #   | openssl dgst -sha256 -hmac whsec_made_up_for_the_example
    assert signature_v2(SECRET, 1795824000, DELIVERY, "check.completed", BODY) == (
        "sha256=0f6a0ceddeba1a89d83bf9a652da939c80fb8b4e6e171604a95cbf5d54d3b0ed"
    )


def test_signature_v2_refuses_a_changed_delivery_event_or_body():
    headers = {
        "X-Readiness-Timestamp": "1795824000",
        "X-Readiness-Delivery": DELIVERY,
        "X-Readiness-Event": "check.completed",
        "X-Readiness-Signature-V2": signature_v2(
            SECRET, 1795824000, DELIVERY, "check.completed", BODY
        ),
    }
    assert verify_v2(SECRET, headers, BODY, now=1795824010)
    for name, value in [
        ("X-Readiness-Delivery", "00000000-0000-4000-8000-000000000000"),
        ("X-Readiness-Event", "check.erased"),
        ("X-Readiness-Timestamp", "1795824001"),
        ("X-Readiness-Signature-V2", ""),
    ]:
        assert not verify_v2(SECRET, {**headers, name: value}, BODY, now=1795824010)
    assert not verify_v2(SECRET, headers, BODY + b" ", now=1795824010)
    # The event cannot borrow the start of the body: no field may hold the separator.
    moved = {**headers, "X-Readiness-Event": "check"}
    assert not verify_v2(SECRET, moved, b"completed\n" + BODY, now=1795824010)
    assert not verify_v2(SECRET, headers, BODY, now=1795824000 + 301)
