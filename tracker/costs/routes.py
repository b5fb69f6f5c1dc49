"""The cost calculator (Checklist Annex 3) and the authority's saved cost scenarios."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from tracker.costs import calculator as calc
from tracker.costs import forms, services
from tracker.extensions import db
from tracker.models import CostScenario
from tracker.permissions import Permission, requires
from tracker.tenancy import authority_blueprint, get_in_programme_or_404

bp = authority_blueprint("costs", __name__, "/costs")


def _render_calculator(form: forms.CalculatorForm, save_form: forms.ScenarioForm | None = None):
    result = None
    if not form.errors:
        result = calc.calculate(form.inputs())
    args = {name: form[name]._value() for name in ("probability", "returning", "reentry_cost",
                                                   "support_cost")}
    inputs = form.inputs() if result else None
    page = render_template(
        "costs/calculator.html", form=form, result=result,
        save_form=save_form or forms.ScenarioForm(),
        grid=calc.expected_cost_grid(inputs.reentry_cost, returning=inputs.returning,
                                     probability=inputs.probability) if inputs else None,
        breakeven_rows=calc.breakeven_grid(inputs.support_cost, inputs.reentry_cost,
                                           returning=inputs.returning) if inputs else None,
        local=services.local_figures(g.programme.id), args=args,
        saved=len(services.scenarios(g.programme.id)),
    )
    return page, 400 if (form.errors or (save_form and save_form.errors)) else 200


@bp.get("")
def calculator():
    if request.args:
        form = forms.CalculatorForm(request.args)
        form.validate()
    else:
        form = forms.CalculatorForm(data=forms.defaults())
    return _render_calculator(form)


@bp.post("/scenarios")
@requires(Permission.MANAGE_COST_SCENARIOS)
def save():
    # The four figures come back as typed, so they are read and checked again here.
    form = forms.CalculatorForm(request.form)
    figures_ok = form.validate()
    save_form = forms.ScenarioForm()
    if save_form.validate() and figures_ok:
        if services.name_taken(g.programme.id, save_form.name.data):
            save_form.name.errors.append(f"There is already a scenario called "
                                         f"\u201c{save_form.name.data}\u201d: choose another name")
        else:
            scenario = services.save_scenario(g.programme, name=save_form.name.data,
                                              inputs=form.inputs(),
                                              in_report=save_form.in_report.data,
                                              actor=current_user)
            db.session.commit()
            flash(f"Scenario saved: {scenario.name}"
                  + (". It will be in the steering-group report." if scenario.in_report else "."),
                  "success")
            return redirect(url_for(".scenarios"))
    return _render_calculator(form, save_form)


@bp.get("/scenarios")
def scenarios():
    rows = services.scenarios(g.programme.id)
    results = {s.id: calc.calculate(services.inputs_of(s)) for s in rows}
    return render_template("costs/scenarios.html", rows=rows, results=results,
                           report=next((s for s in rows if s.in_report), None),
                           args_of=lambda s: services.query_args(services.inputs_of(s)))


@bp.post("/scenarios/<int:scenario_id>/report")
@requires(Permission.MANAGE_COST_SCENARIOS)
def choose(scenario_id: int):
    scenario = get_in_programme_or_404(CostScenario, scenario_id)
    use = request.form.get("use") == "yes"
    if services.choose_for_report(scenario, use, current_user):
        db.session.commit()
    flash(f"{scenario.name} will be in the steering-group report." if use
          else f"{scenario.name} is no longer in the steering-group report.", "success")
    return redirect(url_for(".scenarios"))


@bp.route("/scenarios/<int:scenario_id>/delete", methods=["GET", "POST"])
@requires(Permission.MANAGE_COST_SCENARIOS)
def delete(scenario_id: int):
    scenario = get_in_programme_or_404(CostScenario, scenario_id)
    if request.method == "POST":
        name = scenario.name
        services.delete_scenario(scenario, current_user)
        db.session.commit()
        flash(f"Scenario deleted: {name}.", "success")
        return redirect(url_for(".scenarios"))
    return render_template("costs/delete.html", scenario=scenario,
                           result=calc.calculate(services.inputs_of(scenario)))
