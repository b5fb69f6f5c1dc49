"""Outcome tracking (Annex 2): financial quarters, the rules between the figures, entering and
correcting a quarter, CSV import and export, the trend page, the summary the steering-group
report shows, and query counts."""

import html
import io
import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import form_errors
from tracker import clock
from tracker.extensions import db
from tracker.models import AuditEvent, FinancialQuarter, OutcomeQuarter, Role
from tracker.outcomes import charts, questions, services

BASE = "/a/testshire/outcomes"
TODAY = date(2026, 11, 23)
Q = FinancialQuarter


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


FIGURES = {"returned_home": 20, "framework_cases": 8, "unplanned_returns": 3, "returned_s20": 10,
           "returned_care_order": 9, "reentered_3_months": 2, "framework_reentered_3_months": 0,
           "reentered_12_months": 4, "framework_reentered_12_months": 1, "repeat_breakdowns": 1,
           "not_returned_risk": 4}


def _quarter(programme, period: FinancialQuarter | None = None, **changes) -> OutcomeQuarter:
    row = services.create_quarter(programme, period or Q(2025, 2), actor=None,
                                  **{**FIGURES, **changes})
    db.session.commit()
    return row


def _form(**changes) -> dict:
    data = {k: str(v) for k, v in FIGURES.items()} | {"quarter": "2025-Q2", "notes": ""}
    data.update(changes)
    return data


# -- financial quarters ---------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "quarter"), [
    (date(2026, 4, 1), Q(2026, 1)), (date(2026, 6, 30), Q(2026, 1)), (date(2026, 7, 1), Q(2026, 2)),
    (date(2026, 12, 31), Q(2026, 3)), (date(2027, 1, 1), Q(2026, 4)), (date(2027, 3, 31), Q(2026, 4)),
])
def test_quarters_are_financial(day, quarter):
    assert Q.containing(day) == quarter


