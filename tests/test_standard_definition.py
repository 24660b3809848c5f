"""The standard's definition file against the published standard and codes.md.

Every text a page shows comes from fixtures/standard/; these tests make a typo,
a missing option or a wrong route there fail.
"""

from __future__ import annotations

import itertools

import pytest
import yaml

from seb.routing import route
from seb.standard import (
    END,
    STANDARD_DIR,
    InstructionList,
    Mode,
    StandardError,
    load_standard,
    parse_standard,
)
from tests.standard_text import (
    all_paths,
    codes_md_next,
    codes_md_questions,
    mode_section,
    question_blocks,
    standard_text,
)

STANDARD = load_standard()
MODES = list(Mode)


def blocks(mode: Mode) -> dict[str, str]:
    texts = [question.wording(mode).text for question in STANDARD.questions]
    return dict(zip(STANDARD.keys, question_blocks(mode, texts), strict=True))


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_has_all_eight_questions_in_codes_md_order(mode: Mode) -> None:
    assert list(STANDARD.keys) == list(codes_md_questions())
    for question in STANDARD.questions:
        assert question.wording(mode).text


def test_option_codes_are_exactly_those_of_codes_md() -> None:
    assert {q.key: list(q.codes) for q in STANDARD.questions} == codes_md_questions()


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_offers_only_codes_of_its_question(mode: Mode) -> None:
    for question in STANDARD.questions:
        assert set(question.wording(mode).codes) <= set(question.codes)


def test_availability_differs_by_mode_as_codes_md_says() -> None:
    status = STANDARD.question("earner_employment_status")
    assert "prefer_not_to_say" in status.wording(Mode.ONLINE).codes
    assert "dont_know" not in status.wording(Mode.ONLINE).codes
    assert not {"dont_know", "prefer_not_to_say"} & set(status.wording(Mode.FACE_TO_FACE).codes)
    telephone = status.wording(Mode.TELEPHONE)
    assert [o.code for o in telephone.options if o.spontaneous] == [
        "dont_know",
        "prefer_not_to_say",
    ]
    qualification = STANDARD.question("parental_qualification")
    assert qualification.wording(Mode.ONLINE).codes[-3:] == (
        "dont_know",
        "prefer_not_to_say",
        "not_applicable",
    )
    for mode in (Mode.FACE_TO_FACE, Mode.TELEPHONE):
        wording = qualification.wording(mode)
        assert [o.code for o in wording.options if o.spontaneous] == [
            "not_applicable",
            "dont_know",
            "prefer_not_to_say",
        ]


@pytest.mark.parametrize("mode", MODES)
def test_routing_matches_codes_md_for_every_offered_answer(mode: Mode) -> None:
    for question in STANDARD.questions:
        for code in question.wording(mode).codes:
            assert question.next_after(code) == codes_md_next(question.key, code), (
                question.key,
                code,
            )


def test_every_route_target_exists() -> None:
    keys = set(STANDARD.keys)
    for question in STANDARD.questions:
        for rule in question.routing:
            assert rule.go_to == END or rule.go_to in keys


@pytest.mark.parametrize("mode", MODES)
def test_every_path_ends(mode: Mode) -> None:
    for answers in all_paths(STANDARD, mode):
        walked = route(STANDARD, mode, answers)
        assert walked.is_complete
        assert walked.answered[-1] == "parental_qualification"
        assert len(walked.answered) == len(set(walked.answered)), "a route never repeats"


@pytest.mark.parametrize("mode", MODES)
def test_every_option_of_every_mode_is_reachable(mode: Mode) -> None:
    reached = {
        (key, code) for answers in all_paths(STANDARD, mode) for key, code in answers.items()
    }
    offered = {
        (question.key, code)
        for question in STANDARD.questions
        for code in question.wording(mode).codes
    }
    assert offered == reached


@pytest.mark.parametrize("mode", MODES)
def test_question_text_appears_verbatim_in_its_mode_section(mode: Mode) -> None:
    section = mode_section(mode)
    for question in STANDARD.questions:
        assert f"\n{question.wording(mode).text}\n" in section


@pytest.mark.parametrize("mode", MODES)
def test_options_are_the_published_lines_in_the_published_order(mode: Mode) -> None:
    """Each option is its numbered line in the mode's question, with its hint beneath it."""
    for key, block in blocks(mode).items():
        wording = STANDARD.question(key).wording(mode)
        lines = []
        for number, option in enumerate(wording.options, start=1):
            lines.append(f"  {number}. {option.printed_label}\n")
            if option.hint:
                lines.append(f"    {option.hint}\n")
        published = "".join(lines)
        assert published in block, f"{mode} {key}"
        after = block[block.index(published) + len(published) :]
        assert not after.lstrip("\n").startswith(f"  {len(wording.options) + 1}. "), (
            f"{mode} {key}: the standard lists more options"
        )


