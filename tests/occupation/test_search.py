"""The coding queue's search (seb.occupation.search): titles, codes and descriptions to
the unit groups they may mean, each with a SOC 2010 unit group a decision can record."""

from __future__ import annotations

import pytest

from seb.occupation.data import unit_group_descriptions, unit_group_titles
from seb.occupation.search import MAX_HITS, known_pairs, search, usual_soc2010


def codes(query: str) -> list[str]:
    return [hit.soc2020 for hit in search(query)]


def test_a_typed_title_finds_its_unit_group_first_even_misspelt() -> None:
    assert codes("bricklayer")[0] == "5313"
    assert codes("softwre developer")[0] == "2134"


def test_digits_find_the_unit_groups_whose_code_starts_with_them() -> None:
    assert codes("5241") == ["5241"]
    assert codes("52")[0].startswith("52")
    assert all(code.startswith("2") for code in codes("2"))


def test_words_of_a_description_find_its_unit_group() -> None:
    description = unit_group_descriptions()["2317"]
    assert "English language" in description
    assert "2317" in codes("speak and write the English language")


def test_every_hit_is_a_pair_the_index_holds_with_its_title_and_description() -> None:
    for query in ("nurse", "care home", "teacher", "9", "cleaner hospital"):
        hits = search(query)
        assert 0 < len(hits) <= MAX_HITS
        assert len({hit.soc2020 for hit in hits}) == len(hits)
        for hit in hits:
            assert (hit.soc2020, hit.soc2010) in known_pairs()
            assert hit.title == unit_group_titles()[hit.soc2020]
            assert hit.description
            assert hit.choice == f"{hit.soc2020}:{hit.soc2010}"


@pytest.mark.parametrize("query", ["", "   ", "zzzzqqqq xxyy"])
def test_nothing_or_nonsense_finds_nothing(query: str) -> None:
    assert search(query) == []


def test_every_unit_group_in_the_index_has_a_usual_soc2010_and_a_description() -> None:
    usual = usual_soc2010()
    assert len(usual) > 400
    assert all((soc2020, soc2010) in known_pairs() for soc2020, soc2010 in usual.items())
    assert set(unit_group_descriptions()) == set(unit_group_titles())
