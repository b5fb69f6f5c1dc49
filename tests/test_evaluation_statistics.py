"""The evaluation's tests on paired answers, checked against a computation by hand (ranks
averaged over ties, the tie-corrected variance, the normal distribution from math.erfc) and
against figures printed in the evaluation's own Table 7."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from tracker.evaluation import statistics as st


def by_hand(pairs):
    """Wilcoxon signed-rank as SPSS reports it, written out: zero differences dropped, average
    ranks for tied |differences|, variance n(n+1)(2n+1)/24 - sum(t^3 - t)/48, Z from the
    smaller rank sum, no continuity correction; p two-sided from the normal; r = Z/sqrt(2 x pairs)."""
    diffs = [b - a for a, b in pairs if b != a]
    sizes = Counter(abs(d) for d in diffs)
    rank, next_rank = {}, 1
    for size in sorted(sizes):
        rank[size] = next_rank + (sizes[size] - 1) / 2
        next_rank += sizes[size]
    plus = sum(rank[abs(d)] for d in diffs if d > 0)
    minus = sum(rank[abs(d)] for d in diffs if d < 0)
    n = len(diffs)
    variance = n * (n + 1) * (2 * n + 1) / 24 - sum(t ** 3 - t for t in sizes.values()) / 48
    z = (min(plus, minus) - n * (n + 1) / 4) / math.sqrt(variance)
    p = math.erfc(abs(z) / math.sqrt(2))
    return z, p, z / math.sqrt(2 * len(pairs))


# 004 Table 7, "I feel confident ... full assessment of a parent's capacity to change":
# 0 negative, 8 positive, 5 ties, medians 5 and 6, 13 pairs, Z = -2.588, p = 0.010.
CAPACITY_TO_CHANGE = ([(5, 6)] * 5 + [(4, 6), (5, 7)] + [(3, 6)]
                      + [(5, 5)] * 3 + [(6, 6)] * 2)
# 004 Table 7, "Before making a decision ... read a child's case files": 12 negative,
# 1 positive, 0 ties, medians 7 and 5, 13 pairs, Z = -3.008, p = 0.003.
CASE_FILES = ([(7, 6)] * 4 + [(7, 5)] * 5 + [(7, 4)] * 2 + [(7, 3)] + [(6, 7)])
# Ties among the differences, zero differences, both signs.
MIXED = [(1, 3), (2, 2), (4, 6), (5, 4), (3, 5), (6, 6), (2, 5), (7, 5), (4, 5), (3, 3),
         (1, 4), (5, 7)]


def test_reproduces_a_published_row_with_ties_and_zero_differences():
    row = st.signed_rank(CAPACITY_TO_CHANGE)
    assert (row.negative, row.positive, row.ties, row.pairs) == (0, 8, 5, 13)
    assert (row.median_t1, row.median_t2) == (5, 6)
    assert round(row.z, 3) == -2.588
    assert round(row.p, 3) == 0.010
    assert row.significant


def test_reproduces_a_published_row_where_ratings_fell():
    row = st.signed_rank(CASE_FILES)
    assert (row.negative, row.positive, row.ties, row.pairs) == (12, 1, 0, 13)
    assert (row.median_t1, row.median_t2) == (7, 5)
    assert round(row.z, 3) == -3.008
    assert round(row.p, 3) == 0.003


@pytest.mark.parametrize("pairs", [CAPACITY_TO_CHANGE, CASE_FILES, MIXED])
def test_z_p_and_r_equal_the_hand_computation(pairs):
    row = st.signed_rank(pairs)
    z, p, r = by_hand(pairs)
    assert row.z == pytest.approx(z, abs=1e-9)
    assert row.p == pytest.approx(p, abs=1e-9)
    assert row.r == pytest.approx(r, abs=1e-9)
    assert row.z <= 0  # as SPSS prints it: from the smaller rank sum


def test_effect_size_uses_twice_the_pairs_and_cohens_bands():
    row = st.signed_rank(CAPACITY_TO_CHANGE)
    assert row.r == pytest.approx(-2.588 / math.sqrt(26), abs=1e-3)
    assert row.effect == "Large effect"
    assert [st.effect_band(r) for r in (0.05, -0.1, 0.29, 0.3, -0.49, 0.5, -0.9)] == [
        "No effect", "Small effect", "Small effect", "Medium effect", "Medium effect",
        "Large effect", "Large effect"]


def test_all_zero_differences_give_no_change():
    row = st.signed_rank([(4, 4)] * 6)
    assert (row.ties, row.z, row.p, row.r) == (6, 0.0, 1.0, 0.0)
    assert not row.significant


def test_fewer_than_ten_pairs_carry_the_caution():
    assert st.signed_rank(MIXED[:9]).caution == st.CAUTION
    assert st.signed_rank(MIXED[:10]).caution == ""


def test_fewer_than_five_pairs_show_counts_only():
    row = st.signed_rank(MIXED[:4])
    assert row.counts_only and row.caution == st.COUNTS_ONLY
    assert (row.pairs, row.negative, row.positive, row.ties) == (4, 1, 2, 1)
    assert (row.median_t1, row.median_t2, row.z, row.p, row.r) == (None,) * 5
    assert not st.mcnemar_exact([(True, False)] * 4).p


def test_mcnemar_exact_is_the_binomial_on_discordant_pairs():
    # 1 yes->no, 8 no->yes, 4 unchanged: p = 2 x P(X <= 1), X ~ Bin(9, 1/2) = 20/512.
    pairs = [(True, False)] + [(False, True)] * 8 + [(True, True)] * 3 + [(False, False)]
    row = st.mcnemar_exact(pairs)
    assert (row.pairs, row.yes_t1, row.yes_t2, row.yes_to_no, row.no_to_yes) == (13, 4, 11, 1, 8)
    assert row.unchanged == 4
    assert row.p == pytest.approx(2 * (1 + 9) / 2 ** 9)
    assert row.significant


def test_mcnemar_without_discordant_pairs_is_p_one():
    row = st.mcnemar_exact([(True, True)] * 3 + [(False, False)] * 3)
    assert row.p == 1.0 and not row.significant
