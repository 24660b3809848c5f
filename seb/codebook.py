"""The microdata's codebook: every variable, its question, codes and labels, who was asked.

Written from the standard's data file and its routing, so it says what the
service does: labels are the standard's own option labels, "who was asked" is
read off the routing graph, and the numeric values used in the SPSS and Stata
files are each code's place in the standard's canonical order (codes.md), so
the same number means the same answer in every file the service writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final

from .derivation import DERIVED_LABELS, DONT_KNOW_PREFER_NOT_TO_SAY, RULES
from .interchange import COMPLETED, MICRODATA_COLUMNS, REFERENCE, REFERENCE_MAX_LENGTH, RESPONSE_ID
from .standard import CURRENT_VERSION, END, Mode, Question, Standard, load_standard

# Interviewer wording first: its labels are in the third person ("Don’t know"), which
# reads better in a codebook than the online first person ("I don’t know").
LABEL_MODES: Final = (Mode.FACE_TO_FACE, Mode.TELEPHONE, Mode.ONLINE)
EVERYONE: Final = "Everyone: every complete response has an answer"


@dataclass(frozen=True, slots=True)
class Code:
    """One value a variable can hold.

    `value` is the number the SPSS and Stata files store; `labels` gives the
    label in each mode that offers the code (modes that do not offer it are absent).
    `missing` is empty for an answer, or, for a missing value (the standard's
    "Don't know" and "Prefer not to say"), the letter of its Stata extended missing
    value (`a` for `.a`): SPSS files keep `value`, declared user-missing.
    """

    value: int
    code: str
    label: str
    labels: Mapping[Mode, str]
    missing: str = ""

    @property
    def stata_value(self) -> str:
        """How a Stata file holds the code: its value, or `.a` for a missing value."""
        return f".{self.missing}" if self.missing else str(self.value)

    @property
    def modes(self) -> tuple[Mode, ...]:
        return tuple(mode for mode in Mode if mode in self.labels)

    @property
    def modes_text(self) -> str:
        if set(self.modes) == set(Mode):
            return "All modes"
        return ", ".join(mode.label for mode in self.modes)

    @property
    def other_wordings(self) -> str:
        """Where a mode labels the code differently, say how (empty when all agree)."""
        different = [
            f"{mode.label}: “{label}”" for mode, label in self.labels.items() if label != self.label
        ]
        return "; ".join(different)


@dataclass(frozen=True, slots=True)
class Variable:
    """One column of the microdata."""

    name: str
    label: str
    description: str
    asked: str
    codes: tuple[Code, ...] = ()
    question: str = ""  # the online wording, for a question
    required: bool = False  # never empty in a complete response
    max_length: int = 0  # for free text
    numeric: bool = False  # a number (a score), not a code or text
    # Not one of the standard's variables: an addition the service makes (job titles).
    beyond_standard: bool = False

    @property
    def is_coded(self) -> bool:
        return bool(self.codes)

    @property
    def value_labels(self) -> dict[int, str]:
        return {item.value: item.label for item in self.codes}

    @property
    def missing_codes(self) -> tuple[Code, ...]:
        """The codes declared missing in the SPSS and Stata files."""
        return tuple(item for item in self.codes if item.missing)

    @property
    def format_width(self) -> int:
        """The digits of the largest value: the width of its integer format (`F1.0`)."""
        return len(str(max(item.value for item in self.codes))) if self.codes else 0


def code_label(question: Question, code: str) -> str:
    for mode in LABEL_MODES:
        wording = question.wording(mode)
        if wording.offers(code):
            return wording.option(code).label
    raise KeyError(code)


def _question_codes(standard: Standard, question: Question) -> tuple[Code, ...]:
    codes = []
    for number, code in enumerate(question.codes, start=1):
        labels = {
            mode: question.wording(mode).option(code).label
            for mode in Mode
            if question.wording(mode).offers(code)
        }
        missing = standard.missing_answers.get(code, "")
        codes.append(Code(number, code, code_label(question, code), labels, missing))
    return tuple(codes)


def _always_asked(standard: Standard, key: str) -> bool:
    """Whether every route through the standard passes through question `key`."""
    seen: set[str] = set()
    waiting = [standard.first.key]
    while waiting:
        current = waiting.pop()
        if current == key or current in seen:
            continue
        if current == END:
            return False
        seen.add(current)
        question = standard.question(current)
        waiting.extend(question.next_after(code) for code in question.codes)
    return True


def _conditions(standard: Standard, key: str) -> dict[str, list[str]]:
    """The earlier answers that lead straight to `key`, by question; a question whose
    every answer leads there is replaced by the answers that lead to it."""
    found: dict[str, list[str]] = {}
    for question in standard.questions:
        leading = [code for code in question.codes if question.next_after(code) == key]
        if not leading:
            continue
        if len(leading) == len(question.codes) and not _always_asked(standard, question.key):
            for earlier, codes in _conditions(standard, question.key).items():
                found.setdefault(earlier, []).extend(c for c in codes if c not in found[earlier])
        else:
            found.setdefault(question.key, []).extend(leading)
    return found


def _either(items: list[str], joined: str = "or") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {joined} {items[-1]}"


def asked_of(standard: Standard, key: str) -> str:
    """Who the routing asks question `key`, in words."""
    if _always_asked(standard, key):
        return EVERYONE
    parts = []
    for earlier, codes in _conditions(standard, key).items():
        question = standard.question(earlier)
        ordered = [code for code in question.codes if code in codes]
        answers = _either([f"“{code_label(question, code)}”" for code in ordered])
        parts.append(f"{answers} to “{question.short_label}” ({earlier})")
    return "Only those who answered " + "; or ".join(parts)


def derived_missing_letter(standard: Standard) -> str:
    """The Stata letter of the derived classes' "Don't know or prefer not to say": the
    letter after the standard's own."""
    return chr(max(map(ord, standard.missing_answers.values()), default=ord("a") - 1) + 1)


