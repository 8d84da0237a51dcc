"""A patient's check through a real server over HTTP(S), as a browser without JavaScript would
send it: the measurements are written to the database by the test (tests/support/records.py)."""

from readiness.checks.consent import consent_text
from readiness.extensions import db
from readiness.models import Check
from tests.support.journey import CONTACT
from tests.support.records import add_results


def finish_a_check(app, browser, lang: str = "en") -> str:
    """Start a check, add its results, consent and give contact details; returns its id."""
    public_id = start_a_check(app, browser, lang)
    give_consent_and_contact(browser, lang)
    return public_id


def start_a_check(app, browser, lang: str = "en") -> str:
    """Start a check and write its measurements; returns its id. One check at a time."""
    answer = browser.post(f"/{lang}/check/new")
    assert answer.status == 302 and "/check/connection" in answer.location, answer.status
    with app.app_context():
        check = db.session.scalars(db.select(Check).order_by(Check.id.desc())).first()
        add_results(check)
        db.session.commit()
        public_id = check.public_id
    return public_id


def give_consent_and_contact(browser, lang: str = "en") -> None:
    """The check's last steps: the summary, consent, contact details and their confirmation."""
    assert browser.get(f"/{lang}/check/summary").status == 200
    sha = consent_text({}, lang).sha256
    answer = browser.post(f"/{lang}/check/consent", {"decision": "agreed", "text_sha256": sha})
    assert answer.status == 302, answer.text[:300]
    answer = browser.post(f"/{lang}/check/contact", CONTACT)
    assert answer.status == 302, answer.text[:300]
    answer = browser.post(f"/{lang}/check/contact/confirm")
    assert answer.location.endswith("/check/done"), answer.status
