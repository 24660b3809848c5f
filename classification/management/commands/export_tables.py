import os
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from classification.selectors import tables_report
from classification.sheets import WorkbookFormat
from classification.workbook import write_workbook
from seb.outputs import publish
from seb.standard import Mode
from seb.tables import Selection, TableError
from surveys.models import Survey


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}” is not a date: write it as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Write a survey's output tables workbook to a file, as XLSX or ODS by the output's "
        "extension: the same workbook as the analyst's download. Disclosure control is "
        "applied unless --unrounded is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", required=True, help="The survey's slug.")
        parser.add_argument("--output", required=True, type=Path, help="FILE.xlsx or FILE.ods")
        parser.add_argument(
            "--classes",
            choices=("5", "3", "both"),
            default="5",
            help="The NS-SEC table(s): 5-class, 3-class or both (default 5).",
        )
        parser.add_argument(
            "--unrounded",
            action="store_true",
            help="Write unrounded figures (no disclosure control); the workbook says so.",
        )
        parser.add_argument(
            "--mode",
            action="append",
            choices=[mode.value for mode in Mode],
            default=[],
            help="Only responses in this mode (repeat for several; default every mode).",
        )
        parser.add_argument(
            "--from", dest="date_from", help="Completed on or after this date (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--to", dest="date_to", help="Completed on or before this date (YYYY-MM-DD)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        try:
            file_format = WorkbookFormat(output.suffix.lower().lstrip("."))
        except ValueError:
            raise CommandError("--output must be an .xlsx or .ods file") from None
        survey = Survey.objects.filter(slug=options["survey"]).first()
        if survey is None:
            raise CommandError(f"There is no survey “{options['survey']}”")
        selection = Selection(
            modes=tuple(mode for mode in Mode if mode.value in options["mode"]),
            date_from=_date(options["date_from"]) if options["date_from"] else None,
            date_to=_date(options["date_to"]) if options["date_to"] else None,
        )
        if selection.date_from and selection.date_to and selection.date_to < selection.date_from:
            raise CommandError("--to must be the same as or after --from")
        try:
            report = tables_report(
                survey=survey,
                selection=selection,
                classes=options["classes"],
                controlled=not options["unrounded"],
            )
        except TableError as error:
            raise CommandError(str(error)) from None
        # Written beside the output and moved into place, so it is never half-written.
        partial = output.with_name(f".{output.name}.partial")
        try:
            with partial.open("wb") as stream:
                write_workbook(publish(report), stream, file_format)
            os.replace(partial, output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from None
        finally:
            partial.unlink(missing_ok=True)
        figures = "unrounded figures" if options["unrounded"] else "disclosure control applied"
        self.stdout.write(self.style.SUCCESS(f"Output tables ({figures}) written to {output}."))
