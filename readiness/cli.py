"""flask commands: staff accounts, the speed test, API keys, handoff delivery, personal data
(purge, key rotation) and the audit trail."""

import json
import sys
import time
from dataclasses import asdict

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from sqlalchemy import func, select

from .audit import record
from .auth import sessions as staff_sessions
from .extensions import db
from .models import ROLES, ApiKey, StaffUser, utcnow
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


def staff_by_email(email: str) -> StaffUser:
    user = db.session.scalar(
        select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    )
    if user is None:
        raise click.ClickException(f"No staff account has the email {email}.")
    return user


@staff_cli.command("sign-out")
@click.option("--email", required=True, help="The staff member whose sessions end.")
def sign_out_staff(email):
    """End every session of one staff member, on every computer, at once."""
    user = staff_by_email(email)
    ended = staff_sessions.end_all(user.id)
    record("staff.signed_out_everywhere", staff_id=user.id, details={"by": "cli", "ended": ended})
    db.session.commit()
    click.echo(f"Ended {ended} session(s) of {user.email}.")


@staff_cli.command("disable")
@click.option("--email", required=True)
def disable_staff(email):
    """Disable an account: it cannot sign in, and its sessions end at once."""
    user = staff_by_email(email)
    user.active = False
    staff_sessions.end_all(user.id)
    record("staff.disabled", staff_id=user.id, details={"by": "cli"})
    db.session.commit()
    click.echo(f"Disabled {user.email}; its sessions ended.")


