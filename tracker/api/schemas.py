"""The read API's request and response schemas (marshmallow). The OpenAPI document is made
from these by flask-smorest, so what is documented is what is sent."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from marshmallow import fields, validate

from tracker.models import ActionStatus, MeetingKind, MeetingStatus, MilestoneStatus, Role, TaskStatus
from tracker.rag import AMBER_WITHIN_DAYS, Rag

MAX_ID = 2**31 - 1  # the largest id a database integer holds
MAX_LIMIT = 500
RAG_COLOURS = [colour.value for colour in Rag]
RAG_RULE = ("Red, amber or green as the pages show it, worked out today: null when finished; red "
            f"past its due date; amber due within {AMBER_WITHIN_DAYS} days, or with no owner or "
            "no due date")


class Schema(ma.Schema):
    class Meta:
        ordered = True


# -- query parameters ---------------------------------------------------------------------------


class UtcMoment(fields.AwareDateTime):
    """A time with its offset. The database holds naive UTC: read into that, written from it."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as exc:  # e.g. 0001-01-01T00:00:00+01:00
            raise ma.ValidationError("Not a time Homeward can use.") from exc


class PageArgs(Schema):
    after = fields.Integer(validate=validate.Range(0, MAX_ID), metadata={
        "description": "Return the rows after this id: the `next_after` of the previous page"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"Rows per page, at most {MAX_LIMIT}"})


class ChangedArgs(PageArgs):
    updated_since = UtcMoment(metadata={
        "description": "Only rows changed at or after this time (ISO 8601, e.g. "
                       "2026-11-23T00:00:00Z), for incremental pulls"})


class TaskArgs(ChangedArgs):
    phase = fields.Integer(validate=validate.Range(1, 9))
    status = fields.Enum(TaskStatus, by_value=True)


class ActionArgs(ChangedArgs):
    status = fields.List(fields.Enum(ActionStatus, by_value=True), metadata={
        "description": "One or more statuses (repeat the parameter)"})
    owner = fields.Email(validate=validate.Length(max=254),
                         metadata={"description": "The owner's email address"})
    due_from = fields.Date(metadata={"description": "Due on or after this date"})
    due_to = fields.Date(metadata={"description": "Due on or before this date"})


class MilestoneArgs(ChangedArgs):
    status = fields.Enum(MilestoneStatus, by_value=True)


class MeetingArgs(ChangedArgs):
    held_from = fields.Date(metadata={"description": "On or after this date"})
    held_to = fields.Date(metadata={"description": "On or before this date"})


# -- responses ------------------------------------------------------------------------------------


class AuthoritySchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True,
                       metadata={"description": "The token owner's role in this authority"})


class AuthorityListSchema(Schema):
    items = fields.List(fields.Nested(AuthoritySchema), required=True)


class PhaseSchema(Schema):
    number = fields.Integer(required=True)
    title = fields.String(required=True)
    started_on = fields.Date(allow_none=True, required=True)


class SignalSchema(Schema):
    key = fields.String(required=True)
    severity = fields.String(required=True, metadata={"enum": ["serious", "warning"]})
    sentence = fields.String(required=True)
    evidence = fields.String(required=True, metadata={"description": "The page with the evidence"})


class HealthFiguresSchema(Schema):
    phase = fields.Integer(required=True)
    done_percent = fields.Integer(required=True,
                                  metadata={"description": "Share of the phase's tasks done"})
    open_actions = fields.Integer(required=True)
    overdue_actions = fields.Integer(required=True)
    milestones = fields.Integer(required=True)
    milestones_red = fields.Integer(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["on_track", "at_risk", "off_track"]})
    label = fields.String(required=True)
    summary = fields.String(required=True, metadata={"description": "The status and top reasons"})
    signals = fields.List(fields.Nested(SignalSchema), required=True)
    figures = fields.Nested(HealthFiguresSchema, required=True)


class ProgrammeSchema(Schema):
    authority = fields.Nested(AuthoritySchema, required=True)
    name = fields.String(required=True)
    start_date = fields.Date(required=True)
    current_phase = fields.Integer(required=True)
    checklist_version = fields.String(required=True)
    phases = fields.List(fields.Nested(PhaseSchema), required=True)
    health = fields.Nested(HealthSchema, required=True, metadata={
        "description": "On track, at risk or off track, worked out as the pages do (/health)"})


class PersonSchema(Schema):
    name = fields.String(required=True)
    email = fields.String(allow_none=True, required=True,
                          metadata={"description": "Null for an owner without an account"})


