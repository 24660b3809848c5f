"""The harmonised standard as typed, immutable data, loaded from `fixtures/standard/`.

Everything a page shows, routing follows and the database stores comes from here:
the standard's own words per mode, and the facts this project keeps beside each
question (its short label and error message) and each output table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

# The question keys of codes.md, in its order: the columns of every stored and exchanged response.
QUESTION_KEYS = (
    "school_type",
    "free_school_meals",
    "earner_employment_status",
    "employer_size",
    "self_employed_size",
    "supervisor",
    "earner_occupation",
    "parental_qualification",
)

STANDARD_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "standard"
CURRENT_VERSION = "2023-07-07"
# Every version this code can hold answers for, oldest first. The database's
# constraints on stored answers are generated from these versions' codes.
KNOWN_VERSIONS = (CURRENT_VERSION,)
END = "end"


class Mode(StrEnum):
    ONLINE = "online"
    FACE_TO_FACE = "face_to_face"
    TELEPHONE = "telephone"

    @property
    def is_interviewer_led(self) -> bool:
        return self is not Mode.ONLINE

    @property
    def label(self) -> str:
        """ "Online", "Face to face", "Telephone" (from the standard's data file)."""
        return load_standard().mode_facts[self].label

    @property
    def interview_name(self) -> str:
        """ "Face-to-face interview", "Telephone interview"; empty for online."""
        return load_standard().mode_facts[self].interview_name


class StandardError(ValueError):
    """The standard's definition file breaks one of its own rules."""


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: str
    hint: str = ""
    spontaneous: bool = False

    @property
    def printed_label(self) -> str:
        """The label as the standard prints it, with its "(Spontaneous)" mark."""
        return f"(Spontaneous) {self.label}" if self.spontaneous else self.label


@dataclass(frozen=True, slots=True)
class InstructionList:
    """A bulleted or numbered list inside the interviewer instructions."""

    numbered: bool
    items: tuple[str, ...]


Instruction = str | InstructionList


@dataclass(frozen=True, slots=True)
class Wording:
    """How one question is put in one mode."""

    mode: Mode
    text: str
    options: tuple[Option, ...]
    guidance: str = ""
    showcard: bool = False
    prompt: str = ""
    instructions: tuple[Instruction, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    def offers(self, code: str) -> bool:
        return code in self.codes

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class Rule:
    """Go to `go_to` when the answer is one of `if_answer` (or always, when empty)."""

    go_to: str
    if_answer: frozenset[str] = frozenset()

    def matches(self, code: str) -> bool:
        return not self.if_answer or code in self.if_answer


@dataclass(frozen=True, slots=True)
class Question:
    """One question: the standard's name for it, its codes and routing, and a
    wording per mode; `short_label` heads its row on check-answers pages and in
    codebooks; `error_message` is said when nothing is selected."""

    key: str
    name: str
    short_label: str
    error_message: str
    codes: tuple[str, ...]
    routing: tuple[Rule, ...]
    wordings: Mapping[Mode, Wording]

    def wording(self, mode: Mode | str) -> Wording:
        return self.wordings[Mode(mode)]

    def next_after(self, code: str) -> str:
        """The question key (or END) that follows the answer `code`."""
        for rule in self.routing:
            if rule.matches(code):
                return rule.go_to
        raise StandardError(f"{self.key}: no route for {code!r}")


@dataclass(frozen=True, slots=True)
class ModeFacts:
    """What the service calls a mode: the standard's section heading for its
    questions, a label, and (interviewer modes) the name of an interview."""

    section: str
    label: str
    interview_name: str = ""


@dataclass(frozen=True, slots=True)
class OutputRow:
    label: str
    codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OutputDefinition:
    """One output table as the data file declares it (`seb.tables` builds the spec).

    `rows` is empty for a table of a derived variable (`derived` names it): its rows
    are the derivation's classes.
    """

    key: str
    title: str
    sheet: str
    column: str
    base: str
    rows: tuple[OutputRow, ...]
    derived: str = ""


@dataclass(frozen=True, slots=True)
class Standard:
    version: str
    title: str
    publication_date: str
    mode_facts: Mapping[Mode, ModeFacts]
    prompt_styles: Mapping[str, str]
    questions: tuple[Question, ...]
    outputs: tuple[OutputDefinition, ...] = ()
    # Item non-response ("Don't know", "Prefer not to say"): code -> the letter of its
    # Stata extended missing value, in the data file's order.
    missing_answers: Mapping[str, str] = field(default_factory=dict)

    @property
    def first(self) -> Question:
        return self.questions[0]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(question.key for question in self.questions)

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise StandardError(f"{where}: expected text, found {value!r}")
    return value


def _instruction(raw: Any, where: str) -> Instruction:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, dict) and len(raw) == 1:
        ((kind, items),) = raw.items()
        if kind in ("bullets", "numbered") and isinstance(items, list):
            return InstructionList(
                numbered=kind == "numbered",
                items=tuple(_text(item, where) for item in items),
            )
    raise StandardError(f"{where}: an instruction is text, bullets or numbered, not {raw!r}")


def _wording(mode: Mode, raw: dict[str, Any], codes: tuple[str, ...], where: str) -> Wording:
    options = tuple(
        Option(
            code=_text(item["code"], where),
            label=_text(item["label"], where),
            hint=item.get("hint", ""),
            spontaneous=bool(item.get("spontaneous", False)),
        )
        for item in raw["options"]
    )
    for option in options:
        if option.code not in codes:
            raise StandardError(f"{where}: option {option.code!r} is not one of {codes}")
    if len({option.code for option in options}) != len(options):
        raise StandardError(f"{where}: an option is listed twice")
    return Wording(
        mode=mode,
        text=_text(raw["text"], where),
        options=options,
        guidance=raw.get("guidance", ""),
        showcard=bool(raw.get("showcard", False)),
        prompt=raw.get("prompt", ""),
        instructions=tuple(_instruction(item, where) for item in raw.get("instructions", [])),
    )


def _question(raw: dict[str, Any]) -> Question:
    key = _text(raw["key"], "question")
    codes = tuple(_text(code, f"{key} options") for code in raw["options"])
    routing = tuple(
        Rule(
            go_to=_text(rule["go_to"], f"{key} routing"),
            if_answer=frozenset(_text(c, f"{key} routing") for c in rule.get("if_answer", [])),
        )
        for rule in raw["routing"]
    )
    wordings = {
        Mode(mode): _wording(Mode(mode), wording, codes, f"{key} ({mode})")
        for mode, wording in raw["modes"].items()
    }
    return Question(
        key=key,
        name=_text(raw["name"], key),
        short_label=_text(raw["short_label"], f"{key} short_label"),
        error_message=_text(raw["error_message"], f"{key} error_message"),
        codes=codes,
        routing=routing,
        wordings=wordings,
    )


def _mode_facts(raw: dict[str, Any]) -> dict[Mode, ModeFacts]:
    facts = {
        Mode(mode): ModeFacts(
            section=_text(item["section"], f"{mode} section"),
            label=_text(item["label"], f"{mode} label"),
            interview_name=item.get("interview_name", ""),
        )
        for mode, item in raw.items()
    }
    if set(facts) != set(Mode):
        raise StandardError(f"modes: expected {[mode.value for mode in Mode]}")
    for mode, mode_facts in facts.items():
        if mode.is_interviewer_led != bool(mode_facts.interview_name):
            raise StandardError(f"{mode}: only interviewer modes name their interviews")
    return facts


def _output(raw: dict[str, Any]) -> OutputDefinition:
    key = _text(raw["key"], "output")
    rows = tuple(
        OutputRow(
            label=_text(row["label"], f"{key} row"),
            codes=tuple(_text(code, f"{key} row") for code in row["codes"]),
        )
        for row in raw.get("rows", [])
    )
    derived = raw.get("derived", "")
    if bool(rows) == bool(derived):
        raise StandardError(f"output {key}: give either rows or the derived variable")
    base = raw.get("base", "all")
    if base not in ("all", "asked"):
        raise StandardError(f"output {key}: base is all or asked, not {base!r}")
    return OutputDefinition(
        key=key,
        title=_text(raw["title"], f"{key} title"),
        sheet=_text(raw["sheet"], f"{key} sheet"),
        column=_text(raw["column"], f"{key} column"),
        base=base,
        rows=rows,
        derived=derived,
    )


def _missing_answers(raw: Any) -> dict[str, str]:
    """The data file's `missing_answers`: each a code and a Stata letter a to z."""
    found: dict[str, str] = {}
    for item in raw or []:
        if not isinstance(item, dict):
            raise StandardError(f"missing_answers: expected a code and a letter, found {item!r}")
        code = _text(item.get("code"), "missing_answers")
        letter = _text(item.get("stata"), f"missing_answers {code}")
        if len(letter) != 1 or not "a" <= letter <= "z":
            raise StandardError(f"missing_answers {code}: stata is one letter a to z")
        if code in found or letter in found.values():
            raise StandardError(f"missing_answers {code}: a code or letter is given twice")
        found[code] = letter
    return found


def parse_standard(raw: dict[str, Any]) -> Standard:
    """Build a Standard from its YAML document, checking that it hangs together."""
    standard = Standard(
        version=_text(raw["version"], "version"),
        title=_text(raw["title"], "title"),
        publication_date=_text(raw["publication_date"], "publication_date"),
        mode_facts=_mode_facts(raw["modes"]),
        prompt_styles=dict(raw["prompt_styles"]),
        questions=tuple(_question(question) for question in raw["questions"]),
        outputs=tuple(_output(output) for output in raw.get("outputs", [])),
        missing_answers=_missing_answers(raw.get("missing_answers")),
    )
    if standard.keys != QUESTION_KEYS:
        raise StandardError(f"the questions must be {QUESTION_KEYS}, in that order")
    for output in standard.outputs:
        _check_output(standard, output)
    offered = {code for question in standard.questions for code in question.codes}
    for code in standard.missing_answers:
        if code not in offered:
            raise StandardError(f"missing_answers: {code!r} is not an option of any question")
    for question in standard.questions:
        _check_question(standard, question)
    return standard


def _check_output(standard: Standard, output: OutputDefinition) -> None:
    """A table of answers counts a question, and its rows sum each of its codes once."""
    if not output.rows:
        return
    if output.column not in standard.keys:
        raise StandardError(f"output {output.key}: {output.column!r} is not a question")
    codes = [code for row in output.rows for code in row.codes]
    if sorted(codes) != sorted(standard.question(output.column).codes):
        raise StandardError(f"output {output.key}: rows must sum every code once")


def _check_question(standard: Standard, question: Question) -> None:
    """A question routes to known questions on known answers, and each mode's wording
    uses a known prompt style, lists spontaneous options last and routes every option."""
    for rule in question.routing:
        if rule.go_to != END and rule.go_to not in standard.keys:
            raise StandardError(f"{question.key}: routes to unknown question {rule.go_to!r}")
        if not rule.if_answer <= set(question.codes):
            raise StandardError(f"{question.key}: routes on an unknown answer")
    for wording in question.wordings.values():
        if wording.prompt and wording.prompt not in standard.prompt_styles:
            raise StandardError(f"{question.key}: unknown prompt style {wording.prompt!r}")
        spontaneous = [option.spontaneous for option in wording.options]
        if spontaneous != sorted(spontaneous):
            # Interviewer screens group them after the others, keeping their numbers.
            raise StandardError(f"{question.key}: spontaneous options come after the others")
        for code in wording.codes:
            question.next_after(code)  # every offered answer has somewhere to go


@cache
def load_standard(version: str = CURRENT_VERSION) -> Standard:
    path = STANDARD_DIR / f"seb-{version}.yaml"
    with path.open(encoding="utf-8") as handle:
        return parse_standard(yaml.safe_load(handle))
