"""A sample load's codes file, written from the credentials the load makes each case
with: every row opens its own case (a code typed on the survey page, a link), and a
load that fails leaves neither a case nor a file (docs/spec/fieldwork.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.test import Client

from jobs.models import Job
from jobs.runner import Progress, job_dir, job_path
from surveys.fieldwork.case_copy import CaseCopier
from surveys.fieldwork.codes_file import CodesOut, codes_write
from surveys.fieldwork.issuing import NewCase, cases_create
from surveys.fieldwork.samples import load_cases
from surveys.job_handlers import CODES_FILE, load_sample_job
from surveys.models import Case, CaseTally, Response, SampleLoad, Survey
from tests.fieldwork.conftest import load, sample_csv

pytestmark = pytest.mark.django_db

ROWS = [("F1", "f1@example.org", "North"), ("F2", "", "South"), ("F3", "f3@example.org", "")]
HEADER = ("reference", "email", "region")


def read_codes(content: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content)))


def assert_each_row_opens_its_case(survey: Survey, rows: list[dict[str, str]]) -> None:
    assert sorted(row["reference"] for row in rows) == sorted(
        Case.objects.filter(survey=survey).values_list("reference", flat=True)
    )
    for row in rows:
        case = Case.objects.get(survey=survey, reference=row["reference"])
        typed = Client()
        arrived = typed.post(f"/s/{survey.slug}/access-code/", {"access_code": row["access_code"]})
        assert arrived.status_code == 302 and arrived["Location"] == f"/s/{survey.slug}/"
        assert Response.objects.filter(case=case).count() == 1
        followed = Client()
        path = row["link"].removeprefix("http://testserver")
        assert path.startswith(f"/s/{survey.slug}/k/")
        assert followed.get(path)["Location"] == f"/s/{survey.slug}/"
        # The same case again (its response carried on), not another.
        assert Response.objects.filter(case=case).count() == 1
        stored = " ".join(str(v) for v in Case.objects.filter(pk=case.pk).values().get().values())
        token = path.rstrip("/").rsplit("/", 1)[1]
        assert row["access_code"] not in stored and token not in stored


def test_the_load_jobs_codes_file_opens_each_case_and_matches_the_nonces(
    manager_client: Client, invitation_survey: Survey
) -> None:
    upload = io.BytesIO(sample_csv(ROWS, header=HEADER))
    upload.name = "sample.csv"
    manager_client.post("/manage/invited/sample/upload/", {"file": upload})
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["codes_rows"] == 3
    written = job_path(job, CODES_FILE)
    assert written.stat().st_mode & 0o777 == 0o600
    assert not written.with_name(f"{CODES_FILE}.partial").exists()
    rows = read_codes(written.read_text())
    # The file the load wrote is the one the nonces rebuild (a job run again writes that).
    rebuilt = io.BytesIO()
    load_ = SampleLoad.objects.get()
    codes_write(cases=load_cases(load_), survey=invitation_survey, stream=rebuilt)
    assert rows == read_codes(rebuilt.getvalue().decode())
    assert_each_row_opens_its_case(invitation_survey, rows)
    # Run again, as after a worker killed between the commit and the rename: the file is
    # rebuilt from the nonces and the partial one (codes that open cases) goes.
    left = written.with_name(f"{CODES_FILE}.partial")
    left.write_text("reference,access_code,link\r\n")
    load_sample_job(job, Progress(job))
    assert not left.exists()
    assert read_codes(written.read_text()) == rows


def test_load_sample_commands_codes_file_opens_each_case(
    invitation_survey: Survey, tmp_path: Path
) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_bytes(sample_csv(ROWS, header=HEADER))
    codes = tmp_path / "codes.csv"
    out = io.StringIO()
    call_command("load_sample", str(sample), survey="invited", codes_out=str(codes), stdout=out)
    assert "Wrote the codes and links of 3 cases" in out.getvalue()
    assert codes.stat().st_mode & 0o777 == 0o600
    assert {p.name for p in tmp_path.iterdir()} == {"sample.csv", "codes.csv"}
    assert_each_row_opens_its_case(invitation_survey, read_codes(codes.read_text()))


def _fail_after_the_first_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    """One line a statement, and the third fails: the second has written a case,
    and the file has every row, when the load fails."""
    monkeypatch.setattr("surveys.fieldwork.samples.STAGE_BATCH", 1)
    made = {"count": 0}
    real = CaseCopier.copy

    def failing(self: CaseCopier, cursor: object, lines: object, interviewers: object) -> bool:
        made["count"] += 1
        if made["count"] % 3 == 0:  # the third statement of each load
            raise RuntimeError("the machine fell over")
        return real(self, cursor, lines, interviewers)  # type: ignore[arg-type]

    monkeypatch.setattr(CaseCopier, "copy", failing)


def _fail_after_every_case(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case made and its row written, then the load's last write fails."""

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log is full")

    monkeypatch.setattr("surveys.fieldwork.samples.audit", failing)


