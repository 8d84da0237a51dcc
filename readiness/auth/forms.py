from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..forms import Form


class LoginForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=256)],
    )


class SecondStepForm(Form):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code from your app.")), Length(max=32)],
    )
