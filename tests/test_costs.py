"""The cost calculator's pages: a GET form anyone may use, messages at the field, saved named
scenarios (audited), the one chosen for the steering-group report, and query counts. The
arithmetic itself is tested in tests/test_costs_calculator.py."""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from flask import render_template_string
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import form_errors
from tracker import clock
from tracker.costs import calculator as calc
from tracker.costs import services
from tracker.extensions import db
from tracker.models import AuditEvent, CostScenario, FinancialQuarter, Role
from tracker.outcomes import services as outcomes

BASE = "/a/testshire/costs"
EXAMPLE = {"probability": "45", "returning": "80", "reentry_cost": "61,614",
           "support_cost": "5627"}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def _scenario(programme, name="National figures", in_report=False, **changes) -> CostScenario:
    inputs = calc.CostInputs(**{**calc.DEFAULTS.__dict__, **changes})
    scenario = services.save_scenario(programme, name=name, inputs=inputs, in_report=in_report,
                                      actor=None)
    db.session.commit()
    return scenario


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(CostScenario)).scalar()


# -- the calculator ---------------------------------------------------------------------------------

def test_the_calculator_opens_on_the_national_figures(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    page = client.get(BASE).get_data(as_text=True)
    assert 'value="47"' in page and 'value="80"' in page
    assert 'value="61,614"' in page and 'value="5,627"' in page
    assert "£2,316,686" in page  # 47% × 80 × £61,614
    assert "£450,160" in page and "7.31, so 8 children" in page


def test_the_seeds_worked_example_comes_out_on_the_page(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    page = client.get(BASE, query_string=EXAMPLE).get_data(as_text=True)
    assert "£2,218,104" in page
    assert "45% × 80 children × £61,614" in page
    assert "£450,160" in page and "80 families × £5,627" in page
    assert "7.31, so 8 children" in page
    assert "about 36 of the 80 children" in page
    # Table 2 and Table 3 are there, with the authority's own row and column marked.
    assert "12,014,730" in page and "10,166,310" in page
    assert re.findall(r'<td class="[^"]*app-grid__yours">([^<]*)</td>', page) == ["2,218,104"]
    assert page.count("(your figure)") == 3  # the row and column headers, and Table 3's row


def test_an_observer_can_calculate_but_not_save(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    page = client.get(BASE, query_string=EXAMPLE).get_data(as_text=True)
    assert "Save this scenario" not in page
    assert client.post(f"{BASE}/scenarios", data={**EXAMPLE, "name": "Mine"}).status_code == 403
    assert _count() == 0


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("probability", "", "Enter the probability of re-entering care"),
    ("probability", "-5", "The probability of re-entering care must be 0% or more"),
    ("probability", "120%", "The probability of re-entering care must be 100% or less"),
    ("probability", "about half", "The probability of re-entering care must be a number, like 47"),
    ("probability", "47.125", "The probability of re-entering care must have no more than 2 "
                              "decimal places"),
    ("returning", "", "Enter the number of children returning home in a year"),
    ("returning", "-3", "The number of children returning home in a year must be 0 or more"),
    ("returning", "80.5", "The number of children returning home in a year must be a whole "
                          "number, like 80"),
    ("reentry_cost", "", "Enter the cost of a year of re-entry to care"),
    ("reentry_cost", "0", "The cost of a year of re-entry to care must be more than £0"),
    ("reentry_cost", "lots", "The cost of a year of re-entry to care must be an amount of money, "
                             "like £61,614"),
    ("support_cost", "-100", "The cost of support per family must be £0 or more"),
    ("support_cost", "£5,627.555", "The cost of support per family must be in pounds and pence, "
                                   "like £5,627.50"),
    ("support_cost", "NaN", "The cost of support per family must be an amount of money, like "
                            "£61,614"),
])
def test_bad_input_gets_a_message_at_the_field_and_keeps_what_was_typed(
        client, signed_in, programme, field, typed, message):
    signed_in(Role.OBSERVER)
    response = client.get(BASE, query_string={**EXAMPLE, field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert form_errors(page) == [message]
    assert f'href="#{field}"' in page
    assert f'value="{typed}"'.replace("&", "&amp;") in page or typed == ""
    assert "What these figures mean" not in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page


def test_pounds_and_percent_signs_are_read(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    page = client.get(BASE, query_string={"probability": "45%", "returning": "1,000",
                                          "reentry_cost": "£61,614.00",
                                          "support_cost": " £5,627 "}).get_data(as_text=True)
    assert "£27,726,300" in page  # 0.45 × 1,000 × 61,614


def test_your_own_outcome_figures_are_offered(client, signed_in, programme):
    signed_in(Role.OBSERVER)
    assert "Use your authority&#39;s figures" not in client.get(BASE).get_data(as_text=True)
    period = FinancialQuarter(2025, 1)
    for returned in (20, 22, 18, 25):
        outcomes.create_quarter(programme, period, actor=None, returned_home=returned,
                                framework_cases=5, unplanned_returns=1, returned_s20=10,
                                returned_care_order=8, reentered_3_months=2,
                                framework_reentered_3_months=0, reentered_12_months=5,
                                framework_reentered_12_months=1, not_returned_risk=3)
        period = period.next()
    db.session.commit()
    page = client.get(BASE).get_data(as_text=True)
    assert "85 children returned home in 2025–26 Q1 to 2025–26 Q4" in page
    assert "23.5% of returns broke down within 12 months" in page  # 20 of 85
    link = re.search(r'href="([^"]*)">Use your authority', page).group(1)
    assert "returning=85" in link and "probability=23.5" in link


# -- saved scenarios ------------------------------------------------------------------------------

def test_lead_saves_a_named_scenario(client, signed_in, programme):
    lead = signed_in(Role.LEAD)
    response = client.post(f"{BASE}/scenarios", data={**EXAMPLE, "name": "Worked example"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/scenarios")
    scenario = db.session.execute(select(CostScenario)).scalar_one()
    assert (scenario.probability, scenario.returning, scenario.reentry_cost,
            scenario.support_cost, scenario.in_report) == (
        Decimal(45), 80, Decimal(61614), Decimal(5627), False)
    assert scenario.created_by_id == lead.id
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "cost_scenario")).scalar_one()
    assert event.summary == ("Cost scenario saved: Worked example (45% of 80 children, re-entry "
                             "£61,614, support £5,627)")
    page = client.get(f"{BASE}/scenarios").get_data(as_text=True)
    assert "Worked example" in page and "£2,218,104" in page and "7.31, so 8 children" in page


def test_pence_come_back_exactly(client, signed_in, programme):
    signed_in(Role.STEERING)
    client.post(f"{BASE}/scenarios", data={**EXAMPLE, "probability": "47.25",
                                           "support_cost": "5627.50", "name": "Pence"})
    scenario = db.session.execute(select(CostScenario)).scalar_one()
    assert scenario.probability == Decimal("47.25") and scenario.support_cost == Decimal("5627.5")
    page = client.get(f"{BASE}/scenarios").get_data(as_text=True)
    assert "£5,627.50" in page and "47.25%" in page


def test_a_scenario_needs_a_name_of_its_own(client, signed_in, programme):
    signed_in(Role.LEAD)
    _scenario(programme, name="National figures")
    blank = client.post(f"{BASE}/scenarios", data={**EXAMPLE, "name": " "})
    assert blank.status_code == 400
    assert form_errors(blank.get_data(as_text=True)) == ["Enter a name for the scenario"]
    taken = client.post(f"{BASE}/scenarios", data={**EXAMPLE, "name": "National figures"})
    page = taken.get_data(as_text=True)
    assert form_errors(page) == [
        "There is already a scenario called “National figures”: choose another name"]
    assert "£2,218,104" in page  # the results stay on the page
    assert _count() == 1


def test_figures_changed_on_the_way_to_saving_are_checked_again(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/scenarios", data={**EXAMPLE, "probability": "140",
                                                      "name": "Impossible"})
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "The probability of re-entering care must be 100% or less"]
    assert _count() == 0


def test_one_scenario_at_a_time_goes_in_the_report(client, signed_in, programme):
    signed_in(Role.LEAD)
    first = _scenario(programme, name="First", in_report=True)
    client.post(f"{BASE}/scenarios", data={**EXAMPLE, "name": "Second", "in_report": "y"})
    second = db.session.execute(select(CostScenario).where(
        CostScenario.name == "Second")).scalar_one()
    db.session.refresh(first)
    assert (first.in_report, second.in_report) == (False, True)
    report = services.report_scenario(programme)
    assert report.scenario.id == second.id and report.result.expected_cost == Decimal(2218104)

    assert client.post(f"{BASE}/scenarios/{first.id}/report", data={"use": "yes"}).status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.in_report, second.in_report) == (True, False)
    client.post(f"{BASE}/scenarios/{first.id}/report", data={"use": "no"})
    assert services.report_scenario(programme) is None
    changes = [e.changes for e in db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "cost_scenario", AuditEvent.entity_id == first.id)
        .order_by(AuditEvent.id)).scalars()]
    assert changes[1:] == [{"In the steering-group report": ["No", "Yes"]},
                           {"In the steering-group report": ["Yes", "No"]},
                           {"In the steering-group report": ["No", "Yes"]},
                           {"In the steering-group report": ["Yes", "No"]}]