def test_quarter_labels_say_the_year_and_the_months():
    assert Q(2026, 2).label == "2026–27 Q2 (July to September 2026)"
    assert Q(2026, 4).label == "2026–27 Q4 (January to March 2027)"
    assert Q(1999, 4).short_label == "1999–00 Q4"
    assert (Q(2026, 4).start, Q(2026, 4).end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert Q(2026, 4).next() == Q(2027, 1) and Q(2027, 1).previous() == Q(2026, 4)
    assert Q(2025, 4) < Q(2026, 1) < Q(2026, 2)
    with pytest.raises(ValueError):
        Q(2026, 5)


@pytest.mark.parametrize("text", ["2026-27 Q2", "2026–27 Q2", "2026/27 q2", "2026-2027 Q2",
                                  "2026-Q2", " 2026-27Q2 "])
def test_quarters_are_read_as_people_write_them(text):
    assert services.parse_quarter(text) == Q(2026, 2)


@pytest.mark.parametrize(("text", "message"), [
    ("Q2 2026", "is not a financial quarter like 2026-27 Q2"),
    ("2026-27 Q5", "is not a financial quarter"),
    ("2026-28 Q1", "a financial year runs from 2026 to 2027"),
])
def test_bad_quarters_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        services.parse_quarter(text)


def test_only_ended_quarters_are_offered():
    offered = services.quarters_offered(TODAY)
    assert offered[0] == Q(2026, 2) and len(offered) == services.QUARTERS_OFFERED
    assert services.check_period(Q(2026, 3), TODAY) == (
        "2026–27 Q3 has not ended yet: enter its figures once it has")
    assert services.check_period(Q(2026, 2), TODAY) is None


# -- the rules between the figures -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "figure", "message"), [
    ("", "returned_home", "Enter the number for children who returned home, or 0"),
    ("-2", "returned_home", "Children who returned home must be 0 or more"),
    ("2.5", "framework_cases", "Framework cases must be a whole number, like 12"),
    ("lots", "not_returned_risk", "Not returned: risk too high must be a whole number, like 12"),
    ("100001", "returned_home", "Children who returned home must be 100,000 or fewer"),
])
def test_counts_are_whole_numbers_from_zero(text, figure, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        services.parse_count(text, services.FIGURE[figure])


def test_counts_allow_commas_and_blanks_where_not_known_yet():
    assert services.parse_count("1,204", services.FIGURE["returned_home"]) == 1204
    assert services.parse_count(" ", services.FIGURE["reentered_12_months"]) is None


def test_consistent_figures_pass():
    assert services.check_figures(FIGURES) == {}
    unknown = {**FIGURES, "reentered_12_months": None, "framework_reentered_12_months": None}
    assert services.check_figures(unknown) == {}


@pytest.mark.parametrize(("changes", "key", "message"), [
    ({"framework_cases": 21}, "framework_cases",
     "Framework cases cannot be more than the 20 children who returned home"),
    ({"unplanned_returns": 25}, "unplanned_returns", "cannot be more than the 20 children"),
    ({"reentered_3_months": 21, "reentered_12_months": 21}, "reentered_3_months",
     "Broke down within 3 months cannot be more than the 20 children who returned home"),
    ({"returned_s20": 12}, "returned_care_order",
     "Section 20 and care order together (21) cannot be more than the 20 children"),
    ({"reentered_12_months": 1}, "reentered_12_months",
     "Breakdowns within 12 months include the 2 within 3 months, so cannot be fewer"),
    ({"framework_reentered_3_months": None}, "framework_reentered_3_months",
     "Enter how many of the 2 returns that broke down within 3 months were Framework cases, or 0"),
    ({"reentered_12_months": None}, "framework_reentered_12_months",
     "Enter the returns that broke down within 12 months first, or leave this blank"),
    ({"framework_reentered_3_months": 3}, "framework_reentered_3_months",
     "cannot be more than the 2 returns that broke down within 3 months"),
    ({"framework_cases": 0, "framework_reentered_12_months": 1}, "framework_reentered_12_months",
     "cannot be more than the 0 Framework cases"),
    ({"framework_reentered_3_months": 2, "framework_reentered_12_months": 1},
     "framework_reentered_12_months", "Framework breakdowns within 12 months include the 2"),
    ({"repeat_breakdowns": 5}, "repeat_breakdowns",
     "Repeat breakdowns cannot be more than the 4 returns that broke down"),
    ({"reentered_3_months": None, "framework_reentered_3_months": None,
      "reentered_12_months": None, "framework_reentered_12_months": None},
     "repeat_breakdowns", "Enter the returns that broke down first, or leave this blank"),
])
def test_parts_cannot_be_larger_than_their_wholes(changes, key, message):
    problems = services.check_figures({**FIGURES, **changes})
    assert message in problems[key]


def test_a_figure_that_did_not_parse_is_left_to_its_own_message():
    figures = {k: v for k, v in FIGURES.items() if k != "reentered_3_months"}
    assert "framework_reentered_3_months" not in services.check_figures(figures)


def test_the_service_refuses_inconsistent_figures(programme):
    with pytest.raises(ValueError, match="cannot be more than"):
        services.create_quarter(programme, Q(2025, 1), actor=None,
                                **{**FIGURES, "framework_cases": 99})


# -- rates, the summary and the charts --------------------------------------------------------------

def test_rates_for_the_framework_and_the_rest(programme):
    view = services.QuarterView(_quarter(programme))
    assert str(view.reentry(12)) == "4 of 20 (20%)"
    assert str(view.framework_reentry(12)) == "1 of 8 (13%)"
    assert str(view.others_reentry(12)) == "3 of 12 (25%)"
    assert view.framework_share.shown == "40%"
    assert services.rate(3, 0) is None and services.rate(None, 5) is None


def test_summary_pools_the_latest_four_quarters_with_known_figures(programme):
    for i, period in enumerate([Q(2025, 1), Q(2025, 2), Q(2025, 3), Q(2025, 4), Q(2026, 1)]):
        known = period <= Q(2025, 3)
        _quarter(programme, period, returned_home=20 + i,
                 reentered_12_months=2 if known else None,
                 framework_reentered_12_months=1 if known else None)
    summary = services.latest_outcomes(programme)
    assert (summary.first, summary.latest, summary.quarters) == (Q(2025, 2), Q(2026, 1), 4)
    assert summary.returned_home == 21 + 22 + 23 + 24
    assert summary.reentry_12 == services.Rate(6, 20 + 21 + 22)
    assert summary.reentry_12_span == (Q(2025, 1), Q(2025, 3))
    assert summary.framework_12 == services.Rate(3, 24)
    assert summary.benchmarks["reentry_12_months"].percent == 20


def test_no_summary_without_figures(programme):
    assert services.latest_outcomes(programme) is None


def test_a_quarter_with_no_figure_breaks_the_line(programme):
    rows = services.views([
        _quarter(programme, Q(2025, 1)),
        _quarter(programme, Q(2025, 2), reentered_12_months=None,
                 framework_reentered_12_months=None),
        _quarter(programme, Q(2025, 3))])
    chart = charts.charts(rows, questions.current())["reentry"]
    twelve = next(s for s in chart.series if s.name == "Within 12 months")
    assert [len(run) for run in twelve.runs] == [1, 1]
    assert chart.note == "Not known yet: within 12 months for 2025–26 Q2."
    # The national lines are always inside the chart, however low the authority's rates.
    assert all(chart.top <= ref.y <= chart.plot_bottom for ref in chart.references)


def test_periods_are_written_as_runs():
    assert charts.periods_text([Q(2025, 3), Q(2025, 4), Q(2026, 1), Q(2026, 3)]) == (
        "2025–26 Q3 to 2026–27 Q1 and 2026–27 Q3")
    assert charts.periods_text([]) == ""


# -- the Annex 2 questions as data ------------------------------------------------------------------

def test_the_shipped_tracking_questions_load():
    guide = questions.load()
    assert {b.key: b.percent for b in guide.benchmarks.values()} == {
        "reentry_3_months": 12, "reentry_12_months": 20, "reentry_5_years": 30,
        "reentry_6_years": 35, "breakdown_2_years_study": 47}
    assert guide.benchmarks["reentry_3_months"].source == (
        "Home again (national survey), national rates of re-entry to care after reunification")
    characteristics = next(q for s in guide.sections for q in s.questions
                           if q.key == "characteristics")
    assert characteristics.answered_by == ("framework",)
    assert any(p.startswith("Legal status") for p in characteristics.not_yet_answered)
    for chart in ("returns", "reentry", "framework"):
        assert guide.for_chart(chart), chart
    assert [q.key for s in guide.unanswered() for q in s.questions] == [
        "tracking_period", "safety", "linking", "measures", "not_returned"]


GOOD = questions.CHECKLISTS_DIR.joinpath(questions.QUESTIONS_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace('percent = 20', 'percent = 120'),
     "benchmark reentry_12_months: percent must be a whole number from 0 to 100"),
    (lambda t: t.replace('answered_by = ["reentry"]', 'answered_by = ["nowhere"]'),
     "question reentry: answered_by names unknown chart(s) nowhere"),
    (lambda t: t.replace('key = "safety"', 'key = "returns"'),
     "question returns: duplicate question key"),
    (lambda t: t.replace('text = "How long will you track', 'txt = "How long will you track'),
     "section beyond_stability, question #1: unknown key(s) txt"),
    (lambda t: t.replace('key = "reentry_3_months"', 'key = "reentry_6_months"'),
     "benchmarks: missing reentry_3_months"),
    (lambda t: t.replace('source = "checklist: Annex 2, ongoing tracking | 000 lines 1210–1245"\n',
                         ""),
     "section stability: needs a source (document and section), or added_by_homeward = true"),
    (lambda t: t + "\n[oops", "not valid TOML"),
])
def test_bad_question_files_name_the_file_the_item_and_the_problem(change, message):
    with pytest.raises(questions.ChecklistError) as caught:
        questions.parse(change(GOOD), "tracking_questions.toml")
    assert str(caught.value).startswith("tracking_questions.toml: ")
    assert message in str(caught.value)


