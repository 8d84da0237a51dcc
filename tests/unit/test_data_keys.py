"""The encryption of personal fields and the keyed hashes that find them, without an app."""

import pytest

from readiness.data_keys import (
    DataKeyError,
    Keyring,
    UndecryptableValue,
    new_key,
    normalise_email,
)


def test_a_value_comes_back_and_is_never_stored_as_typed():
    ring = Keyring([new_key()])
    stored = ring.encrypt("amelie.roy@example.org")
    assert "amelie" not in stored and stored.startswith(ring.newest_prefix())
    assert ring.decrypt(stored) == "amelie.roy@example.org"


def test_the_same_value_encrypts_differently_each_time():
    ring = Keyring([new_key()])
    assert ring.encrypt("+15145550123") != ring.encrypt("+15145550123")


def test_an_older_key_still_opens_what_it_sealed_and_the_newest_seals_new_values():
    old, fresh = new_key(), new_key()
    sealed_before = Keyring([old]).encrypt("note")
    ring = Keyring([fresh, old])
    assert ring.decrypt(sealed_before) == "note"
    assert ring.encrypt("note").startswith(ring.newest_prefix())
    with pytest.raises(UndecryptableValue):
        Keyring([fresh]).decrypt(sealed_before)


def test_an_altered_value_is_refused():
    ring = Keyring([new_key()])
    stored = ring.encrypt("amelie.roy@example.org")
    tampered = stored[:-6] + ("AAAAAA" if not stored.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(UndecryptableValue):
        ring.decrypt(tampered)


def test_a_value_written_before_encryption_is_read_as_is():
    assert Keyring([new_key()]).decrypt("+15145550123") == "+15145550123"


def test_blind_index_matches_the_normalised_value_under_each_key_and_reveals_nothing():
    old, fresh = new_key(), new_key()
    ring = Keyring([fresh, old])
    email = normalise_email("  Amelie.Roy@Example.org ")
    hashes = ring.blind_indexes(email)
    assert hashes[1] == Keyring([old]).blind_index(email)
    assert hashes[0] == ring.blind_index("amelie.roy@example.org")
    assert hashes[0] != hashes[1] and "amelie" not in hashes[0]


@pytest.mark.parametrize("setting", ["", "not-a-key", "c2hvcnQ="])
def test_a_missing_or_malformed_key_is_refused(setting):
    with pytest.raises(DataKeyError):
        Keyring.from_setting(setting)


def test_keys_are_read_newest_first_from_a_comma_separated_setting():
    old, fresh = new_key(), new_key()
    ring = Keyring.from_setting(f"{fresh}, {old}")
    assert ring.newest.id == Keyring([fresh]).newest.id
    assert len(ring.keys) == 2
