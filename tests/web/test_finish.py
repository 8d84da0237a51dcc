"""The end of the patient's journey: summary, consent, contact details, confirmation."""

import pytest

from readiness.checks.consent import consent_text
from readiness.extensions import db
from readiness.models import Check, ConsentRecord, ContactDetails
from tests.support.records import add_results

GOOD_CONTACT = {
    "email": "marie.tremblay@example.org",
    "mobile": "514 555-0123",
    "backup": "(613) 555-0142",
    "preferred_language": "fr",
    "preferred_contact": "sms",
}


@pytest.fixture
def started(app, client):
    """A patient whose connection, devices and setting are done; returns a reader of the check."""
    client.post("/en/check/new")

    def current(**results):
        with app.app_context():
            check = db.session.scalar(db.select(Check))
            if results is not None and results.get("add", True):
                add_results(check, **{k: v for k, v in results.items() if k != "add"})
                db.session.commit()
            return check.id

    return current


def stored(app, model):
    with app.app_context():
        return db.session.scalars(db.select(model)).all()


def sha(lang):
    return consent_text({}, lang).sha256


def agree(client, lang="en"):
    client.post(f"/{lang}/check/consent", data={"decision": "agreed", "text_sha256": sha(lang)})


def test_summary_gives_the_overall_verdict_in_words(client, started):
    started(connection="limited")
    page = client.get("/en/check/summary").text
    assert 'data-verdict="limited"' in page
    assert "Video visit possible, with limits" in page
    assert "The download speed is too low for video." in page
    assert "1-800-555-0199" in page


def test_summary_lists_the_parts_not_done_yet(client, started):
    started(add=False)
    page = client.get("/fr/check/summary").text
    assert "Étapes à faire" in page
    assert "Tester votre connexion" in page


def test_agreeing_records_the_exact_text_version_language_and_method(app, client, started):
    started()
    page = client.get("/fr/check/consent").text
    assert "La consultation n’est pas enregistrée." in page
    response = client.post(
        "/fr/check/consent", data={"decision": "agreed", "text_sha256": sha("fr")}
    )
    assert response.headers["Location"] == "/fr/check/contact"
    (record,) = stored(app, ConsentRecord)
    assert (record.decision, record.language, record.method) == ("agreed", "fr", "online")
    assert record.text_sha256 == sha("fr")
    assert record.text_version == consent_text({}, "fr").version
    assert record.given_at is not None


def test_consent_needs_an_answer(app, client, started):
    started()
    response = client.post("/en/check/consent", data={"text_sha256": sha("en")})
    assert response.status_code == 400
    assert "Choose whether you agree to a video visit." in response.text
    assert stored(app, ConsentRecord) == []


def test_consent_text_changed_while_open_is_shown_again_and_not_recorded(app, client, started):
    started()
    response = client.post(
        "/en/check/consent", data={"decision": "agreed", "text_sha256": "0" * 64}
    )
    assert response.status_code == 400
    assert "The consent text was updated while the page was open." in response.text
    assert stored(app, ConsentRecord) == []


def test_going_back_to_consent_shows_the_earlier_answer(client, started):
    started()
    client.post("/en/check/consent", data={"decision": "declined", "text_sha256": sha("en")})
    page = client.get("/en/check/consent").text
    assert '<input checked class="radio-input" id="decision-1"' in page


def test_contact_details_are_shown_back_then_saved_in_e164(app, client, started):
    started()
    client.post("/en/check/consent", data={"decision": "agreed", "text_sha256": sha("en")})
    response = client.post("/en/check/contact", data=GOOD_CONTACT)
    assert response.headers["Location"] == "/en/check/contact/confirm"
    assert stored(app, ContactDetails) == []
    review = client.get("/en/check/contact/confirm").text
    assert "(514) 555-0123" in review and "(613) 555-0142" in review
    assert "marie.tremblay@example.org" in review
    response = client.post("/en/check/contact/confirm")
    assert response.headers["Location"] == "/en/check/done"
    (saved,) = stored(app, ContactDetails)
    assert (saved.mobile_e164, saved.backup_e164) == ("+15145550123", "+16135550142")
    assert (saved.preferred_language, saved.preferred_contact) == ("fr", "sms")


