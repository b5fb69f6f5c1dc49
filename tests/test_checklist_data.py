"""The Checklist data file and the loader's error messages."""

import pytest

from tracker.checklist import data

GOOD = """
[template]
key = "implementation-checklist"
version = "9.9"
title = "Implementation Checklist"
source = "checklist: the whole document"

[[annexes]]
number = 3
title = "Costs"
source = "checklist: Annex 3 | 000 lines 1262–1456"

[[phases]]
number = 1
key = "preparation"
title = "Preparation"
summary = "Get ready."
added_by_homeward = true
basis = "The phase has no name in the Checklist."

  [[phases.outcomes]]
  text = "Ready"
  source = "checklist: By the end of Phase 1"

  [[phases.tasks]]
  number = 1
  title = "First task"
  responsible = "Assistant Director"
  annexes = [3]
  guidance = "Do it."
  source = ["checklist: Phase 1, task 5 | 000 lines 693–698", "evaluation: the set-up meeting"]

    [[phases.tasks.subpoints]]
    letter = "a"
    text = "Part a"
"""


def _error(text):
    with pytest.raises(data.ChecklistError) as exc:
        data.parse(text, "broken.toml")
    return str(exc.value)


def test_a_good_file_loads():
    template = data.parse(GOOD, "good.toml")
    assert template.version == "9.9"
    task = template.phase(1).tasks[0]
    assert task.annexes == (3,) and task.subpoints[0].letter == "a"


def test_unknown_key_names_file_item_and_key():
    message = _error(GOOD.replace('guidance = "Do it."', 'guidance = "Do it."\nowner = "x"'))
    assert message == "broken.toml: Phase 1 task 1: unknown key(s) owner"


def test_duplicate_task_number():
    second = GOOD[GOOD.index("  [[phases.tasks]]"):GOOD.index("    [[phases.tasks.subpoints]]")]
    assert _error(GOOD + "\n" + second) == "broken.toml: Phase 1 task 1: duplicate task number"


def test_missing_title():
    message = _error(GOOD.replace('title = "First task"\n', ""))
    assert message == "broken.toml: Phase 1 task 1: missing title"


def test_blank_title():
    assert _error(GOOD.replace('"First task"', '"  "')) == "broken.toml: Phase 1 task 1: title is empty"


def test_reference_to_an_unlisted_annex():
    message = _error(GOOD.replace("annexes = [3]", "annexes = [4]"))
    assert message == ("broken.toml: Phase 1 task 1: refers to Annex 4, which is not listed "
                       "under [[annexes]]")


def test_items_added_by_homeward_need_a_basis():
    marked = GOOD.replace('guidance = "Do it."', 'guidance = "Do it."\n  added_by_homeward = true')
    message = _error(marked)
    assert message == ("broken.toml: Phase 1 task 1: items added by Homeward need a basis saying "
                       "what they came from")


def test_an_item_with_neither_a_source_nor_the_homeward_mark_is_refused():
    unsourced = GOOD.replace('  source = "checklist: By the end of Phase 1"\n', "")
    assert _error(unsourced) == ("broken.toml: Phase 1 outcome 1: needs a source (document and "
                                 "section), or added_by_homeward = true with a basis")


def test_a_source_must_name_a_listed_document():
    message = _error(GOOD.replace('"checklist: Annex 3 |', '"annexes: Annex 3 |'))
    assert message.startswith("broken.toml: Annex 3: source 'annexes: Annex 3 | 000 lines "
                              "1262–1456' names no document in sources.toml")


def test_the_citation_shows_the_published_title_and_section_never_the_lines():
    template = data.parse(GOOD, "good.toml")
    assert template.phase(1).tasks[0].source == (
        "NSPCC Implementation Checklist: Phase 1, task 5. Bristol evaluation: the set-up meeting")
    assert template.phase(1).outcomes[0].source == (
        "NSPCC Implementation Checklist, By the end of Phase 1")


@pytest.mark.parametrize("shown", ["See 000_a8735e86fa4319d0.txt.", "As the seed says.",
                                   "Read it (lines 12–14).", "Noted (004, Strategic Set 2)."])
