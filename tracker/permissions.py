"""The one place that says who may do what in an authority's programme.

Read it as a table: each permission lists the roles that hold it. Every member may read
everything in their own authority; the table is about writes. Observers hold no write.
Site administrators act through /admin and hold no role in an authority unless they are
also a member of it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort, g

from tracker.models import Role


class Permission(enum.StrEnum):
    VIEW = "view"
    EDIT_CHECKLIST_TASK = "edit_checklist_task"
    ADD_LOCAL_TASK = "add_local_task"
    MARK_PHASE_OUTCOME = "mark_phase_outcome"
    SET_CURRENT_PHASE = "set_current_phase"


_ALL = frozenset(Role)
_LEAD = frozenset({Role.LEAD})
_STEERING = frozenset({Role.LEAD, Role.STEERING, Role.CONSULTANT})

MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.VIEW: _ALL,
    # The steering group ticks off tasks; the consultant often updates them in the meeting.
    Permission.EDIT_CHECKLIST_TASK: _STEERING,
    # Adding to the Checklist, and moving phase, are the strategic lead's calls.
    Permission.ADD_LOCAL_TASK: _LEAD,
    Permission.MARK_PHASE_OUTCOME: _STEERING,
    Permission.SET_CURRENT_PHASE: _LEAD,
}


def role_may(role: Role | None, permission: Permission) -> bool:
    return role is not None and role in MATRIX[permission]


def can(permission: Permission) -> bool:
    """Whether the current user may do this in the authority the request is about."""
    membership = g.get("membership")
    return membership is not None and role_may(membership.role, permission)


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
