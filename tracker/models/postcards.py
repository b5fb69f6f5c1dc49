"""Postcards between the strategic and the practice groups: what a group has committed to and
what it asks of the other group, the other group's answers, and the review at its next set."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import clock
from tracker.extensions import db, enum_type
from tracker.models.accounts import User
from tracker.models.meetings import AgendaItem, GroupKind, Meeting
from tracker.models.owned import ProgrammeOwned

if TYPE_CHECKING:
    from tracker.models.actions import Action



class PostcardStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ItemKind(enum.StrEnum):
    """A line on the postcard: something the group will do, or something it asks of the other."""

    COMMITMENT = "commitment"
    REQUEST = "request"

    @property
    def label(self) -> str:
        return {"commitment": "Commitment", "request": "Question or request"}[self.value]


class AnswerKind(enum.StrEnum):
    ANSWER = "answer"
    ACTION = "action"
    DISCUSS = "discuss"

    @property
    def label(self) -> str:
        return {"answer": "Answer", "action": "Answered with an action",
                "discuss": "To be discussed at the next meeting"}[self.value]


class AnswerState(enum.StrEnum):
    """Where a postcard's requests stand. A request put to the next meeting is not answered
    yet: the meeting still owes the sender its answer."""

    NONE = "none"
    UNANSWERED = "unanswered"
    PARTLY = "partly"
    ANSWERED = "answered"

    @property
    def label(self) -> str:
        return {"none": "No requests", "unanswered": "Unanswered", "partly": "Partly answered",
                "answered": "Answered"}[self.value]


class Postcard(ProgrammeOwned, db.Model):
    __tablename__ = "postcard"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_group: Mapped[GroupKind] = mapped_column(enum_type(GroupKind))
    # The learning set it was written at, when there was one.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    greeting: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PostcardStatus] = mapped_column(enum_type(PostcardStatus),
                                                   default=PostcardStatus.DRAFT)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The receiving group's review of it, at one of its meetings.
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    meeting: Mapped[Meeting | None] = relationship(foreign_keys=[meeting_id])
    reviewed_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[reviewed_meeting_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    items: Mapped[list[PostcardItem]] = relationship(
        back_populates="postcard", order_by="PostcardItem.position",
        cascade="all, delete-orphan",
    )

    # The version moves only when the greeting or set changes (services.update_postcard), so
    # adding a line does not refuse someone else's edit of the greeting as stale.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def to_group(self) -> GroupKind:
        return GroupKind.PRACTICE if self.from_group == GroupKind.STRATEGIC \
            else GroupKind.STRATEGIC

    @property
    def is_draft(self) -> bool:
        return self.status == PostcardStatus.DRAFT

    @property
    def title(self) -> str:
        return f"From the {self.from_group.label.lower()} to the {self.to_group.label.lower()}"

    @property
    def commitments(self) -> list[PostcardItem]:
        return [i for i in self.items if i.kind == ItemKind.COMMITMENT]

    @property
    def requests(self) -> list[PostcardItem]:
        return [i for i in self.items if i.kind == ItemKind.REQUEST]

    @property
    def answered_count(self) -> int:
        return sum(1 for i in self.requests if i.answered)

    @property
    def state(self) -> AnswerState:
        requests = self.requests
        if not requests:
            return AnswerState.NONE
        answered = self.answered_count
        if answered == len(requests):
            return AnswerState.ANSWERED
        if answered or any(i.answers for i in requests):
            return AnswerState.PARTLY
        return AnswerState.UNANSWERED


class PostcardItem(ProgrammeOwned, db.Model):
    __tablename__ = "postcard_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    postcard_id: Mapped[int] = mapped_column(ForeignKey("postcard.id"), index=True)
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    postcard: Mapped[Postcard] = relationship(back_populates="items")
    created_by: Mapped[User | None] = relationship()
    # Actions made from the line: from a commitment, or from an answer to a request.
    made_actions: Mapped[list[Action]] = relationship("Action", viewonly=True,
                                                      order_by="Action.id")
    # Actions the group already had that a commitment is about.
    linked_actions: Mapped[list[Action]] = relationship(
        "Action", secondary="postcard_item_action", order_by="Action.id")
    answers: Mapped[list[PostcardAnswer]] = relationship(
        back_populates="item", order_by="PostcardAnswer.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def actions(self) -> list[Action]:
        return [*self.made_actions, *self.linked_actions]

    @property
    def answered(self) -> bool:
        return any(a.kind != AnswerKind.DISCUSS for a in self.answers)

    @property
    def waiting_for_meeting(self) -> bool:
        return bool(self.answers) and not self.answered


postcard_item_action = Table(
    "postcard_item_action",
    db.metadata,
    Column("item_id", ForeignKey("postcard_item.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("action.id"), primary_key=True),
)


class PostcardAnswer(ProgrammeOwned, db.Model):
    """The receiving group's answer to one request: who answered, when, and what follows."""

    __tablename__ = "postcard_answer"
    __table_args__ = (UniqueConstraint("action_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("postcard_item.id"), index=True)
    kind: Mapped[AnswerKind] = mapped_column(enum_type(AnswerKind))
    text: Mapped[str] = mapped_column(Text)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    item: Mapped[PostcardItem] = relationship(back_populates="answers")
    action: Mapped[Action | None] = relationship("Action", foreign_keys=[action_id])
    agenda_item: Mapped[AgendaItem | None] = relationship()
    answered_by: Mapped[User | None] = relationship()