# -- entering a quarter ---------------------------------------------------------------------------

def test_lead_enters_a_quarter(client, signed_in, programme):
    lead = signed_in(Role.LEAD)
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    assert "2026–27 Q2 (July to September 2026)" in page
    assert "2026–27 Q3" not in page  # still running
    response = client.post(f"{BASE}/new", data=_form(notes="From the SSDA903 return"))
    assert response.status_code == 302
    row = db.session.execute(select(OutcomeQuarter)).scalar_one()
    assert (row.period, row.returned_home, row.reentered_12_months, row.notes) == (
        Q(2025, 2), 20, 4, "From the SSDA903 return")
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "outcome_quarter")).scalar_one()
    assert event.actor_id == lead.id and "2025–26 Q2" in event.summary


def test_figures_not_known_yet_are_saved_blank(client, signed_in, programme):
    signed_in(Role.STEERING)
    response = client.post(f"{BASE}/new", data=_form(
        reentered_12_months="", framework_reentered_12_months="", reentered_3_months=" ",
        framework_reentered_3_months="", repeat_breakdowns=""))
    assert response.status_code == 302
    row = db.session.execute(select(OutcomeQuarter)).scalar_one()
    assert row.reentered_3_months is None and row.reentered_12_months is None


def test_bad_figures_get_a_message_at_the_field_and_keep_what_was_typed(client, signed_in,
                                                                        programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/new", data=_form(
        quarter="", returned_home="twenty", framework_cases="-1", unplanned_returns="",
        reentered_3_months="9", reentered_12_months="3"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert form_errors(page) == [
        "Choose the quarter these figures are for",
        "Children who returned home must be a whole number, like 12",
        "Framework cases must be 0 or more",
        "Enter the number for unplanned returns, or 0",
        "Breakdowns within 12 months include the 9 within 3 months, so cannot be fewer",
    ]
    assert 'value="twenty"' in page and 'value="-1"' in page
    assert 'href="#returned_home"' in page  # the error summary links to the field
    assert db.session.execute(select(func.count()).select_from(OutcomeQuarter)).scalar() == 0


def test_subsets_larger_than_totals_are_refused_at_the_field(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/new", data=_form(framework_cases="25",
                                                     framework_reentered_12_months="9"))
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "Framework cases cannot be more than the 20 children who returned home",
        "Framework cases that broke down cannot be more than the 4 returns that broke down "
        "within 12 months",
    ]


