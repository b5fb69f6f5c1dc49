"""The Checklist data file and the loader's error messages."""

import pytest

from tracker.checklist import data

GOOD = """
[template]
key = "implementation-checklist"
version = "9.9"
title = "Implementation Checklist"
source = "test"

[[annexes]]
number = 3
title = "Costs"

[[phases]]
number = 1
key = "preparation"
title = "Preparation"
summary = "Get ready."

  [[phases.outcomes]]
  text = "Ready"

  [[phases.tasks]]
  number = 1
  title = "First task"
  responsible = "Assistant Director"
  annexes = [3]
  guidance = "Do it."
  source = "test"

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


def test_reconstructed_items_need_a_basis():
    marked = GOOD.replace('source = "test"\n\n    [[', 'source = "test"\n  reconstructed = true\n\n    [[')
    message = _error(marked)
    assert message == ("broken.toml: Phase 1 task 1: reconstructed items need a basis saying "
                       "what they came from")


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

    def test_marks_exactly_the_lost_text_as_reconstructed(self):
        reconstructed = {(p.number, t.number) for p in self.template.phases for t in p.tasks
                         if t.reconstructed}
        phase3 = {(3, t.number) for t in self.template.phase(3).tasks}
        assert reconstructed == {(1, 1), (1, 2), (1, 3), (1, 4), (2, 1)} | phase3
        assert all(t.basis for p in self.template.phases for t in p.tasks if t.reconstructed)
        assert all(o.reconstructed for o in self.template.phase(3).outcomes)
        assert not any(o.reconstructed for o in self.template.phase(1).outcomes)

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
