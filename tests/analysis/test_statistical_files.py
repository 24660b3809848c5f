"""SPSS and Stata files as their users expect them: "Don't know" and "Prefer not to say"
declared missing, integer formats, a file label that fits, a Stata release Stata 14
opens. Read back by GNU PSPP as well as by pyreadstat and pandas."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyreadstat
import pytest
from django.test import Client

from classification.microdata import microdata_rows, survey_microdata
from classification.statfiles import SPSS_FILE_LABEL_BYTES, STATA_LABEL_LENGTH, cut_at_word
from seb.codebook import codebook
from seb.interchange import MICRODATA_COLUMNS
from seb.standard import Mode, load_standard
from surveys.models import Survey
from surveys.responses.bulk import NewResponse, complete, responses_create
from tests.pspp import quoted, run_pspp

from .conftest import SLUG, plausible_responses
from .statfile_reader import decoded_rows, read_back

pytestmark = pytest.mark.django_db

# Answer sets with "Don't know" and "Prefer not to say" in several questions (the
# plausible responses alone may hold few of either).
UNKNOWN_ANSWERS = [
    (
        Mode.TELEPHONE,
        {
            "school_type": "dont_know",
            "free_school_meals": "prefer_not_to_say",
            "earner_employment_status": "dont_know",
            "parental_qualification": "dont_know",
        },
    ),
    (
        Mode.ONLINE,
        {
            "school_type": "prefer_not_to_say",
            "free_school_meals": "dont_know",
            "earner_employment_status": "prefer_not_to_say",
            "parental_qualification": "prefer_not_to_say",
        },
    ),
    (
        Mode.ONLINE,
        {
            "school_type": "dont_know",
            "free_school_meals": "no",
            "earner_employment_status": "employee",
            "employer_size": "prefer_not_to_say",
            "supervisor": "dont_know",
            "earner_occupation": "dont_know",
            "parental_qualification": "degree",
        },
    ),
]


@pytest.fixture
def stated(survey: Survey) -> Survey:
    plausible_responses(survey, 60, seed=17)
    responses_create(
        survey=survey,
        responses=[
            NewResponse(complete=complete(survey, mode, answers))
            for mode, answers in UNKNOWN_ANSWERS
        ],
    )
    return survey


def download(client: Client, extension: str, tmp_path: Path) -> Path:
    response = client.get(f"/analysis/{SLUG}/download/microdata.{extension}")
    assert response.status_code == 200
    path = tmp_path / f"microdata.{extension}"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def frequencies(rows: list[list[str]]) -> dict[tuple[str, str], int]:
    """PSPP's frequency table as (Valid or Missing, label) -> frequency."""
    found: dict[tuple[str, str], int] = {}
    section = ""
    for row in rows[1:]:
        section = row[0] or section
        if row[0] == "Total" or row[1] == "Total":
            continue
        found[(section, row[1])] = int(row[2])
    return found


def test_pspp_frequencies_count_dont_know_and_prefer_not_to_say_as_missing(
    unrounded_client: Client, stated: Survey, tmp_path: Path
) -> None:
    """GNU PSPP's FREQUENCIES on the SPSS file puts every "Don't know" and "Prefer not to
    say" (and NS-SEC's class for them) under Missing, beside the questions not asked
    (system-missing, "."), and every other answer under Valid, with the microdata's
    counts."""
    path = download(unrounded_client, "sav", tmp_path)
    coded = [variable for variable in codebook() if variable.is_coded]
    tables = run_pspp(
        f"GET FILE={quoted(path)}.\n"
        f"FREQUENCIES VARIABLES={' '.join(variable.name for variable in coded)}.\n",
        tmp_path,
    )
    rows = list(microdata_rows(responses=survey_microdata(survey=stated)))
    declared = 0
    for variable in coded:
        held = Counter(row[MICRODATA_COLUMNS.index(variable.name)] for row in rows)
        expected = {
            ("Missing" if code.missing else "Valid", code.label): held[code.code]
            for code in variable.codes
            if held[code.code]
        }
        if held[""]:
            expected[("Missing", ".")] = held[""]
        assert frequencies(tables[variable.label]) == expected, variable.name
        declared += sum(held[code.code] for code in variable.missing_codes)
    # The test data holds enough of them for the check to mean something.
    assert declared >= 3 * len(UNKNOWN_ANSWERS)


def test_pspp_reads_integer_formats_declared_missing_values_and_the_label(
    unrounded_client: Client, stated: Survey, tmp_path: Path
) -> None:
    """PSPP sees each coded variable as a whole number (F1.0, the width its largest value
    needs) with its missing values declared, and the file's label cut at a word."""
    stated.name = "Étude de l’expérience des employés et des employées — vague d’été"
    stated.save()
    path = download(unrounded_client, "sav", tmp_path)
    tables = run_pspp(f"SYSFILE INFO FILE={quoted(path)}.\n", tmp_path)
    info = {row[0]: row[1] for row in tables["File Information"]}
    label = info["Label"]
    title = f"Socio-economic background microdata: {stated.name}"
    assert label == cut_at_word(title, max_bytes=SPSS_FILE_LABEL_BYTES)
    assert len(label.encode("utf-8")) <= SPSS_FILE_LABEL_BYTES
    assert label.endswith("…") and title.startswith(label.removesuffix("…") + " ")
    header, *described = tables["Variables"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in described}
    for variable in codebook():
        if not variable.is_coded:
            continue
        assert by_name[variable.name]["Print Format"] == f"F{variable.format_width}.0"
        missing = "; ".join(str(code.value) for code in variable.missing_codes)
        assert by_name[variable.name]["Missing Values"] == missing, variable.name
    assert by_name["school_type"]["Missing Values"] == "6; 7"


