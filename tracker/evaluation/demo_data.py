"""The demo authority's questionnaires: a closed Time 1 round before the first practice
learning set and a closed Time 2 round after the last, answered by the seven members of the
practice group (six of them both times, so the results carry the small-sample caution). The
answers are synthetic, drawn from a fixed seed, leaning towards more confidence at Time 2 as
the evaluation found.
Called from tracker.demo.load()."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tracker import demo
from tracker.evaluation import questionnaires, services
from tracker.models import EvaluationRound

PRACTITIONERS = 7
BOTH_TIMES = 6


def _answers(rng: random.Random, choosing: random.Random, instrument, lean: int,
             base: dict[str, int]) -> dict:
    """The statements draw from `rng` and the other closed questions from `choosing`, so
    transcribing more questions leaves the statements' answers (and the results) as they were."""
    answers: dict[str, int | str | None] = {}
    for item in instrument.items():
        if item.kind == "agreement":
            start = base.setdefault(item.key, rng.randint(2, 6))
            answers[item.key] = max(1, min(7, start + lean * rng.choice((0, 0, 1, 1, 2, -1))))
        elif item.kind == "choice":
            codes = sorted(o.code for o in item.options)
            answers[item.key] = choosing.choice(codes)
    if lean:
        answers["research-awareness"] = choosing.choice((1, 2, 2, 3))
    return answers


def _sitting(round_: EvaluationRound, opened, closes) -> None:
    round_.created_at = datetime(opened.year, opened.month, opened.day, 9, 0)
    round_.closed_at = datetime(closes.year, closes.month, closes.day, 18, 0)
    demo.backdate(round_, "evaluation_round", opened)


def load(programme, people, today) -> None:
    rng, choosing = random.Random(17), random.Random(18)
    data = questionnaires.current()
    t1_open, t1_close = today - timedelta(days=200), today - timedelta(days=186)
    t2_open, t2_close = today - timedelta(days=30), today - timedelta(days=16)
    first = services.open_round(programme, audience="practice", time=1, closes_on=t1_close,
                                actor=people["lead"], today=t1_open)
    second = services.open_round(programme, audience="practice", time=2, closes_on=t2_close,
                                 actor=people["lead"], today=t2_open)
    _sitting(first, t1_open, t1_close)
    _sitting(second, t2_open, t2_close)
    for n in range(PRACTITIONERS):
        code = services.MatchingCode(f"D{chr(65 + n)}", "MO", n + 1, n % 12 + 1)
        base: dict[str, int] = {}
        # The last one answered at Time 1 only.
        sittings = [(first, 0, t1_open)] + ([(second, 1, t2_open)] if n < BOTH_TIMES else [])
        for round_, lean, opened in sittings:
            response, _key = services.start_response(round_, code)
            response.answers = _answers(rng, choosing, data.instrument("practice", round_.time),
                                        lean, base)
            when = datetime(opened.year, opened.month, opened.day, 10, 0) + timedelta(days=n % 10)
            response.started_at = response.updated_at = response.submitted_at = when