def test_text_users_read_carries_no_file_names_or_line_references(shown):
    message = _error(GOOD.replace('guidance = "Do it."', f'guidance = "{shown}"'))
    assert message.startswith("broken.toml: Phase 1 task 1: guidance shows users")


def test_line_references_in_a_sources_section_are_refused():
    message = _error(GOOD.replace('"evaluation: the set-up meeting"',
                                  '"evaluation: the set-up meeting, lines 429–451"'))
    assert "line references go after the '|'" in message


def test_invalid_toml_names_the_file():
    assert _error("[template\n").startswith("broken.toml: not valid TOML")


def test_unreadable_file(tmp_path):
    with pytest.raises(data.ChecklistError, match="missing.toml: cannot be read"):
        data.load(tmp_path / "missing.toml")


class TestTheShippedChecklist:
    template = data.load()

    def test_keeps_the_checklists_numbering(self):
        numbers = {p.number: [t.number for t in p.tasks] for p in self.template.phases}
        assert numbers[1] == list(range(1, 17))
        assert numbers[2] == list(range(1, 13))
        assert numbers[3] == list(range(1, len(numbers[3]) + 1)) and len(numbers[3]) >= 5

    def test_marks_exactly_the_lost_text_as_added_by_homeward(self):
        reconstructed = {(p.number, t.number) for p in self.template.phases for t in p.tasks
                         if t.reconstructed}
        phase3 = {(3, t.number) for t in self.template.phase(3).tasks}
        assert reconstructed == {(1, 1), (1, 2), (1, 3), (1, 4), (2, 1)} | phase3
        assert all(t.basis for p in self.template.phases for t in p.tasks if t.reconstructed)
        assert all(o.reconstructed for o in self.template.phase(3).outcomes)
        assert not any(o.reconstructed for o in self.template.phase(1).outcomes)

    def test_only_the_annex_headings_that_survive_are_unmarked(self):
        kept = {n for n, annex in self.template.annexes.items() if not annex.reconstructed}
        assert kept == {6, 8, 10}

    def test_phase_names_and_phase_3_are_marked_as_homewards(self):
        assert all(p.reconstructed and p.basis for p in self.template.phases)
        assert "no source mentions a third phase" in self.template.phase(3).basis

    def test_usually_led_by_is_a_suggestion_unless_the_source_names_the_lead(self):
        named = {(p.number, t.number) for p in self.template.phases for t in p.tasks
                 if not t.responsible_suggested}
        assert named == {(1, 8), (1, 10), (1, 15), (2, 2), (2, 4), (2, 6)}
        assert self.template.phase(1).tasks[14].responsible == (
            "Someone the strategic lead appoints, or a task and finish group")

    def test_task_14_lists_all_eleven_key_elements_from_the_slides(self):
        task = self.template.phase(1).tasks[13]
        elements = [line for line in task.guidance.splitlines() if line.startswith("- ")]
        assert len(elements) == 11
        assert "- relationship-based work with children and families" in elements
        assert "- the child or young person has a trusted adult" in elements
        assert "Reunification Practice Framework slides: key elements of practice" in task.source
        assert "case audit" not in task.guidance

    def test_task_16_adds_no_unsourced_advice(self):
        assert "named owner" not in self.template.phase(1).tasks[15].guidance

    def test_keeps_the_lettered_sub_points(self):
        letters = {(p.number, t.number): [s.letter for s in t.subpoints]
                   for p in self.template.phases for t in p.tasks if t.subpoints}
        assert letters[(1, 11)] == ["a", "b", "c", "d"]
        assert letters[(1, 12)] == ["a", "b", "c"]
        assert letters[(2, 2)] == ["a", "b"]

    def test_has_the_phase_outcomes_from_the_seed(self):
        assert len(self.template.phase(1).outcomes) == 8
        assert len(self.template.phase(2).outcomes) == 7

    def test_task_9_names_the_minimum_strategic_membership(self):
        guidance = self.template.phase(1).tasks[8].guidance
        for role in ("Assistant Director", "Principal Social Worker", "IRO lead",
                     "Fostering manager", "Data / performance manager"):
            assert role in guidance