def test_spss_file_declares_the_missing_values_pyreadstat_reads(
    unrounded_client: Client, stated: Survey, tmp_path: Path
) -> None:
    """pyreadstat reads the same declaration: each variable's missing values are the
    codebook's, and read as SPSS reads them they are no answer (NaN)."""
    path = download(unrounded_client, "sav", tmp_path)
    kept, meta = pyreadstat.read_sav(str(path), user_missing=True)
    plain, _ = pyreadstat.read_sav(str(path))
    for variable in codebook():
        declared = meta.missing_ranges.get(variable.name, [])
        assert [entry["lo"] for entry in declared] == [
            float(code.value) for code in variable.missing_codes
        ]
        if variable.is_coded:
            assert meta.original_variable_types[variable.name] == "F1.0"
        for code in variable.missing_codes:
            stored = kept[variable.name] == code.value
            assert plain[variable.name][stored].isna().all()
    rows = microdata_rows(responses=survey_microdata(survey=stated))
    held = Counter(row[MICRODATA_COLUMNS.index("school_type")] for row in rows)
    assert (kept["school_type"] == 6).sum() == held["dont_know"] >= 2


def test_stata_file_is_release_118_with_labelled_extended_missing_values(
    unrounded_client: Client, stated: Survey, tmp_path: Path
) -> None:
    """The Stata file is format 118 (Stata 14 and later open it; 119 needs Stata 15).
    "Don't know" is `.a`, "Prefer not to say" `.b`, NS-SEC's class for them `.c`, each
    labelled; a question not asked is `.`; codes are whole numbers."""
    path = download(unrounded_client, "dta", tmp_path)
    assert path.read_bytes().startswith(b"<stata_dta><header><release>118</release>")
    frame, meta = read_back(path.read_bytes(), "dta", tmp_path)
    assert decoded_rows(frame) == list(microdata_rows(responses=survey_microdata(survey=stated)))
    assert meta.variable_value_labels["school_type"]["a"] == "Don’t know"
    assert meta.variable_value_labels["school_type"]["b"] == "Prefer not to say"
    assert meta.variable_value_labels["nssec5"]["c"] == "Don’t know or prefer not to say"
    assert set(frame["school_type"]) >= {"a", "b", 1}
    assert set(frame["nssec5"]) >= {"c"}
    assert meta.file_label == f"Socio-economic background microdata: {stated.name}"
    for variable in codebook():
        if variable.is_coded:
            assert meta.original_variable_types[variable.name] == "%8.0g"
            assert meta.readstat_variable_types[variable.name] in ("int32", "double")
            values = {value for value in frame[variable.name] if isinstance(value, int)}
            assert values <= {code.value for code in variable.codes if not code.missing}


def test_stata_labels_are_cut_at_a_word_within_80_characters(
    unrounded_client: Client, stated: Survey, tmp_path: Path
) -> None:
    stated.name = "A survey of the socio-economic background of the staff of a large department"
    stated.save()
    _, meta = read_back(download(unrounded_client, "dta", tmp_path).read_bytes(), "dta", tmp_path)
    assert len(meta.file_label) <= STATA_LABEL_LENGTH
    assert meta.file_label == (
        "Socio-economic background microdata: A survey of the socio-economic background…"
    )


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("Short enough", 64, "Short enough"),
        ("one two three", 10, "one two…"),
        ("one two, three", 12, "one two…"),
        ("été été été", 10, "été…"),  # é is two bytes: "été été…" is 13
        ("Unbreakableword", 8, "Unbre…"),
    ],
)
def test_cut_at_word_keeps_whole_words_within_the_bytes(text: str, limit: int, cut: str) -> None:
    assert cut_at_word(text, max_bytes=limit) == cut
    assert len(cut.encode("utf-8")) <= limit


def test_the_missing_codes_come_from_the_standards_data() -> None:
    """Every question's "Don't know" and "Prefer not to say" is declared missing, with the
    letter the standard's data file gives it; no other answer is."""
    standard = load_standard()
    assert dict(standard.missing_answers) == {"dont_know": "a", "prefer_not_to_say": "b"}
    for question in standard.questions:
        variable = next(item for item in codebook() if item.name == question.key)
        assert {code.code: code.missing for code in variable.missing_codes} == {
            code: letter
            for code, letter in standard.missing_answers.items()
            if code in question.codes
        }


def test_without_pspp_the_tests_fail_with_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A machine without PSPP fails these tests, saying how to install it: never a skip."""
    import tests.pspp

    monkeypatch.delenv("PSPP", raising=False)
    monkeypatch.setattr(tests.pspp.shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"run `make pspp` \(or: sudo apt-get"):
        tests.pspp.pspp_command()
