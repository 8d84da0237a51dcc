"""Which patients a clinician may see: need to know (security review 3, F20). No Flask.

A clinician sees the visits they are the clinician of, the ones they invited, and the ones
nobody is assigned to yet (the scheduling module's API invitations name no clinician: they are
the team's to pick up). Admins see every visit, and so does every clinician where the
institution sets CLINICIANS_SEE_ALL_PATIENTS (a small team sharing its patients).
"""

from sqlalchemy import or_, true

from ..models import Invitation
from ..vocabulary import Role


def visible_invitations(staff_id: int, role: str, see_all: bool):
    """A WHERE clause on Invitation: the visits this staff member may see."""
    if see_all or role == Role.ADMIN:
        return true()
    return or_(
        Invitation.clinician_id == staff_id,
        Invitation.created_by_staff_id == staff_id,
        Invitation.clinician_id.is_(None),
    )
