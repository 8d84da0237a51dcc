"""The audit trail reads in the admin's language: each action and each detail in words, on the
page and in the CSV, with the codes kept beside them in the CSV; no action goes unlabelled."""

import csv
import io
import re

from readiness.admin import audit_words
from readiness.audit import record
from readiness.extensions import db
from tests.conftest import PROJECT_ROOT


def french(admin_client, path: str):
    return admin_client.get(f"/auth/language/fr?next={path}", follow_redirects=True)


def add_entries(app):
    with app.app_context():
        record("staff.sign_in_failed", details={"address": "192.0.2.7", "why": "locked"})
        record("clinic.decision", details={"choice": "phone"})
        record("check.completed", details={"by": "patient", "verdict": "not_ready"})
        record("future.action", details={"shiny": True})
        db.session.commit()


def test_french_audit_page_shows_actions_and_details_in_french(app, admin_client):
    add_entries(app)
    page = french(admin_client, "/admin/audit")
    text = page.text
    assert "Échec d’ouverture de session" in text
    assert "Décision sur le mode de consultation" in text
    assert "Vérification terminée" in text
    assert "choix\u00a0: par téléphone" in text
    assert "par\u00a0: la personne elle-même" in text
    assert "résultat\u00a0: vidéo déconseillée" in text
    assert "motif\u00a0: compte verrouillé" in text
    assert "adresse\u00a0: 192.0.2.7" in text
    # The action filter reads in French too; no raw code is shown for a known action.
    assert ">Ouverture de session<" in text
    assert ">staff.sign_in_failed<" not in text and ">clinic.decision<" not in text
    assert '"choice"' not in text and "not_ready" not in text
    # An action this version has no words for is shown as its code, marked as such.
    assert '<code lang="en">future.action</code>' in text


def test_english_audit_page_reads_in_english(app, admin_client):
    add_entries(app)
    text = admin_client.get("/auth/language/en?next=/admin/audit", follow_redirects=True).text
    assert "Decision on how the visit happens" in text and "choice: by phone" in text


def test_french_audit_csv_has_words_and_keeps_the_codes(app, admin_client):
    add_entries(app)
    french(admin_client, "/admin/audit")
    rows = list(csv.reader(io.StringIO(admin_client.get("/admin/audit.csv").text)))
    header, body = rows[0], rows[1:]
    assert header[4] == "Action" and header[-2:] == [
        "Code de l’action",
        "Détails tels qu’enregistrés",
    ]
    decision = next(row for row in body if row[-2] == "clinic.decision")
    assert decision[4] == "Décision sur le mode de consultation"
    assert decision[6] == "choix\u00a0: par téléphone"
    assert decision[-1] == '{"choice": "phone"}'
    failed = next(row for row in body if row[-2] == "staff.sign_in_failed")
    assert failed[6] == "adresse\u00a0: 192.0.2.7\u00a0; motif\u00a0: compte verrouillé"


def test_every_action_the_code_records_has_words():
    """A new audit action needs its label in readiness/admin/audit_words.py."""
    pattern = re.compile(r'(?:record(?:_reads)?\(\s*|action=)"([a-z_]+\.[a-z_]+)"')
    recorded = set()
    for path in (PROJECT_ROOT / "readiness").rglob("*.py"):
        recorded.update(pattern.findall(path.read_text()))
    assert len(recorded) > 30
    assert sorted(recorded - set(audit_words.ACTIONS)) == []


def test_every_detail_the_code_records_has_a_name():
    """Each details={...} key in the code has words (keys built elsewhere are listed here)."""
    keys = set()
    for path in (PROJECT_ROOT / "readiness").rglob("*.py"):
        for block in re.findall(r"details=\{([^}]*)\}", path.read_text()):
            keys.update(re.findall(r'"([a-z_]+)":', block))
    keys.update({"failures", "found", "searched", "staff", "check", "action", "from", "to"})
    assert len(keys) > 20
    assert sorted(keys - set(audit_words.FIELDS)) == []