def test_a_quarter_is_entered_once_and_only_once_it_has_ended(client, signed_in, programme):
    signed_in(Role.LEAD)
    _quarter(programme, Q(2025, 2))
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    assert 'value="2025-Q2"' not in page
    again = client.post(f"{BASE}/new", data=_form())
    assert form_errors(again.get_data(as_text=True)) == [
        "Figures for 2025–26 Q2 are already entered: change them instead"]
    early = client.post(f"{BASE}/new", data=_form(quarter="2026-Q3"))
    assert form_errors(early.get_data(as_text=True)) == [
        "2026–27 Q3 has not ended yet: enter its figures once it has"]


def test_the_form_starts_on_the_quarter_after_the_latest_entered(client, signed_in, programme):
    signed_in(Role.LEAD)
    _quarter(programme, Q(2025, 4))
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    assert re.search(r'<option value="2026-Q1" selected', page)


def test_a_change_is_recorded_from_and_to(client, signed_in, programme):
    signed_in(Role.LEAD)
    row = _quarter(programme)
    form = _form(version=row.version, reentered_12_months="5", notes="Corrected")
    form.pop("quarter")
    assert client.post(f"{BASE}/{row.id}/edit", data=form).status_code == 302
    db.session.refresh(row)
    assert row.reentered_12_months == 5
    page = client.get(f"{BASE}/{row.id}/edit").get_data(as_text=True)
    assert "Broke down within 12 months</strong>: 4 → 5" in page
    assert "Notes</strong>: <em>(blank)</em> → Corrected" in page


def test_a_second_save_over_someone_elses_is_refused(client, signed_in, programme):
    signed_in(Role.LEAD)
    row = _quarter(programme)
    seen = row.version
    services.update_quarter(row, seen_version=seen, actor=None, returned_home=21)
    db.session.commit()
    form = _form(version=seen, returned_home="22")
    form.pop("quarter")
    response = client.post(f"{BASE}/{row.id}/edit", data=form)
    assert response.status_code == 409
    assert "Someone else changed this quarter&#39;s figures" in response.get_data(as_text=True)
    db.session.refresh(row)
    assert row.returned_home == 21


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.CONSULTANT, Role.OBSERVER])
def test_only_the_steering_group_enters_figures(client, signed_in, programme, role):
    signed_in(role)
    row = _quarter(programme)
    assert client.get(BASE).status_code == 200
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.post(f"{BASE}/new", data=_form(quarter="2025-Q3")).status_code == 403
    assert client.post(f"{BASE}/{row.id}/edit", data=_form()).status_code == 403
    page = client.get(BASE).get_data(as_text=True)
    assert "Enter a quarter&#39;s figures" not in page and "/edit" not in page


