"""The four evaluation questionnaires (practitioners and managers, Time 1 and Time 2), read from
checklists/questionnaires.toml with their provenance. Items asked at both times share a key:
that is what pairs a Time 1 answer with a Time 2 answer."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tracker.datafiles import CHECKLISTS_DIR, PROVENANCE, ChecklistError, DataReader, read_data_file

QUESTIONNAIRES_FILE = "questionnaires.toml"
KINDS = ("agreement", "choice", "grid", "open")
AUDIENCES = {"practice": "practitioners (the practice group)",
             "strategic": "managers (the strategic group)"}
# The 7-point scale every agreement statement uses (004 Appendix 1); only the ends and the
# middle carry words on the paper form.
AGREEMENT = tuple(range(1, 8))
AGREEMENT_WORDS = {1: "Strongly disagree", 4: "Neither agree nor disagree", 7: "Strongly agree"}
DONT_KNOW = 0
# The Time 1 and Time 2 questionnaires each audience answers.
TIMES = (1, 2)
OPEN_TEXT_MAX = 2000


@dataclass(frozen=True)
class Option:
    code: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    number: str
    text: str
    kind: str
    options: tuple[Option, ...]
    source: str
    reconstructed: bool
    basis: str
    # A research statement: True if agreeing is right, False if disagreeing is (None: not one).
    finding: bool | None = None
    yes_codes: frozenset[int] = frozenset()
    excluded: frozenset[int] = frozenset()
    yes_label: str = ""
    not_applicable: str = ""
    lower_is_better: bool = False

    @property
    def codes(self) -> frozenset[int]:
        if self.kind == "agreement":
            return frozenset(AGREEMENT) | ({0} if self.not_applicable else set())
        return frozenset(o.code for o in self.options)

    @property
    def yes_no(self) -> bool:
        """Analysed as a yes/no (knowledge) item, with McNemar's test."""
        return self.finding is not None or bool(self.yes_codes)

    def rated(self, code: int | None) -> int | None:
        """The 1–7 rating for the signed-rank test, or None (unanswered, not applicable)."""
        return code if self.kind == "agreement" and code in AGREEMENT else None

    def yes(self, code: int | None) -> bool | None:
        """The yes/no reading of an answer, or None when it drops out (unanswered, don't
        know, not applicable). A research statement answered 4 counts as not knowing."""
        if code is None or code in self.excluded:
            return None
        if self.finding is not None:
            if code not in AGREEMENT:
                return None
            return code >= 5 if self.finding else code <= 3
        return code in self.yes_codes if self.yes_codes else None

    @property
    def yes_words(self) -> str:
        if self.finding is not None:
            return "Knew the research finding"
        return self.yes_label

    def label(self, code: int | None) -> str:
        if code is None:
            return "Not answered"
        if self.kind == "agreement":
            if code == 0:
                return self.not_applicable
            return f"{code}" + (f" ({AGREEMENT_WORDS[code]})" if code in AGREEMENT_WORDS else "")
        return next((o.label for o in self.options if o.code == code), str(code))


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Instrument:
    key: str
    audience: str
    time: int
    title: str
    intro: str
    source: str
    sections: tuple[Section, ...]

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items() if i.key == key), None)


@dataclass(frozen=True)
class Questionnaires:
    version: str
    title: str
    instruments: tuple[Instrument, ...]

    def instrument(self, audience: str, time: int) -> Instrument:
        return next(i for i in self.instruments if i.audience == audience and i.time == time)

    def paired(self, audience: str) -> list[tuple[Item, Item]]:
        """(Time 1 item, Time 2 item) for every analysable item asked at both times, in the
        Time 2 questionnaire's order."""
        first = {i.key: i for i in self.instrument(audience, 1).items()}
        return [(first[i.key], i) for i in self.instrument(audience, 2).items()
                if i.key in first and i.kind != "open"
                and (i.kind == "agreement" or i.yes_no)]


_INSTRUMENT = {"key", "audience", "time", "title", "intro", "sections"}
_SECTION = {"key", "title", "kind", "items"}
_CHOICES = {"options", "codes", "dont_know", "none_option", "yes_when", "excluded", "yes_label"}
_SECTION_OPTIONAL = PROVENANCE | _CHOICES | {"intro"}
_ITEM = {"key", "number", "text"}
_ITEM_OPTIONAL = PROVENANCE | _CHOICES | {"kind", "finding", "not_applicable",
                                          "lower_is_better"}


def _codes(r: DataReader, raw: dict, key: str, where: str) -> list[int]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(c, int) and not isinstance(c, bool)
                                              for c in value):
        raise r.fail(where, f"{key} must be a list of whole numbers")
    return value


def _options(r: DataReader, raw: dict, where: str) -> tuple[Option, ...]:
    labels = raw.get("options", [])
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x.strip()
                                                             for x in labels):
        raise r.fail(where, "options must be a list of answers")
    codes = _codes(r, raw, "codes", where) or list(range(1, len(labels) + 1))
    if len(codes) != len(labels):
        raise r.fail(where, "codes must give one code per option")
    options = [Option(c, label) for c, label in zip(codes, labels, strict=True)]
    for extra in ("dont_know", "none_option"):
        if extra in raw:
            word = raw[extra]
            if extra == "dont_know":
                if word is not True:
                    raise r.fail(where, "dont_know must be true")
                word = "Don't know"
            elif not isinstance(word, str) or not word.strip():
                raise r.fail(where, "none_option must be text")
            if DONT_KNOW in codes:
                raise r.fail(where, "code 0 is for don't know or none")
            options.insert(0, Option(DONT_KNOW, word))
    return tuple(options)


