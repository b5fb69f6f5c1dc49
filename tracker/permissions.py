"""The one place that says who may do what in an authority's programme.

Read it as a table: each permission lists the roles that hold it. Every member may read
everything in their own authority; the table is about writes. Observers hold no write.
Site administrators act through /admin and hold no role in an authority unless they are
also a member of it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort, g

from tracker.models import Membership, Role


class Permission(enum.StrEnum):
    VIEW = "view"
    EDIT_CHECKLIST_TASK = "edit_checklist_task"
    ADD_LOCAL_TASK = "add_local_task"
    MARK_PHASE_OUTCOME = "mark_phase_outcome"
    SET_CURRENT_PHASE = "set_current_phase"
    CREATE_ACTION = "create_action"
    # Champions keep their own actions up to date; editing anyone's is the steering group's.
    UPDATE_OWN_ACTION = "update_own_action"
    UPDATE_ANY_ACTION = "update_any_action"
    # Who may be an action's owner, and who may give an action to someone else.
    OWN_ACTIONS = "own_actions"
    ASSIGN_ACTIONS = "assign_actions"
    BULK_UPDATE_ACTIONS = "bulk_update_actions"
    IMPORT_ACTIONS = "import_actions"
    MANAGE_WORKSTREAMS = "manage_workstreams"
    MANAGE_MILESTONES = "manage_milestones"
    MANAGE_STAKEHOLDERS = "manage_stakeholders"
    MANAGE_ENGAGEMENTS = "manage_engagements"
    RECORD_FEEDBACK = "record_feedback"
    MANAGE_MEETINGS = "manage_meetings"
    RECORD_MEETINGS = "record_meetings"
    MANAGE_GROUPS = "manage_groups"
    FILL_ACTION_SHEET = "fill_action_sheet"
    ENTER_OUTCOMES = "enter_outcomes"
    MANAGE_COST_SCENARIOS = "manage_cost_scenarios"
    WRITE_POSTCARDS = "write_postcards"
    ANSWER_POSTCARDS = "answer_postcards"
    MANAGE_FRAMEWORK_REGISTER = "manage_framework_register"
    RECORD_TRAINING = "record_training"
    RATE_FIDELITY = "rate_fidelity"
    LOG_ADAPTATIONS = "log_adaptations"
    SET_HEALTH_THRESHOLDS = "set_health_thresholds"
    MANAGE_EVALUATION = "manage_evaluation"
    EXPORT_RECORD = "export_record"


_ALL = frozenset(Role)
_LEAD = frozenset({Role.LEAD})
_STEERING = frozenset({Role.LEAD, Role.STEERING, Role.CONSULTANT})
_MEMBERS = frozenset({Role.LEAD, Role.STEERING, Role.CONSULTANT, Role.CHAMPION})
_STEERING_GROUP = frozenset({Role.LEAD, Role.STEERING})

MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.VIEW: _ALL,
    # The steering group ticks off tasks; the consultant often updates them in the meeting.
    Permission.EDIT_CHECKLIST_TASK: _STEERING,
    # Adding to the Checklist, and moving phase, are the strategic lead's calls.
    Permission.ADD_LOCAL_TASK: _LEAD,
    Permission.MARK_PHASE_OUTCOME: _STEERING,
    Permission.SET_CURRENT_PHASE: _LEAD,
    Permission.CREATE_ACTION: _MEMBERS,
    Permission.UPDATE_OWN_ACTION: _MEMBERS,
    Permission.UPDATE_ANY_ACTION: _STEERING,
    # An owner is reminded and must be able to update the action: never an observer. Giving an
    # action to someone else is the steering group's, from whichever form the action is made.
    Permission.OWN_ACTIONS: _MEMBERS,
    Permission.ASSIGN_ACTIONS: _STEERING,
    Permission.BULK_UPDATE_ACTIONS: _STEERING,
    Permission.IMPORT_ACTIONS: _STEERING_GROUP,
    # Workstreams and milestones are the implementation plan: the steering group's to keep.
    Permission.MANAGE_WORKSTREAMS: _STEERING_GROUP,
    Permission.MANAGE_MILESTONES: _STEERING_GROUP,
    # The engagement plan is the steering group's (often delegated to a communications lead
    # among them); anyone who hears feedback, champions included, can record it.
    Permission.MANAGE_STAKEHOLDERS: _STEERING,
    Permission.MANAGE_ENGAGEMENTS: _STEERING,
    Permission.RECORD_FEEDBACK: _MEMBERS,
    # The steering group plans and minutes its meetings; the consultant facilitates the sets.
    Permission.MANAGE_MEETINGS: _STEERING,
    Permission.RECORD_MEETINGS: _STEERING,
    # Who sits in the groups is the authority's own decision (Phase 1 task 9).
    Permission.MANAGE_GROUPS: _STEERING_GROUP,
    # Each member fills in their own action sheet; filling in someone else's is minuting.
    Permission.FILL_ACTION_SHEET: _MEMBERS,
    # The authority's own figures: the data and performance manager sits in the steering group.
    Permission.ENTER_OUTCOMES: _STEERING_GROUP,
    # Which cost scenario goes to the steering group is the group's own choice. Anyone may use
    # the calculator: a calculation saves nothing.
    Permission.MANAGE_COST_SCENARIOS: _STEERING_GROUP,
    # Postcards are written, answered and reviewed by the groups themselves: the role opens the
    # door, and the postcards service also checks the person is a current member of the group.
    Permission.WRITE_POSTCARDS: _MEMBERS,
    Permission.ANSWER_POSTCARDS: _MEMBERS,
    # The Framework in use: the strategic lead and steering group keep the register of teams
    # and staff and the adaptation log; champions record their own team's training and
    # fidelity (the framework service checks the team is theirs).
    Permission.MANAGE_FRAMEWORK_REGISTER: _STEERING_GROUP,
    Permission.RECORD_TRAINING: _STEERING_GROUP | {Role.CHAMPION},
    Permission.RATE_FIDELITY: _STEERING_GROUP | {Role.CHAMPION},
    Permission.LOG_ADAPTATIONS: _STEERING_GROUP,
    # What counts as at risk for this authority is the strategic lead's call (issue 15).
    Permission.SET_HEALTH_THRESHOLDS: _LEAD,
    # Opening questionnaire rounds and sending their link is the steering group's; every member
    # sees the results. Respondents answer through the round's link and hold no role.
    Permission.MANAGE_EVALUATION: _STEERING_GROUP,
    # The whole record, members' email addresses included, goes out on the lead's say-so.
    Permission.EXPORT_RECORD: _LEAD,
}


def role_may(role: Role | None, permission: Permission) -> bool:
    return role is not None and role in MATRIX[permission]


def can(permission: Permission) -> bool:
    """Whether the current user may do this in the authority the request is about."""
    membership = g.get("membership")
    return membership is not None and role_may(membership.role, permission)


def can_update_action(action) -> bool:
    """Anyone who may update any action, or a member updating an action they own."""
    if can(Permission.UPDATE_ANY_ACTION):
        return True
    membership = g.get("membership")
    return (
        can(Permission.UPDATE_OWN_ACTION)
        and membership is not None
        and action.owner_id == membership.user_id
    )


NOT_YOUR_ACTION = "You can only add actions that you own"
NOT_AN_OWNER = "Choose an owner who can update actions (observers cannot own them)"


def action_owners(members: Iterable[Membership]) -> list[Membership]:
    """The members the current user may make an action's owner: anyone who may own actions,
    for those who may assign them; only themselves for everyone else."""
    membership = g.get("membership")
    if membership is None:
        return []
    owners = [m for m in members if role_may(m.role, Permission.OWN_ACTIONS)]
    if can(Permission.ASSIGN_ACTIONS):
        return owners
    return [m for m in owners if m.user_id == membership.user_id]


def action_owner_refusal(owner_id: str | None, members: Iterable[Membership]) -> str | None:
    """Why the current user may not give an action to the member `owner_id` (a form value,
    empty for no member: an owner without an account, or none yet), or None if they may."""
    if not owner_id:
        return None if can(Permission.ASSIGN_ACTIONS) else NOT_YOUR_ACTION
    if any(str(m.user_id) == owner_id for m in action_owners(members)):
        return None
    return NOT_AN_OWNER if can(Permission.ASSIGN_ACTIONS) else NOT_YOUR_ACTION


def requires(permission: Permission) -> Callable:
    """Route decorator: 403 unless the member's role holds the permission.

    Tenancy (404 for non-members) has already been settled by the time this runs.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not can(permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator
