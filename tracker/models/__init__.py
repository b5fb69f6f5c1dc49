"""All models, imported here so Alembic and the app see one metadata."""

from tracker.models.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLE_LABELS,
    Authority,
    Membership,
    Role,
    SignInThrottle,
    User,
    normalise_email,
)
from tracker.models.actions import (
    FINISHED_ACTION_STATUSES,
    Action,
    ActionNote,
    ActionStatus,
    Milestone,
    MilestoneStatus,
    Workstream,
)
from tracker.models.audit import AuditEvent
from tracker.models.programme import (
    ChecklistTask,
    PhaseOutcome,
    Programme,
    ProgrammePhase,
    TaskStatus,
)

__all__ = [
    "FINISHED_ACTION_STATUSES",
    "Action",
    "ActionNote",
    "ActionStatus",
    "Milestone",
    "MilestoneStatus",
    "Workstream",
    "MIN_PASSWORD_LENGTH",
    "ROLE_LABELS",
    "AuditEvent",
    "Authority",
    "ChecklistTask",
    "Membership",
    "PhaseOutcome",
    "Programme",
    "ProgrammePhase",
    "Role",
    "SignInThrottle",
    "TaskStatus",
    "User",
    "normalise_email",
]