@pytest.mark.parametrize("mode", MODES)
def test_guidance_and_instructions_appear_verbatim_in_their_question(mode: Mode) -> None:
    for key, block in blocks(mode).items():
        wording = STANDARD.question(key).wording(mode)
        if wording.guidance:
            assert f"\nGuidance: {wording.guidance}\n" in block
        for instruction in wording.instructions:
            if isinstance(instruction, InstructionList):
                items = [
                    f"  {n}. {item}" if instruction.numbered else f"  • {item}"
                    for n, item in enumerate(instruction.items, start=1)
                ]
                assert "\n".join(items) in block, f"{mode} {key}"
            else:
                assert f"\n{instruction}\n" in block, f"{mode} {key}: {instruction}"


@pytest.mark.parametrize("mode", [Mode.FACE_TO_FACE, Mode.TELEPHONE])
def test_interviewer_instructions_are_all_carried(mode: Mode) -> None:
    """No paragraph of the standard's interviewer instructions is left out."""
    for key, block in blocks(mode).items():
        wording = STANDARD.question(key).wording(mode)
        published = block.split("Interviewer instructions and guidance\n", 1)[1]
        published = published.split("Routing information", 1)[0]
        carried = "\n".join(
            "\n".join(i.items) if isinstance(i, InstructionList) else i
            for i in wording.instructions
        )
        for paragraph in filter(None, (p.strip() for p in published.split("\n\n"))):
            for line in paragraph.splitlines():
                text = line.strip().lstrip("•").strip()
                text = text.split(". ", 1)[1] if text[:1].isdigit() and ". " in text else text
                assert text in carried, f"{mode} {key}: {text!r} is not carried"


def test_online_mode_has_no_interviewer_material() -> None:
    for question in STANDARD.questions:
        wording = question.wording(Mode.ONLINE)
        assert not wording.instructions and not wording.showcard and not wording.prompt
        assert not [o for o in wording.options if o.spontaneous]


@pytest.mark.parametrize(
    ("mode", "key", "expected"),
    [
        (Mode.FACE_TO_FACE, "school_type", True),
        (Mode.FACE_TO_FACE, "earner_occupation", True),
        (Mode.FACE_TO_FACE, "free_school_meals", False),
        (Mode.TELEPHONE, "school_type", False),
    ],
)
def test_showcards_are_where_the_standard_asks_for_one(
    mode: Mode, key: str, expected: bool
) -> None:
    assert STANDARD.question(key).wording(mode).showcard is expected


@pytest.mark.parametrize("mode", [Mode.FACE_TO_FACE, Mode.TELEPHONE])
def test_prompt_style_is_named_in_the_question_instructions(mode: Mode) -> None:
    for key, block in blocks(mode).items():
        wording = STANDARD.question(key).wording(mode)
        assert f"“{STANDARD.prompt_styles[wording.prompt]}”" in block, f"{mode} {key}"


def test_curly_quotes_are_kept() -> None:
    labels = [o.label for q in STANDARD.questions for w in q.wordings.values() for o in w.options]
    assert "I don’t know" in labels
    assert not any("'" in label for label in labels), "straight apostrophes are not the standard's"
    assert "don’t" in standard_text()


def test_every_path_count_is_what_the_routing_allows() -> None:
    """A cross-check of the walker: the online graph has this many complete paths."""
    school = 3 + 4 * 5  # skip FSM, or the 5 FSM answers
    employee = 4 * 4 * 7 * 6
    with_employees = 6 + 3 * 7 * 6
    expected = school * (employee + with_employees + 7 * 6 + 6 + 6)
    assert len(all_paths(STANDARD, Mode.ONLINE)) == expected


def test_modes_cover_codes_md_modes() -> None:
    assert {m.value for m in Mode} == {"online", "face_to_face", "telephone"}
    assert list(itertools.islice(STANDARD.mode_facts, 3)) == list(Mode)


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ([{"code": "dont_kno", "stata": "a"}], "not an option of any question"),
        ([{"code": "dont_know", "stata": "A"}], "one letter a to z"),
        ([{"code": "dont_know", "stata": "ab"}], "one letter a to z"),
        (
            [{"code": "dont_know", "stata": "a"}, {"code": "prefer_not_to_say", "stata": "a"}],
            "given twice",
        ),
        (["dont_know"], "expected a code and a letter"),
    ],
)
def test_the_missing_answers_are_options_each_with_its_own_stata_letter(
    missing: list[object], message: str
) -> None:
    """The data file's missing answers name real options, each with a distinct letter
    Stata can hold (`.a` to `.z`); anything else stops the standard loading."""
    with (STANDARD_DIR / f"seb-{STANDARD.version}.yaml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    raw["missing_answers"] = missing
    with pytest.raises(StandardError, match=message):
        parse_standard(raw)


def test_the_missing_answers_are_every_dont_know_and_prefer_not_to_say() -> None:
    """Every question offers both; the derivation's "unknown" answers are these."""
    from seb.derivation import UNKNOWN_ANSWERS

    assert list(STANDARD.missing_answers) == ["dont_know", "prefer_not_to_say"]
    assert set(STANDARD.missing_answers) == UNKNOWN_ANSWERS
    for question in STANDARD.questions:
        assert set(STANDARD.missing_answers) <= set(question.codes), question.key
