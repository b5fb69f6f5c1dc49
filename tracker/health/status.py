"""The one rule that turns a programme's signals into On track / At risk / Off track.

- Off track: at least `off_track_serious` serious signals (default 2);
- At risk: one serious signal, or at least `at_risk_warnings` warnings (default 3);
- On track: otherwise.
The reasons are the top three signals, serious ones first, each in the registry's order.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tracker.health.signals import Signal
from tracker.health.thresholds import Thresholds

TOP_REASONS = 3


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}[self.value]

    @property
    def rank(self) -> int:
        """Worse is higher: for sorting worst first and telling whether it got worse."""
        return {"on_track": 0, "at_risk": 1, "off_track": 2}[self.value]

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour."""
        return {"on_track": "green", "at_risk": "yellow", "off_track": "red"}[self.value]


@dataclass(frozen=True)
class Judgement:
    status: Status
    signals: list[Signal]  # ordered: serious first

    @property
    def reasons(self) -> list[Signal]:
        return self.signals[:TOP_REASONS]

    @property
    def summary(self) -> str:
        """"Off track: 3 of 5 milestones are red; Phase 2 is 8% done after 140 days"."""
        if not self.signals:
            return f"{self.status.label}: no warning signs"
        return f"{self.status.label}: " + "; ".join(s.sentence for s in self.reasons)


def judge(signals: list[Signal], thresholds: Thresholds) -> Judgement:
    ordered = sorted(signals, key=lambda s: not s.serious)  # stable: registry order kept
    serious = sum(1 for s in signals if s.serious)
    warnings = len(signals) - serious
    if serious >= thresholds["off_track_serious"]:
        status = Status.OFF_TRACK
    elif serious >= 1 or warnings >= thresholds["at_risk_warnings"]:
        status = Status.AT_RISK
    else:
        status = Status.ON_TRACK
    return Judgement(status, ordered)
