"""What the clinician's page for one patient's visit shows, worked out before the template runs.

The template reads fields; it calls no functions of ours (as visit_list.VisitRow does for the
list). No Flask here: the phone region, the handoff messages, the chart note and the checklist
come in as arguments.
"""

from dataclasses import dataclass, field

from ..checks import state
from ..checks.attempts import counting_attempt, counting_contact
from ..checks.contacts import national_format
from ..checks.overall import Overall
from ..models import (
    Check,
    ConsentRecord,
    ContactDetails,
    DeskNote,
    DeviceResult,
    Invitation,
    OutboxMessage,
    SettingAnswers,
    VisitDecision,
)
from ..vocabulary import DeviceKind
from . import visit_status


@dataclass
class Attempt:
    """One check for the appointment, with the latest of each part."""

    check: Check
    overall: Overall
    devices: list[tuple[str, DeviceResult | None]]  # every kind, in order; None: not tested
    setting: SettingAnswers | None

    @classmethod
    def of(cls, check: Check) -> "Attempt":
        found = state.latest_devices(check)
        devices = [(kind, found.get(kind)) for kind in DeviceKind] if found else []
        return cls(check, state.overall_for(check), devices, state.latest_setting(check))


@dataclass
class Contact:
    """Contact details, the phone numbers as the clinician dials them."""

    details: ContactDetails
    backup_phone: str | None
    mobile_phone: str | None
    changed: list["Contact"] = field(default_factory=list)  # later, different details

    @property
    def by_code(self) -> bool:
        """Given in an attempt started with the invitation's code, not its link."""
        return self.details.check.by_code

    @classmethod
    def of(cls, details: ContactDetails, region: str, language: str) -> "Contact":
        return cls(
            details,
            national_format(details.backup_e164, region, language),
            national_format(details.mobile_e164, region, language),
        )


@dataclass
class Note:
    note: DeskNote
    check: Check


@dataclass
class PatientPage:
    invitation: Invitation
    status: str
    latest: Check | None
    attempts: list[Attempt]  # newest first
    consents: list[ConsentRecord]  # oldest first
    contact: Contact | None
    notes: list[Note]
    decisions: list[VisitDecision]  # newest first
    handoff: list[OutboxMessage]
    chart_note: str | None = None
    checklist: list[str] = field(default_factory=list)

    @property
    def decision(self) -> VisitDecision | None:
        return self.decisions[0] if self.decisions else None

    @property
    def consent(self) -> ConsentRecord | None:
        return self.consents[-1] if self.consents else None


def patient_page(
    invitation: Invitation, *, region: str, language: str, handoff: list[OutboxMessage]
) -> PatientPage:
    """Everything about the appointment's checks, from rows already loaded with the invitation."""
    checks = invitation.checks
    latest = counting_attempt(checks)
    consents = sorted(
        (row for check in checks for row in check.consent_records), key=lambda row: row.given_at
    )
    notes = sorted(
        (Note(note, check) for check in checks for note in check.notes),
        key=lambda pair: pair.note.created_at,
    )
    contact = None
    choice = counting_contact(checks)
    if choice.counts is not None:
        contact = Contact.of(choice.counts, region, language)
        contact.changed = [Contact.of(row, region, language) for row in choice.changed]
    return PatientPage(
        invitation=invitation,
        status=visit_status.status_for(latest),
        latest=latest,
        attempts=[Attempt.of(check) for check in reversed(checks)],
        consents=consents,
        contact=contact,
        notes=notes,
        decisions=list(reversed(invitation.decisions)),
        handoff=handoff,
    )
