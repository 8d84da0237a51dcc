from readiness.checks.consent import DEFAULT_TEXTS, DEFAULT_VERSIONS, ConsentText, consent_text
from readiness.checks.contacts import (
    check_contact_details,
    national_format,
    parse_email,
    parse_phone,
)


def test_default_consent_text_covers_what_a_virtual_encounter_involves_in_both_languages():
    english = consent_text({}, "en").text
    for words in ("confidential", "secure", "risk", "private place", "not recorded", "phone"):
        assert words in english
    french = consent_text({}, "fr").text
    for words in ("confidentiel", "sécurisée", "risque", "endroit privé", "pas enregistrée"):
        assert words in french
    assert len(DEFAULT_TEXTS["en"]) == len(DEFAULT_TEXTS["fr"])
    assert french.endswith("vidéo\u00a0?")


def test_consent_fingerprint_changes_with_the_words_and_the_language():
    english, french = consent_text({}, "en"), consent_text({}, "fr")
    assert english.sha256 == consent_text({}, "en").sha256
    assert english.sha256 != french.sha256
    assert english.version == french.version


def test_institution_can_replace_the_consent_text_with_its_own_version():
    config = {
        "CONSENT_VERSION": "CISSS-2027-01",
        "CONSENT_TEXT_EN": "First point.\n\nDo you agree?",
    }
    text = consent_text(config, "en")
    assert text.version == "CISSS-2027-01"
    assert text.statements == ("First point.",)
    assert text.question == "Do you agree?"
    assert text.sha256 != consent_text({}, "en").sha256


def test_phone_numbers_are_stored_in_e164_and_shown_in_national_format():
    assert parse_phone("514 555-0123", "CA") == ("+15145550123", None)
    assert parse_phone("+1 (613) 555-0142", "CA") == ("+16135550142", None)
    assert parse_phone("555", "CA") == (None, "phone_invalid")
    assert parse_phone("call me", "CA") == (None, "phone_unreadable")
    assert parse_phone("", "CA") == (None, None)
    assert national_format("+15145550123", "CA") == "(514) 555-0123"
    assert national_format("+33142685300", "CA").startswith("+33 1")


def test_emails_are_checked_without_the_network():
    assert parse_email("Marie.Tremblay@Example.org") == ("Marie.Tremblay@example.org", None)
    assert parse_email("marie@") == (None, "email_invalid")
    assert parse_email("  ") == (None, None)


def test_contact_rules_normalise_what_was_typed():
    values, errors = check_contact_details(
        {
            "email": "Camille@Example.org",
            "mobile": "514 555-0123",
            "backup": "(604) 555-0142",
            "preferred_language": "fr",
            "preferred_contact": "sms",
        },
        "CA",
    )
    assert errors == {}
    assert values["mobile"] == "+15145550123"
    assert values["backup"] == "+16045550142"
    assert values["email"] == "Camille@example.org"


def test_contact_rules_name_each_problem_by_field():
    _, errors = check_contact_details(
        {"email": "not an email", "mobile": "", "backup": "555", "preferred_contact": "sms"}, "CA"
    )
    assert errors == {
        "email": "email_invalid",
        "backup": "phone_invalid",
        "mobile": "mobile_needed",
    }
    _, errors = check_contact_details({"backup": "abc", "preferred_contact": "email"}, "CA")
    assert errors == {"backup": "phone_unreadable", "email": "email_needed"}


def test_earlier_default_consent_texts_stay_on_record_word_for_word():
    """Records of 2026-11-default point at these exact words: their fingerprints never change."""
    earlier = DEFAULT_VERSIONS["2026-11-default"]
    fingerprints = {
        "en": "0e96c8146044f01ba1396f52fa587bed624f4739a1d150f2fe0a9e8d21c4fb16",
        "fr": "a046552066a37458056f9ee1fe94b26dcbe7354c518270e3b88272518f6b9058",
    }
    for language, expected in fingerprints.items():
        text = ConsentText("2026-11-default", language, earlier[language])
        assert text.sha256 == expected
    assert "Ce que vous dites" in ConsentText("2026-11-default", "fr", earlier["fr"]).text
    december = DEFAULT_VERSIONS["2026-12"]
    assert ConsentText("2026-12", "fr", december["fr"]).sha256 == (
        "6f3945c210801bf406748741790b68e415f18588d44cd337d6910e3df870dffa"
    )


def test_the_current_french_consent_covers_all_that_is_shared_not_only_what_is_said():
    french = consent_text({}, "fr")
    assert french.version == "2026-12b"
    assert "default" not in french.version
    assert "Ce que vous communiquez pendant la consultation" in french.text
    assert "Ce que vous dites" not in french.text
    assert "visite" not in french.text


def test_the_current_french_consent_defines_a_video_visit_without_repeating_itself():
    french = consent_text({}, "fr")
    assert french.paragraphs[0] == (
        "Une consultation vidéo est un rendez-vous avec votre équipe de soins qui a lieu à "
        "l’écran, plutôt qu’en personne."
    )
    assert "à la place" not in french.text
    assert "En tout temps, vous pouvez plutôt demander" in french.text