def test_changing_details_from_the_review_keeps_what_was_typed(client, started):
    started()
    agree(client)
    client.post("/en/check/contact", data=GOOD_CONTACT)
    page = client.get("/en/check/contact").text
    assert 'value="514 555-0123"' in page
    assert 'value="marie.tremblay@example.org"' in page


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"email": "marie@"}, "email", "Enter an email address like name@example.com."),
        ({"mobile": "555"}, "mobile", "This phone number is not valid."),
        ({"backup": "call me"}, "backup", "Enter a phone number with digits only"),
        ({"backup": ""}, "backup", "Enter a phone number we can call if the video stops."),
        (
            {"email": "", "preferred_contact": "email"},
            "email",
            "Enter your email, or choose another way to contact you.",
        ),
        (
            {"mobile": "", "preferred_contact": "sms"},
            "mobile",
            "Enter your mobile number, or choose another way to contact you.",
        ),
    ],
)
def test_bad_contact_details_get_specific_errors_and_keep_the_input(
    app, client, started, change, field, message
):
    started()
    agree(client)
    data = dict(GOOD_CONTACT, **change)
    response = client.post("/en/check/contact", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert f'href="#{field}"' in response.text
    kept = data["mobile"] if field != "mobile" else data["backup"]
    assert f'value="{kept}"' in response.text
    assert stored(app, ContactDetails) == []


def test_contact_errors_are_in_french_on_french_pages(client, started):
    started()
    agree(client, "fr")
    response = client.post("/fr/check/contact", data=dict(GOOD_CONTACT, email="marie@"))
    assert "Entrez une adresse courriel valide, par exemple nom@example.com." in response.text
    assert "Il y a un problème" in response.text
    # An incomplete number is « pas valide », not a number that « n’existe pas » (review 3, M13).
    response = client.post("/fr/check/contact", data=dict(GOOD_CONTACT, mobile="555"))
    assert "Ce numéro de téléphone n’est pas valide." in response.text
    assert "(par exemple 514\u00a0555-0123)" in response.text


def test_confirmation_shows_the_code_verdict_and_support_number(app, client, started):
    check_id = started()
    client.post("/en/check/consent", data={"decision": "agreed", "text_sha256": sha("en")})
    client.post("/en/check/contact", data=GOOD_CONTACT)
    client.post("/en/check/contact/confirm")
    page = client.get("/en/check/done").text
    with app.app_context():
        check = db.session.get(Check, check_id)
        assert check.verdict == "ready" and check.completed_at is not None
        code = f"{check.reference_code[:3]}-{check.reference_code[3:]}"
    assert f'data-testid="reference-code">{code}<' in page
    assert 'data-verdict="ready"' in page
    assert "1-800-555-0199" in page


def test_declining_consent_leads_to_the_phone_path_and_is_recorded(app, client, started):
    check_id = started()
    client.post("/en/check/consent", data={"decision": "declined", "text_sha256": sha("en")})
    client.post("/en/check/contact", data=dict(GOOD_CONTACT, preferred_contact="phone"))
    client.post("/en/check/contact/confirm")
    page = client.get("/en/check/done").text
    assert "You chose not to have a video visit." in page
    with app.app_context():
        check = db.session.get(Check, check_id)
        assert (check.verdict, check.outcome) == ("not_ready", "consent_declined")
        assert check.consent_records[-1].decision == "declined"


def test_done_page_before_the_end_goes_back_to_the_summary(client, started):
    started()
    assert client.get("/en/check/done").headers["Location"] == "/en/check/summary"


def test_pages_of_the_journey_need_a_check(client):
    for path in ("summary", "consent", "contact", "contact/confirm", "done"):
        assert client.get(f"/en/check/{path}").headers["Location"] == "/en/"


def test_contact_details_come_after_consent(client, started):
    started()
    assert client.get("/en/check/contact").headers["Location"] == "/en/check/consent"


def test_consent_comes_after_every_part_of_the_check(client, started):
    started(add=False)
    assert client.get("/en/check/consent").headers["Location"] == "/en/check/summary"
    assert "Continue</a>" not in client.get("/en/check/summary").text


# One rule finishes a check, whoever finishes it.


def test_a_phone_visit_the_desk_recorded_survives_the_patients_own_confirmation(
    app, client, started, desk_client
):
    """The desk heard the caller has no suitable device; the patient then finishes online."""
    check_id = started()
    with app.app_context():
        public_id = db.session.get(Check, check_id).public_id
    assert desk_client.post(f"/desk/checks/{public_id}/outcome").status_code == 302
    agree(client)
    client.post("/en/check/contact", data=GOOD_CONTACT)
    client.post("/en/check/contact/confirm")
    with app.app_context():
        check = db.session.get(Check, check_id)
        assert (check.outcome, check.verdict) == ("no_device_phone_visit", "not_ready")


def test_the_patient_and_the_desk_finish_a_check_the_same_way(app, client, started, desk_client):
    """A check finished by the patient, then by the desk with the same answers, is unchanged."""
    check_id = started(connection="limited")
    agree(client)
    client.post("/en/check/contact", data=GOOD_CONTACT)
    client.post("/en/check/contact/confirm")
    with app.app_context():
        check = db.session.get(Check, check_id)
        finished = (check.verdict, check.verdict_reasons, check.outcome, check.completed_at)
        public_id = check.public_id
    desk_client.post(f"/desk/checks/{public_id}/contact", data=GOOD_CONTACT)
    with app.app_context():
        check = db.session.get(Check, check_id)
        assert (check.verdict, check.verdict_reasons, check.outcome, check.completed_at) == (
            finished
        )
        assert finished[:3] == ("limited", ["download_low"], None)
