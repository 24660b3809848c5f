"""Showcards: one for each question the standard asks to show on a card face to face."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from seb.standard import Mode, load_standard

from .html import Element, parse
from .published import published

pytestmark = pytest.mark.django_db

STANDARD = load_standard()
FACE_TO_FACE = published(Mode.FACE_TO_FACE)
SHOWCARD_KEYS = [
    key for key, question in FACE_TO_FACE.items() if "showcard" in question.instruction_text
]


def cards(html: bytes) -> list[Element]:
    return parse(html).find_all("section", "showcard")


def test_the_standard_asks_for_showcards_for_school_type_and_parental_occupation() -> None:
    """A guard on the published text itself, so the tests below check something."""
    assert SHOWCARD_KEYS == ["school_type", "earner_occupation"]


@pytest.mark.parametrize("key", STANDARD.keys)
def test_a_showcard_page_exists_exactly_for_the_questions_the_standard_asks_one_for(
    interviewer_client: Client, key: str
) -> None:
    response = interviewer_client.get(f"/interview/showcards/{key}/")
    assert response.status_code == (200 if key in SHOWCARD_KEYS else 404)


def test_an_unknown_question_has_no_showcard(interviewer_client: Client) -> None:
    assert interviewer_client.get("/interview/showcards/no_such_question/").status_code == 404


@pytest.mark.parametrize("key", SHOWCARD_KEYS)
def test_a_showcard_lists_the_read_out_options_with_their_numbers_and_hints(
    interviewer_client: Client, key: str
) -> None:
    """Spontaneous options are not read out, so they are not on the card either."""
    (card,) = cards(interviewer_client.get(f"/interview/showcards/{key}/").content)
    expected = FACE_TO_FACE[key]
    assert card.find("h2").text == expected.text
    shown = []
    for item in card.find_all("li", "showcard__option"):
        hints = item.find_all("span", "showcard__hint")
        number = int(item.attrs["value"])
        shown.append((f"{number}. {item.find('span', 'showcard__option-label').text}", number))
        assert (hints[0].text if hints else None) == expected.hints.get(number)
    read_out = [
        (label, int(label.split(".", 1)[0]))
        for label in expected.options
        if "(Spontaneous)" not in label
    ]
    assert shown == read_out
    assert "Spontaneous" not in card.text
    assert not re.search(r"Don’t know|Prefer not to say", card.text)


def test_the_showcards_page_has_every_card_in_the_standards_order(
    interviewer_client: Client,
) -> None:
    page = interviewer_client.get("/interview/showcards/").content
    assert [card.find("h2").text for card in cards(page)] == [
        FACE_TO_FACE[key].text for key in SHOWCARD_KEYS
    ]


def test_showcard_pages_link_the_interviewer_print_stylesheet(
    interviewer_client: Client,
) -> None:
    page = parse(interviewer_client.get("/interview/showcards/").content)
    sheets = [link.attrs["href"] for link in page.find_all("link", rel="stylesheet")]
    assert "/static/css/interviewer.css" in sheets
    assert "interview-showcards" in page.find("body").classes
