"""The results as CSV: one row per paired item, the columns of 004's Table 7 and the McNemar
counts, with the same small-number rule as the page (under 5 pairs: counts only)."""

from __future__ import annotations

import io
from decimal import Decimal

from tracker import imports
from tracker.evaluation.services import Results

COLUMNS = ["question", "statement", "test", "pairs", "negative_ranks", "positive_ranks", "ties",
           "t1_median", "t2_median", "z", "p_two_sided", "r", "effect_size",
           "yes_t1", "yes_t2", "yes_to_no", "no_to_yes", "improved", "same", "worse", "caution"]


def _number(value: float | None, places: int) -> Decimal | str:
    """Rounded as the page shows it; a number, so a negative Z is not escaped as a formula."""
    return "" if value is None else Decimal(f"{value:.{places}f}")


def results_csv(results: Results) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads UTF-8
    writer = imports.csv_writer(out)
    writer.writerow(COLUMNS)
    for row in results.ratings:
        r = row.result
        writer.writerow([
            row.item.number, row.item.text, "Wilcoxon signed-rank", r.pairs, r.negative,
            r.positive, r.ties, _number(r.median_t1, 1), _number(r.median_t2, 1),
            _number(r.z, 3), _number(r.p, 3), _number(r.r, 3), r.effect, "", "", "", "",
            row.improved, r.ties, row.worse, r.caution])
    for row in results.yes_no:
        m = row.result
        writer.writerow([
            row.item.number, row.item.text, "McNemar exact", m.pairs, "", "", "", "", "", "",
            _number(m.p, 3), "", "", m.yes_t1, m.yes_t2, m.yes_to_no, m.no_to_yes,
            row.improved, m.unchanged, row.worse, m.caution])
    return out.getvalue()
