"""The tests the evaluation used on paired Time 1 / Time 2 answers, with scipy doing the
distributions (004 lines 812–860).

- 7-point ratings: Wilcoxon's signed-rank test as SPSS reports it ("Asymp. Sig."): zero
  differences dropped, ranks averaged over ties with the variance corrected for them, the
  normal approximation without continuity correction. Z is SPSS's: computed from the smaller
  rank sum, so never positive. Effect size r = Z / sqrt(N), N the number of observations
  (two per pair), banded as Cohen (1988) via 004 footnote 9.
- Yes/no items: McNemar's exact test, two-sided: a binomial test on the discordant pairs.

The thresholds are here, in one place, and the results page prints them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

SIGNIFICANCE = 0.05


def _scipy_stats():
    """scipy.stats, imported when first needed: the import takes seconds, and most processes
    (every web worker as it starts, every command such as send-due) never use it."""
    from scipy import stats

    return stats


# Under this many pairs a result comes with the caution 004 gives for its small samples.
CAUTION_BELOW = 10
# Under this many pairs only the counts are shown: small numbers can identify people.
COUNTS_ONLY_BELOW = 5
# Cohen's rules of thumb for r, as 004 footnote 9: (lower bound of |r|, label), largest first.
EFFECT_BANDS = ((0.5, "Large effect"), (0.3, "Medium effect"), (0.1, "Small effect"),
                (0.0, "No effect"))
CAUTION = ("Fewer than 10 pairs: treat with caution. A difference found in so small a group "
           "might not be found in a larger one.")
COUNTS_ONLY = "Fewer than 5 pairs: only the counts are shown, as small numbers can identify people."


def effect_band(r: float) -> str:
    size = abs(r)
    return next(label for bound, label in EFFECT_BANDS if size >= bound)


class _Paired:
    """What a paired result says of its own size and significance, for either test."""

    pairs: int
    p: float | None

    @property
    def counts_only(self) -> bool:
        return self.pairs < COUNTS_ONLY_BELOW

    @property
    def caution(self) -> str:
        if self.counts_only:
            return COUNTS_ONLY
        return CAUTION if self.pairs < CAUTION_BELOW else ""

    @property
    def significant(self) -> bool:
        return self.p is not None and self.p < SIGNIFICANCE


@dataclass(frozen=True)
class SignedRank(_Paired):
    """One paired 7-point statement, laid out as 004's Table 7."""

    pairs: int
    negative: int  # Time 2 lower than Time 1
    positive: int  # Time 2 higher
    ties: int
    median_t1: float | None = None
    median_t2: float | None = None
    z: float | None = None
    p: float | None = None
    r: float | None = None

    @property
    def effect(self) -> str:
        return effect_band(self.r) if self.r is not None else ""


def signed_rank(pairs: Sequence[tuple[int, int]]) -> SignedRank:
    """The Table 7 row for (Time 1, Time 2) ratings of one statement by the same people."""
    first = [a for a, _ in pairs]
    second = [b for _, b in pairs]
    negative = sum(b < a for a, b in pairs)
    positive = sum(b > a for a, b in pairs)
    counts = SignedRank(len(pairs), negative, positive, len(pairs) - negative - positive)
    if counts.counts_only:
        return counts
    medians = {"median_t1": statistics.median(first), "median_t2": statistics.median(second)}
    if negative + positive == 0:
        # Every pair unchanged: nothing to rank, so no test (SPSS reports Z = 0, p = 1).
        return SignedRank(**{**counts.__dict__, **medians, "z": 0.0, "p": 1.0, "r": 0.0})
    result = _scipy_stats().wilcoxon(second, first, zero_method="wilcox", correction=False,
                            method="approx", alternative="two-sided")
    z = float(result.zstatistic)
    return SignedRank(**{**counts.__dict__, **medians, "z": z, "p": float(result.pvalue),
                         "r": z / math.sqrt(2 * len(pairs))})


@dataclass(frozen=True)
class McNemar(_Paired):
    """One paired yes/no item: how many said yes at each time, and who changed."""

    pairs: int
    yes_t1: int
    yes_t2: int
    yes_to_no: int
    no_to_yes: int
    p: float | None = None

    @property
    def unchanged(self) -> int:
        return self.pairs - self.yes_to_no - self.no_to_yes


def mcnemar_exact(pairs: Sequence[tuple[bool, bool]]) -> McNemar:
    """McNemar's exact test (two-sided) on (Time 1 yes?, Time 2 yes?) for the same people."""
    yes_to_no = sum(a and not b for a, b in pairs)
    no_to_yes = sum(b and not a for a, b in pairs)
    counts = McNemar(len(pairs), sum(a for a, _ in pairs), sum(b for _, b in pairs),
                     yes_to_no, no_to_yes)
    if counts.counts_only:
        return counts
    discordant = yes_to_no + no_to_yes
    p = 1.0 if discordant == 0 else float(
        _scipy_stats().binomtest(no_to_yes, discordant, 0.5, alternative="two-sided").pvalue)
    return McNemar(**{**counts.__dict__, "p": p})
