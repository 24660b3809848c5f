"""Normalisation of typed job titles and the mending of words to the index's."""

from __future__ import annotations

import pytest

from seb.occupation.index import mend
from seb.occupation.normalise import is_non_answer, tokens


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("CARE ASSISTANT", ("care", "assistant")),
        ("Café Owner", ("cafe", "owner")),
        ("Fish & chip shop manager.", ("fish", "chip", "shop", "manager")),
        ("Nurses", ("nurse",)),
        ("Secretaries", ("secretary",)),
        ("Snr Sales Mgr", ("senior", "sale", "manager")),
        ("shop asst", ("shop", "assistant")),
        ("Jnr Eng", ("junior", "engineer")),
        ("Co-ordinator", ("coordinator",)),
        ("Builders' merchants", ("builder", "merchant")),
        ("organizer", ("organiser",)),
        ("customer service advisor", ("customer", "service", "adviser")),
        ("GP", ("general", "practitioner")),
        ("textile manufacturing", ("textile", "mfr")),
    ],
)
def test_tokens_fold_case_accents_punctuation_plurals_and_abbreviations(typed, expected):
    assert tokens(typed) == expected


def test_the_index_side_keeps_its_acronyms_and_the_typed_side_spells_them_out():
    assert tokens("ENG", acronyms=True) == ("eng",)
    assert tokens("eng") == ("engineer",)
    assert tokens("IN engineer", acronyms=True) == ("in", "engineer")
    assert tokens("in engineer") == ("engineer",)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("electrision", ("electrician",)),
        ("recepionist", ("receptionist",)),
        ("plumer", ("plumber",)),
        ("hairdreser", ("hairdresser",)),
        ("bookkeeper", ("bookkeeper",)),
        ("forklift driver", ("forklift", "driver")),
    ],
)
def test_misspelt_and_run_together_words_are_mended_to_the_index_words(typed, expected):
    assert mend(tokens(typed))[0] == expected


def test_a_word_as_near_to_two_index_words_gives_two_readings():
    readings = mend(tokens("electrican"))
    assert {reading[0] for reading in readings} >= {"electrician", "electrical"}


def test_word_order_does_not_change_the_tokens_matched():
    assert set(tokens("manager, sales")) == set(tokens("sales manager"))


@pytest.mark.parametrize(
    "text",
    [
        "don't know",
        "DON’T KNOW",
        "n/a",
        "N/A",
        "can't remember",
        "I can't remember",
        "not sure",
        "prefer not to say",
        "",
        "   ",
        "?",
        "-",
        "none",
    ],
)
def test_non_answers_are_recognised(text):
    assert is_non_answer(text)


@pytest.mark.parametrize("text", ["nurse", "not known manager", "it manager", "Dental nurse"])
def test_a_title_is_not_a_non_answer(text):
    assert not is_non_answer(text)
