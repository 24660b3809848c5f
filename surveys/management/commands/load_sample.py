"""load_sample --survey SLUG FILE [--codes-out CODES.csv]"""

import os
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from seb.interchange import FileFormat, FileProblem
from surveys.audit import Event, audit
from surveys.fieldwork.codes_file import CodesOut
from surveys.fieldwork.contacts import NO_PUBLIC_ADDRESS, links_configured
from surveys.fieldwork.samples import sample_load
from surveys.models import Survey

LISTED = 10_000


class Command(BaseCommand):
    help = (
        "Load a sample (CSV or XLSX) into a survey, all or nothing: a reference column, "
        "optional email, phone, name, address, mode and interviewer columns, any others kept "
        "as sample variables. With --codes-out, write reference,access_code,link for each new "
        "case (the only time they can be written)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--survey", required=True, help="The survey's slug")
        parser.add_argument("--codes-out", help="Where to write the new cases' codes and links")

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.filter(slug=options["survey"]).first()
        if survey is None:
            raise CommandError(f"There is no survey “{options['survey']}”")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}")
        try:
            file_format = FileFormat.for_name(path.name)
        except FileProblem as error:
            raise CommandError(error.problem.reason) from None
        codes_out = Path(options["codes_out"]) if options["codes_out"] else None
        if codes_out is not None and codes_out.exists():
            raise CommandError(f"{codes_out} exists already: name a new file for the codes")
        if codes_out is not None and not links_configured():
            raise CommandError(f"Nothing was loaded. {NO_PUBLIC_ADDRESS}")
        codes = None
        if codes_out is not None:
            codes = CodesOut(path=codes_out, open=_owner_only)
            if codes.partial.exists():
                raise CommandError(f"{codes.partial} exists: delete it (a load that stopped)")
        with path.open("rb") as stream:
            report = sample_load(
                survey=survey,
                stream=stream,
                file_format=file_format,
                file_name=path.name,
                max_listed=LISTED,
                codes=codes,
            )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            if report.unlisted:
                self.stderr.write(f"… and {report.unlisted:,} more problems")
            raise CommandError(report.summary)
        self.stdout.write(report.summary)
        if codes_out is not None:
            audit(
                Event.CODES_EXPORTED,
                actor=None,
                target=survey,
                count=report.created,
                file=codes_out.name,
            )
            self.stdout.write(
                f"Wrote the codes and links of {report.created:,} cases to {codes_out}"
            )


def _owner_only(path: Path) -> IO[bytes]:
    """A new file only whoever runs the command can read: the codes open every case."""
    made = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    return os.fdopen(made, "wb")
