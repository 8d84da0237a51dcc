"""The clinicians' own setup checks per site, what each site's upload carries, and staff sites."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import _
from flask_login import current_user
from sqlalchemy import func, select

from ..audit import record
from ..clinic.site_capacity import SelfCheckFigure, clean_site_name, hd_rung, site_capacities
from ..connection.quality import parse_ladder
from ..extensions import db
from ..models import StaffSelfCheck, StaffUser, utcnow
from ..vocabulary import Role
from . import bp
from .forms import StaffSiteForm

SITE_ROLES = (Role.CLINICIAN, Role.ADMIN)


def latest_self_checks() -> list[StaffSelfCheck]:
    """Each active clinician's (and admin's) latest self-check that has a verdict."""
    newest = (
        select(func.max(StaffSelfCheck.id))
        .where(StaffSelfCheck.verdict.is_not(None))
        .group_by(StaffSelfCheck.staff_id)
    )
    return list(
        db.session.scalars(
            select(StaffSelfCheck)
            .join(StaffUser, StaffUser.id == StaffSelfCheck.staff_id)
            .where(StaffSelfCheck.id.in_(newest), StaffUser.active.is_(True))
        )
    )


def site_staff() -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role.in_(SITE_ROLES))
            .order_by(StaffUser.display_name, StaffUser.email)
        )
    )


def site_form(formdata=None) -> StaffSiteForm:
    form = StaffSiteForm(formdata=formdata) if formdata is not None else StaffSiteForm()
    form.staff_id.choices = [("", _("Choose…"))] + [
        (str(user.id), user.display_name or user.email) for user in site_staff()
    ]
    return form


def render_self_checks(form: StaffSiteForm, status: int = 200):
    checks = latest_self_checks()
    ladder = parse_ladder(current_app.config["VIDEO_QUALITY_LADDER"])
    # A clinician counts on the site they are on now: the check's own site if none is set.
    staff = {user.id: user for user in site_staff()}
    figures = [
        SelfCheckFigure(
            staff_id=found.staff_id,
            site=(staff[found.staff_id].site if found.staff_id in staff else None) or found.site,
            upload_mbps=found.upload_mbps,
            checked_at=found.updated_at,
        )
        for found in checks
    ]
    sites = {figure.staff_id: figure.site for figure in figures}

    def order(found: StaffSelfCheck):
        """By site (those without one last), then by name."""
        site = sites[found.staff_id]
        return (
            site is None,
            (site or "").casefold(),
            found.staff.display_name or found.staff.email,
        )

    rows = sorted(checks, key=order)
    return render_template(
        "admin/self_checks.html",
        rows=rows,
        sites=sites,
        capacities=site_capacities(figures, utcnow(), ladder),
        hd_upload_mbps=hd_rung(ladder).upload_mbps,
        staff=list(staff.values()),
        form=form,
    ), status


@bp.route("/self-checks")
def self_checks():
    return render_self_checks(site_form())


@bp.route("/self-checks/site", methods=["POST"])
def set_staff_site():
    form = site_form()
    if not form.validate_on_submit():
        return render_self_checks(form, 400)
    user = db.session.get(StaffUser, int(form.staff_id.data))
    user.site = clean_site_name(form.site.data)
    record("staff.site_changed", staff_id=current_user.id, details={"staff": user.id})
    db.session.commit()
    flash(_("Site saved for %(name)s.", name=user.display_name or user.email))
    return redirect(url_for("admin.self_checks"))
