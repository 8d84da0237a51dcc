"""The setting step: the patient's own checklist about where they will be for the visit."""

from flask import redirect, render_template, url_for

from ..checks import state
from ..devices.help import SETTING_ADVICE_FOR, setting_advice
from ..devices.instructions import SETTING_ADVICE
from ..extensions import db
from ..models import SettingAnswers
from . import bp
from .connection_media import media_settings
from .forms import SettingForm
from .journey import step_url
from .session_check import check_required, seen

QUESTIONS = tuple(SETTING_ADVICE_FOR)


def as_answers(row: SettingAnswers | None) -> dict[str, bool | None]:
    return {name: getattr(row, name) for name in QUESTIONS} if row else {}


@bp.route("/check/setting", methods=["GET", "POST"])
@check_required
def setting(check):
    form = SettingForm()
    if form.validate_on_submit():
        answers = {name: form[name].data == "yes" for name in QUESTIONS}
        db.session.add(SettingAnswers(check=check, **answers))
        check.step = "setting"
        seen(check)
        db.session.commit()
        if not setting_advice(answers):
            return redirect(url_for("patient.summary"))
        return redirect(url_for("patient.setting", _anchor="advice"))
    saved = as_answers(state.latest_setting(check))
    if not form.is_submitted():
        for name, value in saved.items():
            if value is not None:
                form[name].data = "yes" if value else "no"
    advice = [str(SETTING_ADVICE[key]) for key in setting_advice(saved)] if saved else []
    status = 400 if form.errors else 200
    return render_template(
        "patient/setting.html",
        form=form,
        advice=advice if not form.errors else [],
        answered=bool(saved),
        back_url=step_url("devices"),
        next_url=url_for("patient.summary"),
        media_check=media_settings(check),
    ), status
