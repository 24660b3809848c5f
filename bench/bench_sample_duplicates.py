"""Benchmark: a sample whose last lines repeat earlier references (docs/spec/fieldwork.md).

    .venv/bin/python bench/bench_sample_duplicates.py                  # 1,000,000 lines
    .venv/bin/python bench/bench_sample_duplicates.py --lines 100000   # a quick check

Works in its own database (`seb_bench_samples`, or BENCH_DATABASE) on the server of
DATABASE_URL, dropped at the end unless --keep. The file has `--lines` lines whose
last tenth repeat references of earlier lines, as a file concatenated with part of
itself does. Loading it must refuse the whole file, listing the repeats, within the
limits below; before the staging table was analysed and the repeats were found in
one pass, the same file held a worker at 100% database CPU for over 16 minutes.

Limits (1,000,000 lines, 100,000 repeated, on a 2-core machine):
- the whole-file checks (a repeated reference, one already in the sample, an unknown
  interviewer): under CHECKS_LIMIT seconds;
- the whole load, from the first line read to the report: under LOAD_LIMIT seconds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import in_bench_database, line

DEFAULT_LINES = 1_000_000
CHECKS_LIMIT = 10.0
LOAD_LIMIT = 180.0


def write_sample(path: Path, lines: int) -> int:
    """`lines` cases; the last tenth repeat the references of the first tenth. The
    number of repeated references."""
    repeated = lines // 10
    with path.open("w", encoding="utf-8") as out:
        out.write("reference,email,region\n")
        for number in range(1, lines - repeated + 1):
            out.write(f"R{number:08d},person{number}@example.org,North\n")
        for number in range(1, repeated + 1):
            out.write(f"R{number:08d},again{number}@example.org,South\n")
    return repeated


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database")
    args = parser.parse_args()
    in_bench_database(
        "seb_bench_samples", keep=args.keep, work=lambda name, folder: run(args, name, folder)
    )


def run(args: argparse.Namespace, name: str, folder: Path) -> None:
    from seb.interchange import FileFormat
    from surveys.fieldwork.samples import sample_load
    from surveys.models import Case, Survey

    survey = Survey.objects.create(slug="bench", name="Bench", access=Survey.Access.INVITATION)
    sample = folder / "sample.csv"
    repeated = write_sample(sample, args.lines)
    print(f"A sample of {args.lines:,} lines, {repeated:,} repeating (database {name})")
    marks: dict[str, float] = {}

    def progress(done: int, stage: str) -> None:
        if stage.startswith("Checking references") and "checks" not in marks:
            marks["checks"] = time.perf_counter()

    started = time.perf_counter()
    with sample.open("rb") as stream:
        report = sample_load(
            survey=survey, stream=stream, file_format=FileFormat.CSV, on_progress=progress
        )
    ended = time.perf_counter()
    assert not report.ok and report.problem_count == repeated, report.summary
    assert report.problems[0].line == args.lines - repeated + 2, report.problems[0]
    assert not Case.objects.exists()
    checks = ended - marks["checks"]
    line("whole-file checks (repeats found)", f"{checks:.2f} s", f"limit: {CHECKS_LIMIT:.0f} s",
         checks < CHECKS_LIMIT)  # fmt: skip
    line("whole load, refused", f"{ended - started:.1f} s", f"limit: {LOAD_LIMIT:.0f} s",
         ended - started < LOAD_LIMIT)  # fmt: skip


if __name__ == "__main__":
    main()
