"""flask commands: staff accounts (later: API keys, handoff delivery, speed test)."""

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from sqlalchemy import func, select

from .audit import record
from .extensions import db
from .models import ROLES, StaffUser
from .passwords import MIN_LENGTH, generate_password, hash_password

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.option("--email", required=True, help="The staff member's email, used to sign in.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", "display_name", default=None, help="Name shown in the audit trail.")
@click.option("--language", type=click.Choice(["en", "fr"]), default="en")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_staff(email, role, display_name, language, password_stdin):
    """Create a staff account and print its password once (unless read from stdin)."""
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    if db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email)):
        raise click.ClickException(f"A staff account with the email {email} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < MIN_LENGTH:
            raise click.ClickException(f"The password must have at least {MIN_LENGTH} characters.")
    else:
        password = generate_password()
    user = StaffUser(
        email=email,
        role=role,
        display_name=display_name,
        language=language,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    record("staff.created", details={"role": role, "by": "cli"}, staff_id=user.id)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


def init_app(app) -> None:
    app.cli.add_command(staff_cli)
