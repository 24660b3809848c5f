import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from classification.microdata import microdata_write, survey_microdata
from seb.interchange import FileFormat, FileProblem
from seb.interchange.writing import TooManyRows
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Write a survey's microdata (its complete responses in the interchange format, "
        "with nssec5 and nssec3) to a .csv or .xlsx file: the same file as the download."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", required=True, help="The survey's slug.")
        parser.add_argument("--output", required=True, type=Path, help="FILE.csv or FILE.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        try:
            file_format = FileFormat.for_name(output.name)
        except FileProblem as error:
            raise CommandError(str(error.problem)) from None
        survey = Survey.objects.filter(slug=options["survey"]).first()
        if survey is None:
            raise CommandError(f"There is no survey “{options['survey']}”")
        # Written beside the output and moved into place at the end, so the
        # output is never a half-written file.
        partial = output.with_name(f".{output.name}.partial")
        try:
            with partial.open("wb") as stream:
                count = microdata_write(
                    responses=survey_microdata(survey=survey),
                    stream=stream,
                    file_format=file_format,
                )
            os.replace(partial, output)
        except TooManyRows as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        finally:
            partial.unlink(missing_ok=True)
        noun = "response" if count == 1 else "responses"
        self.stdout.write(self.style.SUCCESS(f"{count:,} {noun} written to {output}."))