def test_the_database_holds_one_report_scenario_per_programme(programme, create_authority):
    _scenario(programme, name="A", in_report=True)
    other = create_authority("Otherton Council", slug="otherton")
    from tracker.models import Programme

    theirs = db.session.execute(select(Programme).where(
        Programme.authority_id == other.id)).scalar_one()
    _scenario(theirs, name="B", in_report=True)  # another programme's choice is its own
    db.session.add(CostScenario(programme_id=programme.id, name="C", probability_hundredths=1,
                                returning=1, reentry_cost_pence=1, support_cost_pence=1,
                                in_report=True))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_deleting_a_scenario_asks_first_and_is_recorded(client, signed_in, programme):
    signed_in(Role.STEERING)
    scenario = _scenario(programme, in_report=True)
    page = client.get(f"{BASE}/scenarios/{scenario.id}/delete").get_data(as_text=True)
    assert "Delete “National figures”?" in page and "steering-group report" in page
    assert _count() == 1
    assert client.post(f"{BASE}/scenarios/{scenario.id}/delete").status_code == 302
    assert _count() == 0
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "cost_scenario", AuditEvent.action == "deleted")).scalar_one()
    assert event.summary.startswith("Cost scenario deleted: National figures (47% of 80")


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.CONSULTANT, Role.OBSERVER])
def test_only_the_steering_group_keeps_scenarios(client, signed_in, programme, role):
    signed_in(role)
    scenario = _scenario(programme)
    page = client.get(f"{BASE}/scenarios").get_data(as_text=True)
    assert "National figures" in page and "Use in the steering-group report" not in page
    assert client.post(f"{BASE}/scenarios/{scenario.id}/report",
                       data={"use": "yes"}).status_code == 403
    assert client.get(f"{BASE}/scenarios/{scenario.id}/delete").status_code == 403
    assert client.post(f"{BASE}/scenarios/{scenario.id}/delete").status_code == 403
    assert _count() == 1