def _derived(name: str, standard: Standard) -> Variable:
    labels = DERIVED_LABELS[name]
    classes = name.removeprefix("nssec")
    return Variable(
        name=name,
        label=f"NS-SEC {classes}-class of the main earner at 14 (derived)",
        description=(
            f"NS-SEC {classes}-class of the main or highest income earner when the respondent "
            "was aged about 14, derived from the answers with the ONS self-coded method "
            f"({len(RULES)} rules, in the notes of every workbook)."
        ),
        asked="Derived for every complete response",
        codes=tuple(
            Code(
                number,
                code,
                label,
                dict.fromkeys(Mode, label),
                derived_missing_letter(standard) if code == DONT_KNOW_PREFER_NOT_TO_SAY else "",
            )
            for number, (code, label) in enumerate(labels.items(), start=1)
        ),
        required=True,
    )


RECORD_VARIABLES: Final = {
    RESPONSE_ID: Variable(
        name=RESPONSE_ID,
        label="Response id",
        description=(
            "The service's own identifier of the response (a UUID): the same response "
            "has the same id in every file, so rows can be linked across downloads."
        ),
        asked="Not a question: every response",
        required=True,
        max_length=36,
    ),
    COMPLETED: Variable(
        name=COMPLETED,
        label="Date completed",
        description="The day the response was completed (YYYY-MM-DD, UK time).",
        asked="Not a question: every response",
        required=True,
        max_length=10,
    ),
}


@cache
def codebook(version: str = CURRENT_VERSION) -> tuple[Variable, ...]:
    """The microdata's variables, in the order of its columns."""
    standard = load_standard(version)
    variables: dict[str, Variable] = {
        "mode": Variable(
            name="mode",
            label="Mode of collection",
            description=(
                "How the response was collected. The standard words its questions "
                "differently for each mode."
            ),
            asked="Every response",
            codes=tuple(
                Code(number, mode.value, mode.label, dict.fromkeys(Mode, mode.label))
                for number, mode in enumerate(Mode, start=1)
            ),
            required=True,
        ),
        REFERENCE: Variable(
            name=REFERENCE,
            label="Reference",
            description=(
                "The case reference, or the importer's own identifier for the response; "
                "free text, may be empty."
            ),
            asked="Not a question: may be empty",
            max_length=REFERENCE_MAX_LENGTH,
        ),
    }
    for question in standard.questions:
        asked = asked_of(standard, question.key)
        variables[question.key] = Variable(
            name=question.key,
            label=question.name,
            description=f"{question.name} ({question.short_label.lower()}).",
            asked=asked,
            codes=_question_codes(standard, question),
            question=question.wording(Mode.ONLINE).text,
            required=asked == EVERYONE,
        )
    for name in DERIVED_LABELS:
        variables[name] = _derived(name, standard)
    variables.update(RECORD_VARIABLES)
    return tuple(variables[column] for column in MICRODATA_COLUMNS)


def variable(name: str, version: str = CURRENT_VERSION) -> Variable:
    for item in codebook(version):
        if item.name == name:
            return item
    raise KeyError(name)


def missing_values_text(version: str = CURRENT_VERSION) -> str:
    """How the SPSS and Stata files declare "Don't know" and "Prefer not to say"
    missing, in words, from the codebook's own codes."""
    letters: dict[str, Code] = {}
    example: Variable | None = None
    for item in codebook(version):
        for code in item.missing_codes:
            letters.setdefault(code.missing, code)
        if example is None and item.missing_codes:
            example = item
    if example is None:
        return "No code is declared missing: every value is an answer."
    labels = _either([f"“{code.label}”" for _, code in sorted(letters.items())], "and")
    values = _either([str(code.value) for code in example.missing_codes], "and")
    stata = ", ".join(
        f"{code.stata_value} for “{code.label}”" for _, code in sorted(letters.items())
    )
    return (
        f"{labels} are declared missing values. The SPSS files keep their values "
        f"(for example {values} in {example.name}) and declare them user-missing, so "
        "FREQUENCIES and the other procedures count them as missing, not as answers. The "
        f"Stata files hold them as extended missing values, labelled: {stata}. The CSV "
        "and XLSX files hold their codes, and the tables count them in rows of their own."
    )
