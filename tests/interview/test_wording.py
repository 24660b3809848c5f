"""Every interviewer screen says exactly what the standard prints for its mode.

The expected words come from the published text (`published.py`), not from the
YAML the pages are built from.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from seb.standard import Mode, load_standard
from surveys.forms import SPONTANEOUS_DIVIDER
from surveys.models import Response, Survey

from .conftest import INTERVIEW_MODES
from .published import PublishedQuestion, published
from .screens import Screen, read_screen

pytestmark = pytest.mark.django_db

STANDARD = load_standard()
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


def test_the_options_are_numbered_and_worded_as_the_standard_prints_them(shown) -> None:
    screen, expected, _, _ = shown
    assert screen.options == expected.options


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


def test_spontaneous_options_come_after_one_divider_and_carry_their_mark(shown) -> None:
    screen, expected, _, _ = shown
    spontaneous = [label for label in expected.options if "(Spontaneous)" in label]
    if not spontaneous:
        assert screen.dividers == []
        return
    first = expected.options.index(spontaneous[0])
    assert screen.dividers == [(first, SPONTANEOUS_DIVIDER)]
    assert "do not read out" in SPONTANEOUS_DIVIDER
    assert all("(Spontaneous)" not in label for label in screen.options[:first])
    assert all(
        label.split(". ", 1)[1].startswith("(Spontaneous) ") for label in screen.options[first:]
    )


def test_a_showcard_marker_appears_exactly_where_the_standard_asks_for_a_showcard(shown) -> None:
    screen, expected, _, key = shown
    if "showcard" in expected.instruction_text:
        assert any(cue.startswith("Showcard") for cue in screen.cues)
        assert screen.showcard_links == [f"/interview/showcards/{key}/"]
    else:
        assert not any("showcard" in cue.lower() for cue in screen.cues)
        assert screen.showcard_links == []


def test_the_prompt_style_the_standard_names_is_shown(shown) -> None:
    screen, expected, _, _ = shown
    named = [
        label for quoted, label in PROMPT_STYLES.items() if quoted in expected.instruction_text
    ]
    assert len(named) == 1
    assert f"Prompt style: {named[0]}" in screen.cues


def test_the_screen_cues_the_interviewer_to_read_out_the_question(shown) -> None:
    screen, _, _, _ = shown
    assert screen.read_out_cue
