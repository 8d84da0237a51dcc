"""Small structural fixes from the third French review, each checked where it shows."""

from flask_babel import force_locale

from readiness.checks import reasons
from readiness.checks.reason_labels import device_label


def test_not_found_names_the_one_device_it_is_about(app):
    with app.test_request_context(), force_locale("fr_CA"):
        assert device_label("microphone", "fail", reasons.DEVICE_NOT_FOUND) == (
            "Aucun micro n’a été trouvé."
        )
        assert device_label("camera", "fail", reasons.DEVICE_NOT_FOUND) == (
            "Aucune caméra n’a été trouvée."
        )
        assert device_label("camera", "skipped", reasons.DEVICE_NOT_FOUND) == (
            "Aucune caméra sur cet appareil."
        )
