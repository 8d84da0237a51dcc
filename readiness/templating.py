"""What every template may use, registered once: the product's words and a few filters.

Templates compare with the vocabulary's members (``verdict == Verdict.READY``) rather than
spelling the strings, and turn codes into what people read with ``| display_code`` and
``| reason_label``; views no longer pass these one by one.
"""

from flask import current_app

from . import vocabulary
from .checks.codes import display_code
from .checks.reason_labels import device_label, device_names, label
from .connection.expectation import audio_label, video_label
from .connection.media_health import SUSPECT, media_path_health
from .extensions import db
from .handoff.event_labels import label as event_label
from .notify.status_words import message_status

WORDS = (
    vocabulary.Verdict,
    vocabulary.ConsentDecision,
    vocabulary.ConsentMethod,
    vocabulary.DeviceKind,
    vocabulary.DeviceStatus,
    vocabulary.Outcome,
    vocabulary.Role,
    vocabulary.VisitChoice,
)


def media_path_suspect() -> bool:
    """Staff pages' banner: our own media path looks broken (readiness.connection.media_health)."""
    return media_path_health(db.session, current_app.config["MEDIA_HEALTH_CHECKS"]) == SUSPECT


def init_app(app) -> None:
    app.jinja_env.filters.update(
        display_code=display_code, reason_label=label, event_label=event_label
    )
    app.jinja_env.globals.update(
        device_label=device_label,
        device_names=device_names,
        video_label=video_label,
        audio_label=audio_label,
        message_status=message_status,
        media_path_suspect=media_path_suspect,
    )
    app.jinja_env.globals.update({words.__name__: words for words in WORDS})