class TaskSchema(Schema):
    id = fields.Integer(required=True)
    phase = fields.Integer(required=True)
    number = fields.Integer(required=True)
    label = fields.String(required=True)
    local = fields.Boolean(required=True,
                           metadata={"description": "Added by the authority, not the Checklist's"})
    added_by_homeward = fields.Boolean(required=True, metadata={
        "description": "Reconstructed by Homeward where the Checklist's text was lost"})
    title = fields.String(required=True)
    status = fields.Enum(TaskStatus, by_value=True, required=True)
    owner = fields.Nested(PersonSchema, allow_none=True, required=True)
    due_date = fields.Date(allow_none=True, required=True)
    completed_at = UtcMoment(allow_none=True, required=True)
    updated_at = UtcMoment(required=True)


class ActionSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.Enum(ActionStatus, by_value=True, required=True)
    owner = fields.Nested(PersonSchema, allow_none=True, required=True)
    due_date = fields.Date(allow_none=True, required=True)
    rag = fields.String(allow_none=True, required=True, validate=validate.OneOf(RAG_COLOURS),
                        metadata={"description": RAG_RULE})
    rag_reason = fields.String(allow_none=True, required=True,
                               metadata={"description": "Why, in words (e.g. '3 days overdue')"})
    workstream = fields.String(allow_none=True, required=True)
    milestone_id = fields.Integer(allow_none=True, required=True)
    checklist_task_id = fields.Integer(allow_none=True, required=True)
    meeting_id = fields.Integer(allow_none=True, required=True)
    created_at = UtcMoment(required=True)
    completed_at = UtcMoment(allow_none=True, required=True)
    updated_at = UtcMoment(required=True)


class MilestoneSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    target_date = fields.Date(required=True)
    status = fields.Enum(MilestoneStatus, by_value=True, required=True)
    achieved_on = fields.Date(allow_none=True, required=True)
    workstream = fields.String(allow_none=True, required=True)
    rag = fields.String(allow_none=True, required=True, validate=validate.OneOf(RAG_COLOURS),
                        metadata={"description": RAG_RULE})
    rag_reason = fields.String(allow_none=True, required=True)
    updated_at = UtcMoment(required=True)


class MeetingSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.Enum(MeetingKind, by_value=True, required=True)
    day = fields.Date(required=True)
    start_time = fields.Time(allow_none=True, required=True,
                             metadata={"description": "Local time in England"})
    end_time = fields.Time(allow_none=True, required=True)
    status = fields.Enum(MeetingStatus, by_value=True, required=True)
    updated_at = UtcMoment(required=True)


class OutcomeSchema(Schema):
    """Aggregate counts for one financial quarter: no child is identifiable."""

    id = fields.Integer(required=True)
    period = fields.String(required=True, metadata={"description": "e.g. 2026-Q2 (July to "
                                                    "September 2026): financial quarters"})
    year = fields.Integer(required=True, metadata={"description": "The financial year's start"})
    quarter = fields.Integer(required=True)
    returned_home = fields.Integer(required=True)
    framework_cases = fields.Integer(required=True)
    reentered_3_months = fields.Integer(allow_none=True, required=True)
    framework_reentered_3_months = fields.Integer(allow_none=True, required=True)
    reentered_12_months = fields.Integer(allow_none=True, required=True)
    framework_reentered_12_months = fields.Integer(allow_none=True, required=True)
    repeat_breakdowns = fields.Integer(allow_none=True, required=True)
    not_returned_risk = fields.Integer(required=True)
    unplanned_returns = fields.Integer(required=True)
    returned_s20 = fields.Integer(required=True)
    returned_care_order = fields.Integer(required=True)
    updated_at = UtcMoment(required=True)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The page wrapper every list endpoint returns, ordered by id."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "next_after": fields.Integer(allow_none=True, required=True, metadata={
            "description": "Pass as `after` for the next page; null on the last page"}),
        "next": fields.String(allow_none=True, required=True,
                              metadata={"description": "The next page's address, or null"}),
    }, name=name)


TaskPage = page_of(TaskSchema, "TaskPage")
ActionPage = page_of(ActionSchema, "ActionPage")
MilestonePage = page_of(MilestoneSchema, "MilestonePage")
MeetingPage = page_of(MeetingSchema, "MeetingPage")
OutcomePage = page_of(OutcomeSchema, "OutcomePage")


