from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code given by the support desk"),
        description=_l("6 letters and numbers, for example K7P-4QX."),
        validators=[DataRequired(_l("Enter the code the support desk gave you.")), Length(max=20)],
    )


class StartForm(FlaskForm):
    """No fields: the button that starts a check, protected against cross-site posts."""