# -- what the steering-group report includes ----------------------------------------------------------

def test_report_macros_render_the_chosen_scenario_and_the_outcome_figures(app, programme):
    _scenario(programme, name="Our figures", in_report=True, probability=Decimal(45))
    outcomes.create_quarter(programme, FinancialQuarter(2025, 1), actor=None, returned_home=20,
                            framework_cases=8, unplanned_returns=3, returned_s20=10,
                            returned_care_order=9, reentered_3_months=2,
                            framework_reentered_3_months=0, reentered_12_months=4,
                            framework_reentered_12_months=1, not_returned_risk=4)
    db.session.commit()
    with app.test_request_context():
        html = render_template_string(
            '{% from "costs/_macros.html" import cost_scenario %}'
            '{% from "outcomes/_macros.html" import outcome_figures %}'
            "{{ cost_scenario(report) }}{{ outcome_figures(summary) }}",
            report=services.report_scenario(programme),
            summary=outcomes.latest_outcomes(programme))
        empty = render_template_string(
            '{% from "costs/_macros.html" import cost_scenario %}{{ cost_scenario(none) }}')
    assert "Cost scenario: Our figures" in html and "£2,218,104" in html
    assert "4 of 20 (20%) in 2025–26 Q1. National rate within one year 20% (Home again)." in html
    assert "No cost scenario has been chosen for the report." in empty


# -- query counts -----------------------------------------------------------------------------------

def test_pages_run_a_fixed_number_of_queries(client, signed_in, programme, count_queries):
    signed_in(Role.LEAD)
    first = _scenario(programme, name="Scenario 0", in_report=True)
    paths = (BASE, f"{BASE}?probability=40&returning=120&reentry_cost=60000&support_cost=5000",
             f"{BASE}/scenarios", f"{BASE}/scenarios/{first.id}/delete")
    counts = {}
    for path in paths:
        client.get(path)
        with count_queries() as q:
            assert client.get(path).status_code == 200
        counts[path] = q.count
    for i in range(1, 15):
        _scenario(programme, name=f"Scenario {i}", returning=10 * i)
    period = FinancialQuarter(2024, 1)
    for _ in range(8):
        outcomes.create_quarter(programme, period, actor=None, returned_home=20,
                                framework_cases=8, unplanned_returns=3, returned_s20=10,
                                returned_care_order=9, not_returned_risk=4)
        period = period.next()
    db.session.commit()
    for path, before in counts.items():
        with count_queries() as q:
            assert client.get(path).status_code == 200
        assert q.count == before, (path, q.statements)
