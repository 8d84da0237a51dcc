"""The page states of "the verdict, proven" pass axe in both languages, in Chromium: the phone
visit path (summary, consent, contact, read-back), a connection with no route to our media
server, and the staff banner when our own media path looks broken."""

import pytest

from readiness.extensions import db
from readiness.models import Check, ConnectionResult
from readiness.patient.session_check import start_check
from tests.conftest import STAFF_PASSWORD
from tests.support.records import add_invitation, add_results

pytestmark = pytest.mark.browser

WORDS = {
    "en": {
        "consent": "Your visit will probably be by phone. If video becomes possible",
        "agree": "Yes, I agree to have my visit by video",
        "save_answer": "Save my answer",
        "backup": "Phone number where we can call you for the visit",
        "continue": "Continue",
        "text": "By phone call",
        "english": "English",
        "limits": "Video calls can usually still get through on a slower route",
        "banner": "Our media server may be unreachable",
    },
    "fr": {
        "consent": "Votre consultation se fera probablement par téléphone. Si la vidéo devient",
        "agree": "Oui, j’accepte que ma consultation se fasse par vidéo",
        "save_answer": "Enregistrer ma réponse",
        "backup": "Numéro où nous pouvons vous appeler pour la consultation",
        "continue": "Continuer",
        "text": "Par appel téléphonique",
        "english": "Anglais",
        "limits": "Les appels vidéo passent généralement quand même par une voie plus lente",
        "banner": "Notre serveur média est peut-être injoignable",
    },
}


def open_check(app, page, lang) -> str:
    with app.app_context():
        _, token = add_invitation(language=lang)
        db.session.commit()
    page.goto(f"/{lang}/i/{token}")
    page.get_by_test_id("start-check").click()
    page.goto(f"/{lang}/check")
    return page.get_by_test_id("reference-code").inner_text().replace("-", "")


def the_check(code) -> Check:
    return db.session.scalar(db.select(Check).where(Check.reference_code == code))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_phone_visit_path_speaks_of_a_phone_visit_and_passes_axe(
    app, browser_page, assert_accessible, lang
):
    words, page = WORDS[lang], browser_page
    code = open_check(app, page, lang)
    with app.app_context():
        add_results(the_check(code), camera="skipped")
        db.session.commit()
    page.goto(f"/{lang}/check/summary")
    assert page.get_by_test_id("overall-verdict").get_attribute("data-verdict") == "not_ready"
    assert "HD" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=words["continue"], exact=True).click()
    assert words["consent"] in page.get_by_test_id("consent-phone-visit").inner_text()
    assert_accessible(page)
    page.get_by_label(words["agree"]).check()
    page.get_by_role("button", name=words["save_answer"]).click()
    page.get_by_test_id("contact-phone-visit").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name=words["continue"]).click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.get_by_label(words["backup"]).fill("613 555 0142")
    page.get_by_label(words["english"]).check()
    page.get_by_label(words["text"]).check()
    page.get_by_role("button", name=words["continue"]).click()
    assert words["backup"] in page.get_by_test_id("contact-review").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_route_to_our_media_server_reads_as_video_with_limits_and_passes_axe(
    app, browser_page, assert_accessible, lang
):
    words, page = WORDS[lang], browser_page
    code = open_check(app, page, lang)
    with app.app_context():
        check = the_check(code)
        add_results(check)
        db.session.flush()
        result = check.connection_results[-1]
        result.media_route, result.verdict = "none", "limited"
        result.reasons = ["media_unreachable"]
        db.session.commit()
    page.goto(f"/{lang}/check/connection")
    result = page.get_by_test_id("connection-result")
    assert result.get_attribute("data-media-route") == "none"
    assert result.get_attribute("data-verdict") == "limited"
    assert words["limits"] in page.get_by_test_id("connection-advice").inner_text()
    assert_accessible(page)
    page.goto(f"/{lang}/check/summary")
    assert page.get_by_test_id("overall-verdict").get_attribute("data-verdict") == "limited"
    assert_accessible(page)


def routeless_checks(app, count=10, networks=3) -> None:
    with app.app_context():
        check = start_check("en")
        for number in range(count):
            db.session.add(
                ConnectionResult(
                    check=check, verdict="limited", reasons=["media_unreachable"],
                    media_route="none", media_network=f"{number % networks:064x}",
                )
            )  # fmt: skip
        db.session.commit()


def sign_in(page, make_staff, role) -> None:
    user = make_staff(role, email=f"{role}-banner@example.org")
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("role", ["admin", "desk"])
def test_the_media_path_banner_passes_axe_in_both_languages(
    app, browser_page, assert_accessible, make_staff, role
):
    page = browser_page
    routeless_checks(app)
    sign_in(page, make_staff, role)
    page.goto(f"/{role}/")
    for lang in ("en", "fr"):
        if lang == "fr":
            page.get_by_role("link", name="Français").click()
            page.wait_for_load_state()
        banner = page.get_by_test_id("media-path-banner")
        assert WORDS[lang]["banner"] in banner.inner_text()
        assert_accessible(page)
