"""The evaluation area: the questionnaire data, opening rounds, answering anonymously through
the link with save-and-return, response rates that never say who answered, the link and the
reminders through the outbox, and the paired results page and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import form_errors
from tests.factories import add_group_member, date_fields
from tracker import clock
from tracker.datafiles import ChecklistError
from tracker.evaluation import questionnaires, services, statistics
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    EvaluationResponse,
    EvaluationRound,
    GroupKind,
    OutboxMessage,
    Programme,
    Role,
)

BASE = "/a/testshire/evaluation"
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, 0))


def _round(programme, time=1, audience="practice", closes_on=date(2026, 12, 4)):
    round_ = services.open_round(programme, audience=audience, time=time, closes_on=closes_on,
                                 actor=None, today=TODAY)
    db.session.commit()
    return round_


def _answer(round_, code, answers, sent=True):
    response, _key = services.start_response(round_, services.MatchingCode(*code))
    services.save_answers(response, answers)
    if sent:
        services.submit(response)
    db.session.commit()
    return response


# -- the questionnaires as data ----------------------------------------------------------------

def test_the_four_questionnaires_load_with_provenance_and_pair_by_key():
    data = questionnaires.load()
    assert {(i.audience, i.time) for i in data.instruments} == {
        ("practice", 1), ("practice", 2), ("strategic", 1), ("strategic", 2)}
    practice = {first.key: (first.number, second.number)
                for first, second in data.paired("practice")}
    # 004 Table 7's statements, Q31–Q46 at Time 1 and Q48–Q63 at Time 2.
    assert practice["caseloads"] == ("Q31", "Q48")
    assert practice["capacity-to-change-confidence"] == ("Q34", "Q51")
    assert practice["mentoring"] == ("Q46", "Q63")
    assert practice["research-awareness"] == ("Q16", "Q32")
    for instrument in data.instruments:
        assert instrument.source.startswith("Bristol evaluation")
        for item in instrument.items():
            assert item.source or (item.reconstructed and item.basis), item.key
    reconstructed = [i.key for x in data.instruments for i in x.items() if i.reconstructed]
    assert reconstructed == ["services-parenting", "changes-parent-child"]


def test_every_question_is_transcribed_but_the_ones_the_header_leaves_out():
    # The paper questionnaires' numbering (004 Appendix 1): before these come the matching code
    # and the "about you" questions, which Homeward leaves out on purpose.
    asked = {("practice", 1): (14, 48), ("practice", 2): (6, 74),
             ("strategic", 1): (12, 50), ("strategic", 2): (6, 85)}
    for instrument in questionnaires.load().instruments:
        first, last = asked[(instrument.audience, instrument.time)]
        numbers = {int(item.number.removeprefix("Q")) for item in instrument.items()}
        assert numbers == set(range(first, last + 1)), instrument.key


def test_knowledge_items_read_as_yes_or_no_as_the_evaluation_did():
    practice = questionnaires.current().instrument("practice", 1)
    universal = practice.item("universal-services")  # research shows this is not so
    assert [universal.yes(c) for c in (1, 3, 4, 5, 7)] == [True, True, False, False, False]
    alcohol = practice.item("substance-maltreatment-research")  # research shows this is so
    assert [alcohol.yes(c) for c in (1, 4, 5, 7)] == [False, False, True, True]
    services_item = practice.item("services-mental-health")
    assert [services_item.yes(c) for c in (0, 1, 2)] == [None, True, False]
    awareness = practice.item("research-awareness")
    assert [awareness.yes(c) for c in (1, 2, 3, 4)] == [True, True, False, False]


def test_a_bad_data_file_is_refused_naming_the_file_and_the_item():
    text = questionnaires.CHECKLISTS_DIR.joinpath("questionnaires.toml").read_text()
    broken = text.replace('key = "caseloads"\nnumber = "Q31"',
                          'key = "caseloads"\nnumber = "Q31"\nfinding = "yes"', 1)
    with pytest.raises(ChecklistError, match=r"questionnaires.toml: .*practitioners-t1.*finding"):
        questionnaires.parse(broken, "questionnaires.toml")


def test_check_checklists_validates_the_questionnaires(runner):
    result = runner.invoke(args=["check-checklists"])
    assert result.exit_code == 0, result.output
    assert "Evaluation questionnaires" in result.output


# -- rounds --------------------------------------------------------------------------------------

def test_the_steering_group_opens_a_round(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/rounds", data={
        "audience": "practice", "time": "1", "closes_on": date_fields(date(2026, 12, 11))})
    assert response.status_code == 302
    round_ = db.session.execute(select(EvaluationRound)).scalar_one()
    assert (round_.audience, round_.time, round_.closes_on) == ("practice", 1, date(2026, 12, 11))
    assert len(round_.token) >= 32
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.entity_type == "evaluation_round")).scalar_one().action == "created"


def test_a_round_closing_in_the_past_is_refused_at_the_field(client, signed_in, programme):
    signed_in(Role.LEAD)
    response = client.post(f"{BASE}/rounds", data={
        "audience": "practice", "time": "1", "closes_on": date_fields(date(2026, 11, 1))})
    assert response.status_code == 400
    assert form_errors(response.get_data(as_text=True)) == [
        "The closing date must be today or later"]


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.OBSERVER, Role.CONSULTANT])
def test_only_the_steering_group_opens_rounds_but_members_see_them(client, signed_in, programme,
                                                                   role):
    round_ = _round(programme, time=2)
    signed_in(role)
    assert client.post(f"{BASE}/rounds", data={"audience": "practice", "time": "1"}).status_code == 403
    assert client.post(f"{BASE}/rounds/{round_.id}/close").status_code == 403
    assert client.get(f"{BASE}/rounds/{round_.id}").status_code == 200
    assert client.get(f"{BASE}/rounds/{round_.id}/results").status_code == 200


def test_the_round_page_shows_the_response_rate_never_who_answered(client, signed_in, programme,
                                                                   create_user):
    people = [create_user(name=f"Practitioner {n}") for n in range(4)]
    for person in people:
        add_group_member(programme, GroupKind.PRACTICE, user=person)
    round_ = _round(programme)
    _answer(round_, ("ja", "th", 19, 4), {"caseloads": 3})
    _answer(round_, ("ja", "th", 19, 4), {"caseloads": 4})  # the same person again
    _answer(round_, ("bo", "es", 1, 12), {"caseloads": 5}, sent=False)
    signed_in(Role.STEERING)
    page = client.get(f"{BASE}/rounds/{round_.id}").get_data(as_text=True)
    assert "25% of the 4 current members of the group" in page
    assert "Started, not sent yet" in page
    for person in people:
        assert person.name not in page
    assert round_.token in page


# -- answering -----------------------------------------------------------------------------------

def _start(client, round_, **typed):
    fields = {"first_name_start": "Ja", "surname_end": "th", "birthday_day": "19",
              "birthday_month": "4", **typed}
    return client.post(f"/questionnaire/{round_.token}", data=fields)


def test_answering_needs_no_account_and_stores_no_name_or_birthday(client, programme):
    round_ = _round(programme)
    assert client.get(f"/questionnaire/{round_.token}").status_code == 200
    started = _start(client, round_)
    assert started.status_code == 302
    page_1 = started.headers["Location"]
    assert re.fullmatch(rf"/questionnaire/{round_.token}/[\w-]{{30,}}/1", page_1)
    stored = db.session.execute(select(EvaluationResponse)).scalar_one()
    assert re.fullmatch(r"[0-9a-f]{64}", stored.matching_hash)
    assert "JATH" not in stored.matching_hash and "1904" not in stored.matching_hash
    assert page_1.split("/")[3] not in stored.return_hash
    # The same code gives the same hash (so Time 1 and Time 2 pair); another does not.
    assert stored.matching_hash == services.matching_hash(
        programme.id, services.MatchingCode("JA", "TH", 19, 4))
    assert stored.matching_hash != services.matching_hash(
        programme.id, services.MatchingCode("JA", "TH", 19, 5))


def test_a_wrong_matching_code_is_shown_at_its_fields_keeping_what_was_typed(client, programme):
    round_ = _round(programme)
    response = _start(client, round_, first_name_start="J", birthday_day="31", birthday_month="2")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert form_errors(page) == ["Enter the first two letters of your first name",
                                 "Enter the day and month of your birthday, like 19 and 4"]
    assert 'value="J"' in page and 'value="th"' in page and 'value="31"' in page
    assert db.session.execute(select(func.count()).select_from(EvaluationResponse)).scalar() == 0


def test_question_pages_save_and_return_then_send(client, programme):
    round_ = _round(programme)
    page_1 = _start(client, round_).headers["Location"]
    key = page_1.split("/")[3]
    pages = len(questionnaires.current().instrument("practice", 1).sections)
    # Save and come back later: the return link is shown once, and works from a new browser.
    later = client.post(page_1, data={"reunification-experience": "2", "then": "later"})
    assert later.headers["Location"].endswith(f"/{key}/saved")
    saved = client.get(later.headers["Location"]).get_data(as_text=True)
    assert f"/questionnaire/{round_.token}/{key}/1" in saved
    client.delete_cookie("session")
    again = client.get(page_1).get_data(as_text=True)
    assert re.search(r'name="reunification-experience" type="radio" value="2" checked', again)
    # An answer that is not one of the question's is refused, at the question.
    bad = client.post(page_1, data={"reunification-experience": "9", "then": "continue"})
    assert bad.status_code == 400
    assert form_errors(bad.get_data(as_text=True)) == ["Choose one of the answers"]
    statements = next(n for n, s in enumerate(
        questionnaires.current().instrument("practice", 1).sections, 1) if s.key == "statements")
    client.post(f"/questionnaire/{round_.token}/{key}/{statements}",
                data={"caseloads": "3", "mentoring": "6", "then": "continue"})
    last = client.post(f"/questionnaire/{round_.token}/{key}/{pages}",
                       data={"anything-else": "No", "then": "continue"})
    assert last.headers["Location"].endswith(f"/{key}/check")
    check = client.get(last.headers["Location"]).get_data(as_text=True)
    assert "A fair amount (6 to 10 cases)" in check and "3" in check
    sent = client.post(f"/questionnaire/{round_.token}/{key}/check")
    assert sent.headers["Location"].endswith(f"/{key}/sent")
    response = db.session.execute(select(EvaluationResponse)).scalar_one()
    assert response.submitted_at is not None
    assert response.answers["caseloads"] == 3 and response.answers["reunification-experience"] == 2
    # Once sent, the answers are no longer shown to anyone holding the link.
    after = client.get(page_1)
    assert after.status_code == 302 and after.headers["Location"].endswith("/sent")
    assert "A fair amount" not in client.get(f"/questionnaire/{round_.token}/{key}/sent").get_data(
        as_text=True)


def test_wrong_links_are_404_and_a_closed_round_cannot_be_answered(client, programme):
    round_ = _round(programme, closes_on=TODAY)
    assert client.get("/questionnaire/not-a-token").status_code == 404
    assert client.get(f"/questionnaire/{round_.token}/not-a-key/1").status_code == 404
    page_1 = _start(client, round_).headers["Location"]
    round_.closed_at = clock.now()
    db.session.commit()
    assert client.get(f"/questionnaire/{round_.token}").status_code == 410
    assert client.post(page_1, data={"caseloads": "3"}).status_code == 410


# -- the outbox ----------------------------------------------------------------------------------

def test_the_link_and_reminders_go_to_the_group_once_each(client, signed_in, programme,
                                                          create_user, add_member, authority):
    practitioner = create_user(name="Pat Practitioner")
    add_member(practitioner, authority, Role.CHAMPION)
    add_group_member(programme, GroupKind.PRACTICE, user=practitioner)
    manager = create_user(name="Max Manager")
    add_member(manager, authority, Role.STEERING)
    add_group_member(programme, GroupKind.STRATEGIC, user=manager)
    round_ = _round(programme, closes_on=date(2026, 11, 30))
    signed_in(Role.LEAD)
    client.post(f"{BASE}/rounds/{round_.id}/send")
    client.post(f"{BASE}/rounds/{round_.id}/send")
    messages = db.session.execute(select(OutboxMessage)).scalars().all()
    assert [(m.to_address, m.kind) for m in messages] == [(practitioner.email, "evaluation_link")]
    assert round_.token in messages[0].body_text
    # Reminders: none a week before closing, one each from three days before, never twice.
    assert services.queue_round_reminders(date(2026, 11, 23)) == 0
    assert services.queue_round_reminders(date(2026, 11, 27)) == 1
    assert services.queue_round_reminders(date(2026, 11, 28)) == 0
    reminder = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == "evaluation_reminder")).scalar_one()
    assert reminder.subject.startswith("Reminder:") and reminder.to_address == practitioner.email


def test_a_closed_round_sends_no_reminders(programme, create_user, add_member, authority):
    person = create_user()
    add_member(person, authority, Role.CHAMPION)
    add_group_member(programme, GroupKind.PRACTICE, user=person)
    round_ = _round(programme, closes_on=date(2026, 11, 30))
    services.close_round(round_, None)
    db.session.commit()
    assert services.queue_round_reminders(date(2026, 11, 28)) == 0


# -- results -------------------------------------------------------------------------------------

CODES = [("a" + chr(97 + n), "zz", n + 1, 3) for n in range(13)]
# 004 Table 7's capacity-to-change row, as in tests/test_evaluation_statistics.py.
CAPACITY = ([(5, 6)] * 5 + [(4, 6), (5, 7)] + [(3, 6)] + [(5, 5)] * 3 + [(6, 6)] * 2)


def _paired_rounds(programme, people=13):
    first, second = _round(programme, time=1), _round(programme, time=2)
    for code, (before, after) in list(zip(CODES, CAPACITY, strict=True))[:people]:
        _answer(first, code, {"capacity-to-change-confidence": before, "research-awareness": 3,
                              "caseloads": 4})
        _answer(second, code, {"capacity-to-change-confidence": after, "research-awareness": 2,
                               "caseloads": 4})
    _answer(second, ("zz", "zz", 1, 1), {"capacity-to-change-confidence": 7})  # no Time 1
    _answer(first, ("yy", "yy", 1, 1), {"capacity-to-change-confidence": 1}, sent=False)
    return first, second


def test_results_pair_people_and_match_the_independent_computation(programme):
    _, second = _paired_rounds(programme)
    results = services.results(second)
    assert results.matched == 13
    row = next(r for r in results.ratings if r.item.key == "capacity-to-change-confidence")
    expected = statistics.signed_rank(CAPACITY)
    assert row.result == expected
    assert round(row.result.z, 3) == -2.588
    aware = next(r for r in results.yes_no if r.item.key == "research-awareness")
    assert (aware.result.no_to_yes, aware.result.yes_to_no, aware.result.pairs) == (13, 0, 13)
    assert aware.result.p == pytest.approx(2 / 2 ** 13)
    assert results.verdict()[0] == 1  # capacity to change improved significantly


def test_the_results_page_and_csv_show_table_7(client, signed_in, programme):
    _, second = _paired_rounds(programme)
    signed_in(Role.OBSERVER)
    page = client.get(f"{BASE}/rounds/{second.id}/results").get_data(as_text=True)
    assert "-2.588" in page and "0.010" in page and "Large effect" in page
    assert "13</strong> people answered both" in page
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"{BASE}/rounds/{second.id}/results.csv").get_data(as_text=True).lstrip("\ufeff"))))
    capacity = next(r for r in rows if r["question"] == "Q51")
    assert (capacity["negative_ranks"], capacity["positive_ranks"], capacity["ties"]) == ("0", "8", "5")
    assert (capacity["z"], capacity["p_two_sided"], capacity["r"]) == ("-2.588", "0.010", "-0.508")


def test_small_samples_carry_the_caution_and_under_five_pairs_only_counts(client, signed_in,
                                                                          programme):
    _, second = _paired_rounds(programme, people=4)
    signed_in(Role.STEERING)
    page = client.get(f"{BASE}/rounds/{second.id}/results").get_data(as_text=True)
    assert statistics.CAUTION in page
    assert statistics.COUNTS_ONLY in page
    row = next(r for r in services.results(second).ratings
               if r.item.key == "capacity-to-change-confidence")
    assert row.result.pairs == 4 and row.result.z is None and row.result.median_t1 is None


def test_a_time_1_round_has_no_results_page(client, signed_in, programme):
    first = _round(programme, time=1)
    signed_in(Role.STEERING)
    assert client.get(f"{BASE}/rounds/{first.id}/results").status_code == 404


def test_headlines_for_the_portfolio_and_report(programme, create_user):
    add_group_member(programme, GroupKind.PRACTICE, user=create_user())
    assert services.headlines([programme.id]) == {}
    _, second = _paired_rounds(programme)
    headline = services.headlines([programme.id])[programme.id]
    assert headline.round.id == second.id and headline.counts.sent == 14
    # Tested: capacity to change (improved) and caseloads (all unchanged).
    assert headline.change == (1, 0, 1)
    assert headline.words().startswith("Time 2, practice group: 100% responded; 1 statement improved")


def test_pages_run_a_fixed_number_of_queries(client, signed_in, programme, count_queries):
    signed_in(Role.STEERING)
    _, second = _paired_rounds(programme, people=3)
    urls = [BASE, f"{BASE}/rounds/{second.id}", f"{BASE}/rounds/{second.id}/results"]
    small = []
    for url in urls:
        with count_queries() as q:
            assert client.get(url).status_code == 200
        small.append(q.count)
    db.session.execute(db.delete(EvaluationResponse))
    db.session.commit()
    _paired_rounds(programme)
    for url, before in zip(urls[:1], small[:1], strict=True):
        with count_queries() as q:
            client.get(url)
        assert q.count == before, url
    big_second = db.session.execute(select(EvaluationRound).where(EvaluationRound.time == 2)
                                    .order_by(EvaluationRound.id.desc())).scalars().first()
    for url, before in zip([f"{BASE}/rounds/{big_second.id}",
                            f"{BASE}/rounds/{big_second.id}/results"], small[1:], strict=True):
        with count_queries() as q:
            client.get(url)
        assert q.count == before, url


def test_the_morning_reminders_job_includes_rounds_closing_soon(programme, create_user,
                                                                add_member, authority):
    from tracker.scheduler import queue_all_reminders

    person = create_user()
    add_member(person, authority, Role.CHAMPION)
    add_group_member(programme, GroupKind.PRACTICE, user=person)
    _round(programme, closes_on=date(2026, 11, 30))
    assert queue_all_reminders(date(2026, 11, 28)) == 1
    assert queue_all_reminders(date(2026, 11, 29)) == 0


def test_the_plain_summary_reads_section_20_and_false_findings_the_right_way_round(programme):
    first, second = _round(programme, time=1), _round(programme, time=2)
    for n in range(5):
        code = ("q" + chr(97 + n), "zz", n + 1, 5)
        _answer(first, code, {"section-20": 6, "universal-services": 6, "caseloads": 2})
        _answer(second, code, {"section-20": 2, "universal-services": 2, "caseloads": 6})
    rows = {r.item.key: (r.improved, r.worse) for r in services.results(second).ratings}
    assert rows["section-20"] == rows["universal-services"] == rows["caseloads"] == (5, 0)


def test_a_time_2_round_mostly_worse_is_a_health_warning(programme, create_user):
    from tracker.health import services as health

    add_group_member(programme, GroupKind.PRACTICE, user=create_user())
    first, second = _round(programme, time=1), _round(programme, time=2)
    for code, (before, after) in zip(CODES, CAPACITY, strict=True):
        _answer(first, code, {"capacity-to-change-confidence": after})  # the improvement reversed
        _answer(second, code, {"capacity-to-change-confidence": before})
    signals = {s.key: s for s in health.assess(programme, "testshire").judgement.signals}
    assert signals["evaluation_worse"].sentence == (
        "Staff questionnaires at Time 2: 1 statement significantly worse, 0 better")
    assert signals["evaluation_worse"].evidence.url() == f"/a/testshire/evaluation/rounds/{second.id}"


def test_headlines_for_many_authorities_take_a_fixed_number_of_queries(
        programme, create_authority, create_user, count_queries):
    add_group_member(programme, GroupKind.PRACTICE, user=create_user())
    _paired_rounds(programme, people=3)
    ids = [programme.id]
    with count_queries() as q:
        services.headlines(ids)
    few = q.count
    for n in range(3):
        other = create_authority(f"Other {n}", f"other-{n}")
        other_programme = db.session.execute(
            select(Programme).where(Programme.authority_id == other.id)).scalar_one()
        _paired_rounds(other_programme, people=3)
        ids.append(other_programme.id)
    with count_queries() as q:
        found = services.headlines(ids)
    assert q.count == few and len(found) == 4 and all(h.change for h in found.values())


def test_a_respondents_own_markup_comes_back_as_text(client, programme):
    round_ = _round(programme)
    key = _start(client, round_).headers["Location"].split("/")[3]
    pages = len(questionnaires.current().instrument("practice", 1).sections)
    typed = '<script>alert(1)</script><b onclick="x()">bold</b>'
    client.post(f"/questionnaire/{round_.token}/{key}/{pages}",
                data={"anything-else": typed, "then": "later"})
    for path in (f"{pages}", "check"):
        page = client.get(f"/questionnaire/{round_.token}/{key}/{path}").get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert" not in page and "<b onclick" not in page