@staff_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_staff_password(email, password_stdin):
    """Give an account a new password (printed once unless read); its sessions end."""
    user = staff_by_email(email)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if len(password) < MIN_LENGTH:
            raise click.ClickException(f"The password must have at least {MIN_LENGTH} characters.")
    else:
        password = generate_password()
    user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    staff_sessions.end_all(user.id)
    record("staff.password_changed", staff_id=user.id, details={"by": "cli"})
    db.session.commit()
    click.echo(f"New password set for {user.email}; its sessions ended.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


probe_cli = AppGroup("probe", help="Measure the link to a readiness server.")


def check_server_url(ctx, param, value: str) -> str:
    """Refuse an address that is not http(s) before any request is made."""
    from .probe.speedtest_client import mini_url

    try:
        mini_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return value


@probe_cli.command("speedtest")
@click.option(
    "--server",
    required=True,
    callback=check_server_url,
    help="The readiness server's site root, e.g. http://127.0.0.1:8000.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON object.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
def speedtest(server, as_json, timeout):
    """Measure download, upload and ping from this machine to a readiness server, with
    speedtest-cli against its Speedtest Mini endpoints (/probe/mini/)."""
    # Imported here, not at the top: importing speedtest-cli wraps this process's stdout and
    # stderr, which only this command should pay for (not the app, nor every other command).
    from .probe.speedtest_client import SpeedtestError, measure

    try:
        result = measure(server, timeout=timeout)
    except SpeedtestError as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        figures = asdict(result)
        for key in ("download_mbps", "upload_mbps", "ping_ms"):
            figures[key] = round(figures[key], 3)
        click.echo(json.dumps(figures))
        return
    click.echo(f"Speed test against {result.server}")
    click.echo(
        f"Download: {result.download_mbps:.1f} Mbit/s ({result.bytes_received:,} bytes received)"
    )
    click.echo(f"Upload: {result.upload_mbps:.1f} Mbit/s ({result.bytes_sent:,} bytes sent)")
    click.echo(f"Ping: {result.ping_ms:.1f} ms")


apikey_cli = AppGroup("apikey", help="Keys for the scheduling module's use of the API.")


@apikey_cli.command("create")
@click.option("--name", required=True, help="Who or what uses the key, e.g. scheduling.")
def create_api_key(name):
    """Create an API key and print it once; only its hash is kept."""
    from .api.keys import key_hash, key_prefix, new_key

    key = new_key()
    api_key = ApiKey(name=name[:100], prefix=key_prefix(key), key_hash=key_hash(key))
    db.session.add(api_key)
    db.session.flush()
    record("apikey.created", api_key_id=api_key.id, details={"name": api_key.name, "by": "cli"})
    db.session.commit()
    click.echo(f"Created API key {api_key.prefix}… for {api_key.name}.")
    click.echo(f"Key (shown once): {key}")


@apikey_cli.command("list")
def list_api_keys():
    """List keys by prefix, with when they were last used and whether they are revoked."""
    for api_key in db.session.scalars(select(ApiKey).order_by(ApiKey.id)):
        used = api_key.last_used_at.isoformat() if api_key.last_used_at else "never"
        state = f"revoked {api_key.revoked_at.isoformat()}" if api_key.revoked_at else "active"
        click.echo(f"{api_key.prefix}  {api_key.name}  last used {used}  {state}")


@apikey_cli.command("revoke")
@click.option("--prefix", required=True, help="The key's first characters, as listed.")
def revoke_api_key(prefix):
    """Revoke a key: it stops working at once."""
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if api_key is None:
        raise click.ClickException(f"No API key starts with {prefix}.")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        record("apikey.revoked", api_key_id=api_key.id, details={"by": "cli"})
        db.session.commit()
    click.echo(f"Revoked API key {api_key.prefix}… ({api_key.name}).")


handoff_cli = AppGroup("handoff", help="Hand results to the scheduling module.")


@handoff_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until stopped (Ctrl+C, SIGTERM).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=None,
    help="Seconds between looks at the outbox with --loop (HANDOFF_LOOP_INTERVAL_SECONDS).",
)
def deliver(loop, interval):
    """Send the outbox messages that are due, once (for cron), or keep going with --loop."""
    from flask import current_app

    from .handoff.deliver import Settings, deliver_due

    try:
        settings = Settings.from_config(current_app.config)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if interval is None:
        interval = float(current_app.config["HANDOFF_LOOP_INTERVAL_SECONDS"])
    purge_every = float(current_app.config["PURGE_INTERVAL_HOURS"]) * 3600
    next_purge = time.monotonic()
    while True:
        if loop and time.monotonic() >= next_purge:
            # The retention periods are enforced by the same long-running process, daily.
            run_purge(dry_run=False)
            next_purge = time.monotonic() + purge_every
        report = deliver_due(db.session, settings)
        try:
            sent = send_messages(now=None, quiet=loop)
        except Exception as error:  # the patients' messages never stop the handoff
            db.session.rollback()
            if not loop:
                raise
            click.echo(f"Messages to patients failed this round: {type(error).__name__}.", err=True)
            sent = 0
        handled = report.delivered + report.failed + report.gave_up + sent
        if handled or not loop:
            click.echo(
                f"Delivered {report.delivered}, failed {report.failed} (will retry), "
                f"gave up {report.gave_up}."
            )
        if not loop:
            return
        if not handled:
            time.sleep(interval)


notify_cli = AppGroup("notify", help="Email and text messages the service sends patients.")


def send_messages(now, quiet: bool) -> int:
    """Send the patients' messages that are due; returns how many were handled."""
    from .notify.service import send_due

    report = send_due(now=now)
    handled = report.sent + report.failed + report.retrying + report.skipped
    if handled or not quiet:
        click.echo(
            f"Messages: sent {report.sent}, failed {report.failed}, will retry "
            f"{report.retrying}, no longer needed {report.skipped}."
        )
    return handled


@notify_cli.command("send-due")
@click.option(
    "--now",
    "now",
    default=None,
    help="Act as if it were this moment (ISO 8601 with offset), e.g. to test reminders.",
)
def send_due_command(now):
    """Send the invitations and reminders that are due, once (for cron)."""
    from datetime import datetime

    moment = None
    if now:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            raise click.BadParameter("use ISO 8601, e.g. 2026-12-08T09:00:00-05:00") from None
        if moment.tzinfo is None:
            raise click.BadParameter("give the offset, e.g. 2026-12-08T09:00:00-05:00")
    send_messages(now=moment, quiet=False)


data_cli = AppGroup("data", help="Personal data: retention and encryption keys.")


def run_purge(dry_run: bool) -> None:
    from flask import current_app

    from .privacy.retention import Periods, plan, purge

    now = utcnow()
    found = plan(db.session, Periods.from_config(current_app.config), now)
    verb = "Would erase" if dry_run else "Erasing"
    for invitation in found.invitations:
        checks = ", ".join(check.public_id for check in invitation.checks) or "no checks"
        click.echo(f"{verb} invitation {invitation.public_id} ({checks})")
    for check in found.checks:
        click.echo(f"{verb} check {check.public_id}")
    click.echo(
        f"{'Would remove' if dry_run else 'Removing'} {len(found.messages)} delivered "
        f"webhook message(s) and {found.audit_entries} audit entries past their period."
    )
    if dry_run:
        db.session.rollback()
        return
    report = purge(db.session, found, now)
    record(
        "data.purged",
        details={
            "checks": report.erased.checks,
            "invitations": report.invitations,
            "messages": report.messages,
            "audit_entries": report.audit_entries,
        },
    )
    db.session.commit()
    click.echo(
        f"Erased the personal data of {report.erased.checks} check(s) and "
        f"{report.invitations} invitation(s); removed {report.messages} message(s) and "
        f"{report.audit_entries} audit entries."
    )


@data_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Print what would be removed; change nothing.")
def purge_command(dry_run):
    """Erase personal data past its retention period (RETENTION_* settings)."""
    run_purge(dry_run)


@data_cli.command("rotate-key")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Stop after N rows.")
def rotate_key(limit):
    """Re-encrypt every personal field with the newest key of READINESS_DATA_KEYS.

    Safe to interrupt: run it again and it carries on with the rows still under an older key.
    """
    from .encrypted import keyring
    from .privacy.rotation import rotate

    ring = keyring()
    report = rotate(db.session, ring, db.metadata, limit=limit)
    record("data.key_rotated", details={"key_id": ring.newest.id, "rows": report.total})
    db.session.commit()
    for table_name, rows in sorted(report.rows.items()):
        click.echo(f"{table_name}: {rows} row(s) re-encrypted")
    if report.finished:
        click.echo(f"Every personal field is now under key {ring.newest.id}.")
    else:
        click.echo(f"Stopped after {report.total} row(s); run the command again to carry on.")


audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify_audit():
    """Check the audit trail's hash chain; exit 1 naming the first broken link."""
    from .audit import verify

    checked, broken = verify(db.session)
    if broken is not None:
        click.echo(f"Audit chain broken at entry {broken.entry_id}: {broken.reason}.", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {checked} entries checked.")


def init_app(app) -> None:
    app.cli.add_command(data_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(probe_cli)
    app.cli.add_command(apikey_cli)
    app.cli.add_command(handoff_cli)
    app.cli.add_command(notify_cli)