def _item(r: DataReader, raw: dict, section: dict, section_kind: str, where: str,
          section_provenance: tuple[str, bool, str]) -> Item:
    r.table(raw, where, _ITEM, _ITEM_OPTIONAL)
    kind = raw.get("kind", section_kind)
    if kind not in KINDS or (kind == "grid" and "kind" in raw):
        raise r.fail(where, f"kind must be one of agreement, choice, open (not {kind!r})")
    provenance = (r.provenance(raw, where) if PROVENANCE & set(raw) else section_provenance)
    # A grid's items share the section's options; any item may have its own.
    choices = raw if "options" in raw else section
    options: tuple[Option, ...] = ()
    if kind in ("choice", "grid"):
        options = _options(r, choices, where)
    elif any(k in raw for k in _CHOICES):
        raise r.fail(where, f"a {kind} item has no options")
    finding = raw.get("finding")
    if finding is not None and (kind != "agreement" or not isinstance(finding, bool)):
        raise r.fail(where, "finding (true or false) is only for agreement statements")
    yes_codes = frozenset(_codes(r, choices, "yes_when", where)) if options else frozenset()
    excluded = frozenset(_codes(r, choices, "excluded", where)) if options else frozenset()
    codes = {o.code for o in options}
    if not (yes_codes | excluded) <= codes:
        raise r.fail(where, "yes_when and excluded must name codes of the options")
    lower_is_better = raw.get("lower_is_better", False)
    if lower_is_better not in (True, False) or (lower_is_better and kind != "agreement"):
        raise r.fail(where, "lower_is_better (true or false) is only for agreement statements")
    not_applicable = r.text(raw, "not_applicable", where, blank_ok=True)
    if not_applicable and kind != "agreement":
        raise r.fail(where, "not_applicable is only for agreement statements")
    return Item(
        key=r.text(raw, "key", where), number=r.text(raw, "number", where),
        text=r.text(raw, "text", where), kind="choice" if kind == "grid" else kind,
        options=options, source=provenance[0], reconstructed=provenance[1], basis=provenance[2],
        finding=finding, yes_codes=yes_codes, excluded=excluded,
        yes_label=r.text(choices, "yes_label", where, blank_ok=True) if yes_codes else "",
        not_applicable=not_applicable, lower_is_better=lower_is_better,
    )


def parse(text: str, filename: str) -> Questionnaires:
    r = DataReader(filename)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(f"{filename}: not valid TOML: {exc}") from exc
    r.table(data, "top level", {"template", "instruments"}, set())
    head = r.table(data["template"], "[template]", {"key", "version", "title", "source"}, set())
    r.provenance(head, "[template]")
    instruments: list[Instrument] = []
    for i, raw in enumerate(data["instruments"], start=1):
        where = f"instrument #{i}"
        r.table(raw, where, _INSTRUMENT, PROVENANCE)
        where = f"instrument {r.text(raw, 'key', where)}"
        audience, time = raw["audience"], raw["time"]
        if audience not in AUDIENCES:
            raise r.fail(where, f"audience must be one of {', '.join(AUDIENCES)}")
        if time not in TIMES:
            raise r.fail(where, "time must be 1 or 2")
        if any(x.audience == audience and x.time == time for x in instruments):
            raise r.fail(where, f"a second Time {time} questionnaire for {audience}")
        source = r.provenance(raw, where)
        sections = []
        keys: set[str] = set()
        for j, sraw in enumerate(raw["sections"], start=1):
            swhere = f"{where} section #{j}"
            r.table(sraw, swhere, _SECTION, _SECTION_OPTIONAL)
            swhere = f"{where} section {r.text(sraw, 'key', swhere)}"
            kind = sraw["kind"]
            if kind not in KINDS:
                raise r.fail(swhere, f"kind must be one of {', '.join(KINDS)}")
            provenance = r.provenance(sraw, swhere)
            items = []
            for k, iraw in enumerate(sraw["items"], start=1):
                item = _item(r, iraw, sraw, kind, f"{swhere} item #{k}", provenance)
                if item.key in keys:
                    raise r.fail(f"{swhere} item {item.key}", "duplicate key in this questionnaire")
                keys.add(item.key)
                items.append(item)
            if not items:
                raise r.fail(swhere, "has no items")
            sections.append(Section(sraw["key"], r.text(sraw, "title", swhere),
                                    r.text(sraw, "intro", swhere, blank_ok=True), tuple(items)))
        instruments.append(Instrument(
            key=raw["key"], audience=audience, time=time, title=r.text(raw, "title", where),
            intro=r.text(raw, "intro", where), source=source[0], sections=tuple(sections)))
    for audience in AUDIENCES:
        for time in TIMES:
            if not any(x.audience == audience and x.time == time for x in instruments):
                raise r.fail("instruments", f"no Time {time} questionnaire for {audience}")
    result = Questionnaires(r.text(head, "version", "[template]"),
                            r.text(head, "title", "[template]"), tuple(instruments))
    for audience in AUDIENCES:
        for first, second in result.paired(audience):
            if first.kind != second.kind or first.finding != second.finding:
                raise r.fail(f"item {first.key}", "asked at Time 1 and Time 2 as different kinds: "
                                                  "give one of them another key")
    return result


def load(path: Path | None = None) -> Questionnaires:
    return read_data_file(path or CHECKLISTS_DIR / QUESTIONNAIRES_FILE, parse)


@lru_cache(maxsize=1)
def current() -> Questionnaires:
    """The questionnaires as the app ships them, read once per process."""
    return load()
