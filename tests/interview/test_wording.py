"""Every interviewer screen says exactly what the standard prints for its mode.

The expected words come from the published text (`published.py`), not from the
YAML the pages are built from.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from seb.interviewing import ANSWER_KEYS, DO_NOT_READ_OUT, SPONTANEOUS_GROUP
from seb.standard import Mode, load_standard
from surveys.models import Response, Survey

from .conftest import INTERVIEW_MODES
from .published import PublishedQuestion, published
from .screens import Screen, read_screen

pytestmark = pytest.mark.django_db

STANDARD = load_standard()
SPONTANEOUS_MARK = "(Spontaneous) "
SCREENS = [(mode, key) for mode in INTERVIEW_MODES for key in STANDARD.keys]
PROMPT_STYLES = {
    "“prompt as necessary”": "Prompt as necessary",
    "“running prompt”": "Running prompt",
}


def screen_id(param: tuple[Mode, str]) -> str:
    return f"{param[0]}-{param[1]}"


@pytest.fixture(params=SCREENS, ids=screen_id)
def shown(
    request: pytest.FixtureRequest,
    interviewer_client: Client,
    survey: Survey,
    make_case: Callable[..., Response],
) -> tuple[Screen, PublishedQuestion, Mode, str]:
    mode, key = request.param
    case = make_case(survey, mode=mode, at=key)
    page = interviewer_client.get(f"/interview/cases/{case.pk}/questions/{key}/")
    assert page.status_code == 200
    return read_screen(page.content), published(mode)[key], mode, key


def test_the_question_is_the_standards_wording_for_the_mode(shown) -> None:
    screen, expected, _, _ = shown
    assert screen.text == expected.text


def as_grouped(printed: str) -> str:
    """A published option as the screen labels it: the standard's "(Spontaneous)" mark is
    said once, by the group the option sits in, not on the option itself."""
    number, label = printed.split(". ", 1)
    return f"{number}. {label.removeprefix(SPONTANEOUS_MARK)}"


def test_the_options_are_numbered_and_worded_as_the_standard_prints_them(shown) -> None:
    screen, expected, _, _ = shown
    assert screen.options == [as_grouped(printed) for printed in expected.options]


def test_option_hints_are_the_standards_for_the_mode(shown) -> None:
    screen, expected, _, _ = shown
    assert screen.hints == expected.hints


def test_interviewer_instructions_are_the_standards_paragraphs_and_lists_in_order(shown) -> None:
    screen, expected, _, _ = shown
    assert screen.instructions == expected.instructions


def test_number_keys_one_to_n_are_the_options_in_the_modes_order(shown) -> None:
    """Fast entry picks the n-th radio for key n: the n-th radio must be option n."""
    screen, _, mode, key = shown
    assert screen.values == list(STANDARD.question(key).wording(mode).codes)
    for number, label in enumerate(screen.options, start=1):
        assert label.startswith(f"{number}. ")


def test_spontaneous_options_are_grouped_under_one_label_that_says_not_to_read_them_out(
    shown,
) -> None:
    """Exactly the options the standard marks "(Spontaneous)" follow one divider, which
    says what the mark means; no option repeats the mark."""
    screen, expected, _, _ = shown
    spontaneous = [label for label in expected.options if SPONTANEOUS_MARK in label]
    assert all(SPONTANEOUS_MARK.strip() not in label for label in screen.options)
    if not spontaneous:
        assert screen.dividers == []
        assert "spontaneous" not in screen.cues
        return
    first = expected.options.index(spontaneous[0])
    assert expected.options[first:] == spontaneous
    assert screen.dividers == [(first, f"{SPONTANEOUS_GROUP}: {DO_NOT_READ_OUT}")]
    assert screen.cues["spontaneous"] == "Do not read out"


def test_a_showcard_marker_appears_exactly_where_the_standard_asks_for_a_showcard(shown) -> None:
    screen, expected, _, key = shown
    if "showcard" in expected.instruction_text:
        assert screen.cues["showcard"] == "Showcard"
        assert screen.showcard_links == [f"/interview/showcards/{key}/"]
    else:
        assert "showcard" not in screen.cues
        assert screen.showcard_links == []


def test_the_answers_cue_is_the_prompt_style_the_standard_names(shown) -> None:
    """The standard names the prompt style in each question's instructions; the cue over
    the options read out is that style, not one fixed "Read out"."""
    screen, expected, _, _ = shown
    named = [
        label for quoted, label in PROMPT_STYLES.items() if quoted in expected.instruction_text
    ]
    assert len(named) == 1
    assert screen.cues["options"] == named[0]


def test_the_screen_cues_the_interviewer_to_read_out_the_question(shown) -> None:
    screen, _, _, _ = shown
    assert screen.cues["question"] == "Read out"


def test_the_question_is_the_first_thing_in_the_form(shown) -> None:
    """Nothing comes before the question: its fieldset's legend holds it, first."""
    screen, _, _, _ = shown
    tags = [tag for tag, _ in screen.form_start]
    assert tags[:4] == ["div", "fieldset", "legend", "h1"]
    assert "govuk-fieldset__heading" in screen.form_start[3][1]


def test_dont_know_and_prefer_not_to_say_have_a_letter_key_where_the_mode_offers_them(
    shown,
) -> None:
    screen, _, mode, key = shown
    codes = STANDARD.question(key).wording(mode).codes
    assert screen.keys == {code: ANSWER_KEYS[code].lower() for code in codes if code in ANSWER_KEYS}
