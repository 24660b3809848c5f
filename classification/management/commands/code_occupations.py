import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from seb.occupation.batch import OUTPUT_COLUMNS, BatchProblem, code_csv


class Command(BaseCommand):
    help = (
        "Code the job titles in a CSV file to SOC 2020 with the ONS coding index. Writes "
        "every input column plus " + ", ".join(OUTPUT_COLUMNS) + " (candidates: SOC 2020 "
        "codes, best first, joined by |). Streamed: any size of file in bounded memory."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="A CSV file (UTF-8).")
        parser.add_argument("--output", required=True, type=Path, help="The CSV file to write.")
        parser.add_argument(
            "--column", default="job_title", help="The column holding the job titles."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes that code at once (default: 2, or 1 on one core).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        target: Path = options["output"]
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more.")
        if target.exists() and source.exists() and target.resolve() == source.resolve():
            raise CommandError("--output must not be the input file.")
        if target.is_dir():
            raise CommandError(f"{target} is a folder: give the output file's name.")
        try:
            stream = source.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"Cannot open {source}: {error.strerror}.") from None
        # Written beside the output and moved into place only when every row is coded,
        # so a bad line leaves no half-written output behind.
        try:
            handle, temporary = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".part"
            )
        except OSError as error:
            stream.close()
            raise CommandError(f"Cannot write to {target.parent}: {error.strerror}.") from None
        try:
            with stream, os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                report = code_csv(
                    source=stream, target=out, column=options["column"], workers=options["workers"]
                )
            os.replace(temporary, target)
        except BatchProblem as problem:
            raise CommandError(f"{source}: {problem} Nothing was written.") from None
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
        self.stdout.write(self.style.SUCCESS(f"{report.summary}; written to {target}."))