@pytest.mark.parametrize("failure", [_fail_after_the_first_statement, _fail_after_every_case])
def test_a_load_that_fails_leaves_no_case_and_no_codes_file(
    invitation_survey: Survey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure
) -> None:
    failure(monkeypatch)
    codes = CodesOut(path=tmp_path / "codes.csv", open=lambda path: path.open("xb"))
    with pytest.raises(RuntimeError):
        load(invitation_survey, sample_csv(ROWS, header=HEADER), codes=codes)
    assert list(tmp_path.iterdir()) == []
    assert not Case.objects.exists() and not SampleLoad.objects.exists()
    assert not CaseTally.objects.filter(count__gt=0).exists()


@pytest.mark.parametrize("failure", [_fail_after_the_first_statement, _fail_after_every_case])
def test_a_load_command_or_job_that_fails_leaves_no_file(
    invitation_survey: Survey,
    manager_client: Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure,
) -> None:
    failure(monkeypatch)
    sample = tmp_path / "sample.csv"
    sample.write_bytes(sample_csv(ROWS, header=HEADER))
    with pytest.raises(RuntimeError):
        call_command("load_sample", str(sample), survey="invited", codes_out=str(tmp_path / "c"))
    assert [p.name for p in tmp_path.iterdir()] == ["sample.csv"]
    upload = io.BytesIO(sample.read_bytes())
    upload.name = "sample.csv"
    manager_client.post("/manage/invited/sample/upload/", {"file": upload})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert not job_dir(job).exists() and not job.result.get("codes_file")
    assert not Case.objects.exists() and not SampleLoad.objects.exists()


def test_a_bad_file_opens_no_codes_file(invitation_survey: Survey, tmp_path: Path) -> None:
    codes = CodesOut(path=tmp_path / "codes.csv", open=lambda path: path.open("xb"))
    report = load(invitation_survey, sample_csv([("G1", ""), ("G1", "")]), codes=codes)
    assert not report.ok
    assert list(tmp_path.iterdir()) == []


def test_the_command_refuses_a_left_over_partial_file(
    invitation_survey: Survey, tmp_path: Path
) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_bytes(sample_csv(ROWS, header=HEADER))
    (tmp_path / "codes.csv.partial").write_text("")
    with pytest.raises(CommandError, match=r"codes\.csv\.partial exists"):
        call_command(
            "load_sample", str(sample), survey="invited", codes_out=str(tmp_path / "codes.csv")
        )
    assert not Case.objects.exists()


def test_a_load_that_cannot_open_its_file_leaves_another_loads_partial_file_alone(
    invitation_survey: Survey, tmp_path: Path
) -> None:
    """Two loads naming one codes file: the second is refused at `open`, and the first's
    partial file (codes being written) is not deleted under it."""
    theirs = tmp_path / "codes.csv.partial"
    theirs.write_text("reference,access_code,link\r\n")
    codes = CodesOut(path=tmp_path / "codes.csv", open=lambda path: path.open("xb"))
    with pytest.raises(FileExistsError):
        load(invitation_survey, sample_csv(ROWS, header=HEADER), codes=codes)
    assert theirs.exists()
    assert not Case.objects.exists()


def test_a_loaded_case_is_the_case_cases_create_makes_and_is_tallied(
    invitation_survey: Survey,
) -> None:
    """Every column the load leaves to the model's defaults holds what the ORM puts there."""
    report = load(invitation_survey, sample_csv([("H1", "h@example.org", "North")], header=HEADER))
    assert report.ok
    new = NewCase(reference="H2", email="h@example.org", variables={"region": "North"})
    list(cases_create(survey=invitation_survey, cases=[new], sample_load=report.load))
    loaded, created = (
        Case.objects.filter(reference=reference).values().get() for reference in ("H1", "H2")
    )
    differ = {"id", "reference", "access_code_hash", "link_token_hash", "credentials_nonce"}
    moments = {"created_at", "credentials_issued_at"}
    assert {k: v for k, v in loaded.items() if k not in differ | moments} == {
        k: v for k, v in created.items() if k not in differ | moments
    }
    assert all(loaded[name] is not None for name in moments)
    assert all(loaded[name] for name in differ)
    tallied = CaseTally.objects.filter(survey=invitation_survey).aggregate(n=Sum("count"))["n"]
    assert tallied == 2


def test_every_line_becomes_a_case_across_slices_and_gaps(
    invitation_survey: Survey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases are inserted a slice of line numbers at a time: blank lines (numbers with
    no case) and slice edges lose no case, and the file lists each case once."""
    monkeypatch.setattr("surveys.fieldwork.samples.STAGE_BATCH", 2)
    content = b"reference,email\nK1,\n\n\nK2,\nK3,\n\nK4,\nK5,\n"
    codes = CodesOut(path=tmp_path / "codes.csv", open=lambda path: path.open("xb"))
    report = load(invitation_survey, content, codes=codes)
    assert report.ok and report.created == 5
    references = ["K1", "K2", "K3", "K4", "K5"]
    assert list(Case.objects.order_by("pk").values_list("reference", flat=True)) == references
    rows = read_codes((tmp_path / "codes.csv").read_text())
    assert [row["reference"] for row in rows] == references
