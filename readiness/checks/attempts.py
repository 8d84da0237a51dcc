"""Which of an appointment's attempts the clinician acts on, and which contact details.

Anyone who holds an invitation's code (it travels in the pasted message and is read over the
phone) can start an attempt for the appointment, so a later attempt must not silently replace
what the patient gave. The rules:

- an attempt started with the code (Check.by_code) never uses up the link: the link's
  INVITATION_MAX_CHECKS counts attempts started by the link, the code has its own allowance;
- the attempt that counts (status, verdict, the outbox's context) is the latest *finished*
  attempt started by the link, else the latest finished one, else the latest one: an unfinished
  new attempt never hides a finished one;
- the contact details that count are the latest ones the desk entered, else the first ones
  confirmed in an attempt started by the link, else the first ones confirmed. Any later details
  that differ are shown beside them as changed (with how they came), never in their place.

No Flask here.
"""

from dataclasses import dataclass

from ..models import Check, ContactDetails


def link_attempts(checks: list[Check]) -> list[Check]:
    return [check for check in checks if not check.by_code]


def code_attempts(checks: list[Check]) -> list[Check]:
    return [check for check in checks if check.by_code]


def counting_attempt(checks: list[Check]) -> Check | None:
    """The attempt the clinician acts on (checks oldest first)."""
    finished = [check for check in checks if check.completed_at is not None]
    for candidates in (link_attempts(finished), finished, checks):
        if candidates:
            return candidates[-1]
    return None


def same_details(one: ContactDetails, other: ContactDetails) -> bool:
    return (one.email, one.mobile_e164, one.backup_e164) == (
        other.email,
        other.mobile_e164,
        other.backup_e164,
    )


@dataclass
class ContactChoice:
    counts: ContactDetails | None
    changed: list[ContactDetails]  # later details that differ, oldest first


def counting_contact(checks: list[Check]) -> ContactChoice:
    rows = sorted(
        (row for check in checks for row in check.contact_details), key=lambda row: row.created_at
    )
    if not rows:
        return ContactChoice(None, [])
    by_desk = [row for row in rows if row.entered_by_staff_id is not None]
    by_link = [row for row in rows if not row.check.by_code]
    counts = by_desk[-1] if by_desk else (by_link or rows)[0]
    changed = [
        row for row in rows if row.created_at > counts.created_at and not same_details(row, counts)
    ]
    # One line per distinct change: the same details confirmed twice are shown once.
    distinct: list[ContactDetails] = []
    for row in changed:
        if not any(same_details(row, seen) for seen in distinct):
            distinct.append(row)
    return ContactChoice(counts, distinct)