# -- the trend page ---------------------------------------------------------------------------------

def test_the_page_with_no_figures_says_so(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    page = client.get(BASE).get_data(as_text=True)
    assert "No figures have been entered yet." in page
    assert "How long will you track reunified children for, and how?" in page


def test_the_trend_page_shows_charts_tables_and_questions(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    for period in (Q(2025, 1), Q(2025, 2), Q(2025, 3)):
        _quarter(programme, period)
    page = client.get(BASE).get_data(as_text=True)
    svgs = re.findall(r"<svg class=\"app-chart__svg\".*?</svg>", page, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        assert "<a " not in svg  # nothing interactive inside an image
    assert "National 20%" in page and "National 12%" in page
    assert "Are the numbers of returned children re-entering care rising" in page
    assert "Did the case use the Practice Framework?" in page
    assert "4 of 20 (20%)" in page and "1 of 8 (13%)" in page and "3 of 12 (25%)" in page
    assert "Outcome figures, 2025–26 Q1 to 2025–26 Q3" in page
    assert ' style="' not in page  # the Content-Security-Policy allows no inline styles


# -- CSV import and export -------------------------------------------------------------------------

HEADER = ",".join(services.CSV_COLUMNS)


def _upload(client, text):
    return client.post(f"{BASE}/import", data={"file": (io.BytesIO(text.encode()), "q.csv")},
                       content_type="multipart/form-data")


def test_import_previews_then_saves_and_updates_quarters_already_entered(client, signed_in,
                                                                          programme):
    signed_in(Role.LEAD)
    existing = _quarter(programme, Q(2025, 2), returned_home=20)
    text = ("\ufeff" + HEADER + "\n"
            "2025-26 Q1,18,6,2,9,8,2,0,3,1,1,3,From the 903\n"
            "2025-26 Q2,21,8,3,10,9,2,0,4,1,1,4,\n"
            "2025-26 Q3,19,9,2,9,9,,,,,,5,\n")
    preview = _upload(client, text)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Import 3 quarters" in page
    assert "Replaces the figures for 2025–26 Q2" in page and page.count("New quarter") == 2
    assert db.session.execute(select(func.count()).select_from(OutcomeQuarter)).scalar() == 1
    hidden = re.search(r'name="csv_text" type="hidden" value="([^"]*)"', page).group(1)
    done = client.post(f"{BASE}/import", data={"csv_text": html.unescape(hidden), "confirm": "1"})
    assert done.status_code == 302
    rows = {r.period: r for r in db.session.execute(select(OutcomeQuarter)).scalars()}
    assert rows[Q(2025, 1)].notes == "From the 903" and rows[Q(2025, 3)].reentered_3_months is None
    db.session.refresh(existing)
    assert existing.returned_home == 21
    assert "Children who returned home" in str(audit_changes(existing.id))


def audit_changes(entity_id):
    return [e.changes for e in db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "outcome_quarter", AuditEvent.entity_id == entity_id)).scalars()]


def test_import_names_every_bad_cell_and_saves_nothing(client, signed_in, programme):
    signed_in(Role.LEAD)
    text = (HEADER + "\n"
            "2025-26 Q1,18,6,2,9,8,2,0,3,1,1,3,\n"
            "Spring 2025,18,19,2,9,8,2,0,3,1,1,three,\n"
            "2025-26 Q1,18,6,-2,9,8,,,,,,3,\n"
            "2026-27 Q3,5,1,0,1,1,,,,,,0,\n")
    response = _upload(client, text)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    for problem in (
        "Row 3, column quarter: 'Spring 2025' is not a financial quarter like 2026-27 Q2",
        "Row 3, column framework_cases: Framework cases cannot be more than the 18 children",
        "Row 3, column not_returned_risk: Not returned: risk too high must be a whole number",
        "Row 4, column quarter: 2025–26 Q1 is also in row 2",
        "Row 4, column unplanned_returns: Unplanned returns must be 0 or more",
        "Row 5, column quarter: 2026–27 Q3 has not ended yet",
    ):
        assert problem in page, problem
    summary = page.split("Nothing has been imported")[1].split("</ul>")[0]
    assert "Row 2" not in summary
    row_3 = re.findall(r"Row 3, column (\w+)", summary)
    assert row_3 == ["quarter", "framework_cases", "not_returned_risk"]  # in the file's order
    assert db.session.execute(select(func.count()).select_from(OutcomeQuarter)).scalar() == 0


def test_import_without_the_required_columns(client, signed_in, programme):
    signed_in(Role.LEAD)
    page = _upload(client, "quarter,children\n2025-26 Q1,4\n").get_data(as_text=True)
    assert "No column is matched to Children who returned home" in page


def test_export_reads_back_through_the_import(client, signed_in, programme):
    signed_in(Role.LEAD)
    _quarter(programme, Q(2025, 1))
    _quarter(programme, Q(2025, 2), reentered_12_months=None, framework_reentered_12_months=None)
    exported = client.get(f"{BASE}/export.csv")
    assert exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.splitlines()[1].startswith("2025-26 Q1,20,8,")
    rows = services.parse_import(text, programme.id, TODAY)
    assert not any(r.problems for r in rows)
    assert [r.existing is not None for r in rows] == [True, True]
    template = client.get(f"{BASE}/template.csv").get_data(as_text=True)
    assert not any(r.problems for r in services.parse_import(template, programme.id, TODAY))


# -- query counts -----------------------------------------------------------------------------------

def test_pages_run_a_fixed_number_of_queries(client, signed_in, programme, count_queries):
    signed_in(Role.LEAD)
    first = _quarter(programme, Q(2024, 1))
    _quarter(programme, Q(2024, 2))
    counts = {}
    for path in (BASE, f"{BASE}/{first.id}/edit", f"{BASE}/new", f"{BASE}/export.csv"):
        client.get(path)
        with count_queries() as q:
            assert client.get(path).status_code == 200
        counts[path] = q.count
    period = Q(2024, 2)
    for _ in range(10):
        period = period.next()
        _quarter(programme, period)
    for i in range(5):
        services.update_quarter(first, seen_version=None, actor=None, notes=f"Edit {i}")
    db.session.commit()
    for path, before in counts.items():
        with count_queries() as q:
            assert client.get(path).status_code == 200
        assert q.count == before, (path, q.statements)


# -- demo data ------------------------------------------------------------------------------------

def test_demo_figures_are_eight_consistent_quarters_and_two_scenarios(programme, member):
    from tracker.costs import demo_data as costs_demo
    from tracker.costs import services as costs
    from tracker.outcomes import demo_data

    people = {"data": member(Role.STEERING), "lead": member(Role.LEAD)}
    demo_data.load(programme, people, TODAY)
    costs_demo.load(programme, people, TODAY)
    db.session.commit()
    rows = services.quarters(programme.id)
    assert [r.period for r in rows][-1] == Q(2026, 2) and len(rows) == 8
    for row in rows:
        assert services.check_figures({f.key: getattr(row, f.key) for f in services.FIGURES}) == {}
        # Nothing is known before it could be: 3 months, and 12 months, after the quarter ended.
        assert (row.reentered_3_months is None) == (row.period.end > date(2026, 8, 23))
        assert (row.reentered_12_months is None) == (row.period.end > date(2025, 11, 22))
    assert [s.name for s in costs.scenarios(programme.id) if s.in_report] == [
        "Our re-entry rate and placement costs"]
    assert len(costs.scenarios(programme.id)) == 2


@pytest.mark.parametrize(("highest", "percent", "top"), [
    (0, True, 5.0), (19, True, 25.0), (27, True, 30.0), (95, True, 100.0), (100, True, 100.0),
    (24, False, 25.0), (7, False, 8.0), (180, False, 200.0),
])
def test_chart_axes_hold_the_highest_value(programme, highest, percent, top):
    chart = charts._chart("c", "T", "D", [Q(2025, 1)], [("solid", "S", [highest])],
                            percent=percent)
    assert chart.y_ticks[-1][1] == (f"{top:.0f}%" if percent else f"{top:.0f}")
    assert chart.series[0].points[0].y >= chart.top
