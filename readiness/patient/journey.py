"""The order of the patient's check. Each step is a page of the patient blueprint."""

from flask import current_app, url_for

STEPS = (
    ("connection", "patient.connection"),
    ("devices", "patient.devices"),
    ("setting", "patient.setting"),
    ("summary", "patient.summary"),
    ("consent", "patient.consent"),
    ("contact", "patient.contact"),
    ("done", "patient.done"),
)

STEP_NAMES = tuple(name for name, _ in STEPS)


def endpoint_for(step: str) -> str:
    return dict(STEPS)[step]


def next_step(step: str) -> str | None:
    index = STEP_NAMES.index(step)
    return STEP_NAMES[index + 1] if index + 1 < len(STEP_NAMES) else None


def previous_step(step: str) -> str | None:
    index = STEP_NAMES.index(step)
    return STEP_NAMES[index - 1] if index > 0 else None


def step_url(step: str) -> str:
    """The URL of a step; the check's own page while a step's page does not exist."""
    endpoint = endpoint_for(step)
    if endpoint in current_app.view_functions:
        return url_for(endpoint)
    return url_for("patient.check")
