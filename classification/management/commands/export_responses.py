import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from classification.microdata import (
    MicrodataFormat,
    microdata_statfile,
    microdata_write,
    survey_microdata,
)
from classification.occupation_outputs import microdata_columns
from classification.statfiles import StatFormat, file_variables
from seb.csvw import metadata_bytes, metadata_name, microdata_metadata
from seb.interchange import FileFormat
from seb.interchange.writing import TooManyRows
from seb.tables import Selection
from surveys.audit import Event, audit
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Write a survey's microdata (its complete responses in the interchange format, "
        "with nssec5 and nssec3) to a file: CSV, XLSX, SPSS (.sav) or Stata (.dta), by the "
        "output's extension; the same file as the download. Beside a CSV, its CSV on the "
        "Web metadata (FILE.csv-metadata.json), as the download offers it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", required=True, help="The survey's slug.")
        parser.add_argument(
            "--output", required=True, type=Path, help="FILE.csv, FILE.xlsx, FILE.sav or FILE.dta"
        )
        parser.add_argument(
            "--typed-job-titles",
            action="store_true",
            help="For a survey that asks for the job title: add the titles as typed (they "
            "can identify people; the coded occupation columns are always there).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        try:
            file_format = MicrodataFormat.for_name(output.name)
        except ValueError as error:
            raise CommandError(str(error)) from None
        survey = Survey.objects.filter(slug=options["survey"]).first()
        if survey is None:
            raise CommandError(f"There is no survey “{options['survey']}”")
        responses = survey_microdata(survey=survey)
        columns = microdata_columns(survey, typed_title=options["typed_job_titles"])
        # Written beside the output and moved into place at the end, so the
        # output is never a half-written file.
        partial = output.with_name(f".{output.name}.partial")
        described = output.with_name(metadata_name(output.name))
        described_partial = described.with_name(f".{described.name}.partial")
        try:
            with partial.open("wb") as stream:
                if file_format in (MicrodataFormat.SAV, MicrodataFormat.DTA):
                    made, count = microdata_statfile(
                        responses=responses,
                        survey=survey,
                        file_format=StatFormat(file_format.value),
                        columns=columns,
                    )
                    with made:
                        while chunk := made.read(1024 * 1024):
                            stream.write(chunk)
                else:
                    count = microdata_write(
                        responses=responses,
                        stream=stream,
                        file_format=FileFormat(file_format.value),
                        columns=columns,
                    )
            if file_format is MicrodataFormat.CSV:
                described_partial.write_bytes(
                    metadata_bytes(_metadata(survey, output.name, columns))
                )
                os.replace(described_partial, described)
            os.replace(partial, output)
        except TooManyRows as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        finally:
            partial.unlink(missing_ok=True)
            described_partial.unlink(missing_ok=True)
        # A download like the analysis pages' one, by no one signed in: the command's.
        audit(
            Event.MICRODATA_DOWNLOADED,
            actor=None,
            target=survey,
            count=count,
            command="export_responses",
            file=output.name,
        )
        noun = "response" if count == 1 else "responses"
        self.stdout.write(self.style.SUCCESS(f"{count:,} {noun} written to {output}."))
        if file_format is MicrodataFormat.CSV:
            self.stdout.write(f"Its CSV on the Web metadata: {described}.")


def _metadata(survey: Survey, csv_name: str, columns: Sequence[str]) -> dict[str, Any]:
    """The microdata CSV's metadata, as the download's (every complete response)."""
    return microdata_metadata(
        csv_name=csv_name,
        survey_name=survey.name,
        selection=Selection().describe(),
        produced_at=timezone.localtime(),
        standard_title=survey.standard_title,
        publisher=survey.organisation,
        version=survey.standard_version,
        variables=file_variables(columns, survey.standard_version),
    )
