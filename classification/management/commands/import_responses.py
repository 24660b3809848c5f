from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from classification.imports import SurveyNotFound, import_file, survey_for_import
from seb.interchange import FileFormat, FileProblem
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Import responses collected elsewhere from a CSV or XLSX file in the interchange "
        "format of codes.md. Every line is checked first; one bad line and nothing is "
        "imported, and every problem is listed with its line, column and reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument("--survey", required=True, help="The survey's slug.")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Make the survey, offering every mode, when no survey has this slug.",
        )
        parser.add_argument("--name", default="", help="The new survey's name (with --create).")
        parser.add_argument(
            "--allow-duplicate",
            action="store_true",
            help="Import the file even if this very file was imported into the survey before.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            file_format = FileFormat.for_name(path.name)
        except FileProblem as error:
            raise CommandError(str(error.problem)) from None
        try:
            stream = path.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot open {path}: {error.strerror}") from None
        with stream, transaction.atomic():
            # A survey made for this file is kept only if the file is imported.
            created = (
                options["create"] and not Survey.objects.filter(slug=options["survey"]).exists()
            )
            try:
                survey = survey_for_import(
                    slug=options["survey"], create=options["create"], name=options["name"]
                )
            except SurveyNotFound as error:
                raise CommandError(str(error)) from None
            # Every problem is printed as it is found, so a large file's whole list
            # is shown without being held in memory.
            report = import_file(
                survey=survey,
                stream=stream,
                file_format=file_format,
                file_name=path.name,
                allow_duplicate=options["allow_duplicate"],
                on_problem=lambda problem: self.stderr.write(str(problem)),
            )
            if not report.ok:
                transaction.set_rollback(True)
        if not report.ok:
            raise CommandError(report.summary)
        if created:
            self.stdout.write(f"Survey “{survey.slug}” is ready, offering every mode.")
        self.stdout.write(self.style.SUCCESS(f"{report.summary} (“{survey.slug}”)."))
