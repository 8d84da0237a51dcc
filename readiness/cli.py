"""flask commands: staff accounts, the speed test, API keys, handoff delivery, personal data
(purge, key rotation) and the audit trail."""

import json
import sys
import time
from dataclasses import asdict
from datetime import timedelta

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from sqlalchemy import func, select

from .audit import record
from .auth import lockout
from .auth import sessions as staff_sessions
from .clinic.site_capacity import SITE_MAX_LENGTH, SiteNameError, clean_site_name
from .extensions import db
from .insights.command import insights_cli
from .models import ROLES, ApiKey, AuditEvent, StaffUser, utcnow
from .passwords import MIN_LENGTH, generate_password, hash_password

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.option("--email", required=True, help="The staff member's email, used to sign in.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", "display_name", default=None, help="Name shown in the audit trail.")
@click.option("--language", type=click.Choice(["en", "fr"]), default="en")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--break-glass",
    is_flag=True,
    help="May sign in with a password when local sign-in is off; two-factor is required.",
)
@click.option("--site", default=None, help="Where the person works (their self-checks' site).")
def create_staff(email, role, display_name, language, password_stdin, break_glass, site):
    """Create a staff account and print its password once (unless read from stdin)."""
    site = site_option(site)
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
        break_glass=break_glass,
        site=site,
    )
    db.session.add(user)
    db.session.flush()
    details = {"role": role, "by": "cli"} | ({"break_glass": True} if break_glass else {})
    record("staff.created", details=details, staff_id=user.id)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


def site_option(text: str | None) -> str | None:
    try:
        return clean_site_name(text)
    except SiteNameError as error:
        problem = {
            "too_long": f"at most {SITE_MAX_LENGTH} characters",
            "control_characters": "no control characters",
        }[str(error)]
        raise click.BadParameter(f"a site's name takes {problem}", param_hint="--site") from None


@staff_cli.command("set-site")
@click.option("--email", required=True, help="The staff member whose site changes.")
@click.option("--site", required=True, help="Where the person works; empty to clear it.")
def set_staff_site(email, site):
    """Set (or clear, with --site "") the site a staff member works at."""
    user = staff_by_email(email)
    user.site = site_option(site)
    record("staff.site_changed", staff_id=user.id, details={"by": "cli"})
    db.session.commit()
    click.echo(f"Site of {user.email}: {user.site or '(none)'}.")


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
    lockout.clear(db.session, user.id)
    staff_sessions.end_all(user.id)
    record("staff.password_changed", staff_id=user.id, details={"by": "cli"})
    db.session.commit()
    click.echo(f"New password set for {user.email}; its sessions ended.")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@staff_cli.command("reset-totp")
@click.option("--email", required=True)
def reset_staff_totp(email):
    """Turn off an account's two-step verification (a lost phone); its sessions end.

    Its recovery codes stop working; it sets up a new app at its next password sign-in.
    """
    from sqlalchemy import delete

    from .models import RecoveryCode

    user = staff_by_email(email)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))
    staff_sessions.end_all(user.id)
    record("staff.totp_reset", staff_id=user.id, details={"by": "cli"})
    db.session.commit()
    click.echo(f"Two-step verification reset for {user.email}; its sessions ended.")


@staff_cli.command("unlock")
@click.option("--email", required=True)
def unlock_staff(email):
    """Let every address try this account's password again, without changing it."""
    user = staff_by_email(email)
    cleared = lockout.clear(db.session, user.id)
    record("staff.unlocked", staff_id=user.id, details={"by": "cli", "addresses": cleared})
    db.session.commit()
    click.echo(f"{user.email} may sign in again from every address.")


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
    """Send the outbox messages that are due, once (for cron), or keep going with --loop.

    Either way, it also erases personal data past its retention period once a day
    (PURGE_INTERVAL_HOURS), as `flask data purge` does.
    """
    from flask import current_app

    from .handoff.deliver import Settings, deliver_due

    try:
        settings = Settings.from_config(current_app.config)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if interval is None:
        interval = float(current_app.config["HANDOFF_LOOP_INTERVAL_SECONDS"])
    next_look = time.monotonic()
    while True:
        if time.monotonic() >= next_look:
            # The retention periods are enforced by the deliverer, daily, whether it loops or
            # cron starts it every minute: the last purge's audit entry says when one is due.
            if purge_due(float(current_app.config["PURGE_INTERVAL_HOURS"])):
                run_purge(dry_run=False)
            next_look = time.monotonic() + PURGE_LOOK_SECONDS
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

# The looping deliverer asks whether a purge is due this often (seconds).
PURGE_LOOK_SECONDS = 60


def purge_due(interval_hours: float) -> bool:
    """True when no purge has run (by any deliverer, or `data purge`) in interval_hours."""
    last = db.session.scalar(
        select(func.max(AuditEvent.at)).where(AuditEvent.action == "data.purged")
    )
    db.session.rollback()
    return last is None or utcnow() - last >= timedelta(hours=interval_hours)


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
    from .encrypted import forget_old_key_checks, keyring
    from .privacy.rotation import rotate

    ring = keyring()
    report = rotate(db.session, ring, db.metadata, limit=limit)
    record("data.key_rotated", details={"key_id": ring.newest.id, "rows": report.total})
    db.session.commit()
    for table_name, rows in sorted(report.rows.items()):
        click.echo(f"{table_name}: {rows} row(s) re-encrypted")
    if report.finished:
        forget_old_key_checks(db.session, ring)
        db.session.commit()
        click.echo(f"Every personal field is now under key {ring.newest.id}.")
    else:
        click.echo(f"Stopped after {report.total} row(s); run the command again to carry on.")


audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
@click.option(
    "--anchor", default=None, help="An anchor saved earlier (ID:HASH) the chain must hold."
)
def verify_audit(anchor):
    """Check the audit trail's keyed hash chain; exit 1 naming the first broken link."""
    from .audit import latest_anchor, parse_anchor, verify

    try:
        expected = parse_anchor(anchor) if anchor else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--anchor") from error
    checked, broken = verify(db.session, anchor=expected)
    if broken is not None:
        click.echo(f"Audit chain broken at entry {broken.entry_id}: {broken.reason}.", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {checked} entries checked.")
    click.echo(f"Anchor (keep it outside the database): {latest_anchor(db.session)}")


@audit_cli.command("anchor")
def audit_anchor():
    """Print the newest entry as ID:HASH, to keep outside the database (a log, a ticket, a
    write-once store); `flask audit verify --anchor ID:HASH` later notices a cut-off end."""
    from .audit import latest_anchor

    click.echo(latest_anchor(db.session) or "")


def init_app(app) -> None:
    app.cli.add_command(data_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(probe_cli)
    app.cli.add_command(apikey_cli)
    app.cli.add_command(handoff_cli)
    app.cli.add_command(insights_cli)
    app.cli.add_command(notify_cli)
