"""Where an appointment stands, for the clinician's list. Pure: no Flask, no database.

One word per appointment, from its latest check:

- ``not_tested``: no check yet, or one whose parts are not all done (and none failed so far);
- ``not_ready``: video will not work (a failed part is enough), or the patient declined a
  virtual encounter: plan a phone call;
- ``consent_missing``: the check is done but no consent to a virtual encounter is recorded;
- ``ready`` and ``limited``: the check's verdict, consent given.
"""

from ..checks import overall, state
from ..models import Check
from ..vocabulary import ConsentDecision

READY, LIMITED, NOT_READY = overall.READY, overall.LIMITED, overall.NOT_READY
NOT_TESTED, CONSENT_MISSING = "not_tested", "consent_missing"
STATUSES = (READY, LIMITED, NOT_READY, CONSENT_MISSING, NOT_TESTED)
# The order a clinician reads them in when sorting: who needs a call first.
ATTENTION_ORDER = {NOT_READY: 0, CONSENT_MISSING: 1, NOT_TESTED: 2, LIMITED: 3, READY: 4}


def visit_status(verdict: str | None, missing: list[str], consent_decision: str | None) -> str:
    """verdict and missing as in overall.Overall; consent_decision: agreed, declined or None."""
    if consent_decision == ConsentDecision.DECLINED or verdict == NOT_READY:
        return NOT_READY
    if verdict is None or missing:
        return NOT_TESTED
    if consent_decision != ConsentDecision.AGREED:
        return CONSENT_MISSING
    return verdict


def status_for(check: Check | None) -> str:
    """The status of an appointment from its latest check (None when the patient has none)."""
    if check is None:
        return NOT_TESTED
    result = state.overall_for(check)
    consent = state.latest_consent(check)
    return visit_status(result.verdict, result.missing, consent.decision if consent else None)
