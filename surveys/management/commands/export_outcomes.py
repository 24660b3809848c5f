"""export_outcomes --survey SLUG --output FILE.csv [--rates RATES.csv]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from seb.fieldwork import RATES_FILE_COLUMNS, rates_file_row
from seb.interchange.writing import write_csv
from seb.safe_text import CsvWriter
from surveys.audit import Event, audit
from surveys.fieldwork.monitoring import survey_rates_fast
from surveys.fieldwork.outcomes import OUTCOMES_COLUMNS, outcome_rows
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Write one row per case (reference, outcome code, mode, dates; no contact details) "
        "and, with --rates, the response rates file (unrounded)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--survey", required=True, help="The survey's slug")
        parser.add_argument("--output", required=True)
        parser.add_argument("--rates")

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.filter(slug=options["survey"]).first()
        if survey is None:
            raise CommandError(f"There is no survey “{options['survey']}”")
        output = Path(options["output"])
        with output.open("wb") as stream:
            rows = write_csv(outcome_rows(survey), stream, columns=OUTCOMES_COLUMNS)
        audit(Event.OUTCOMES_EXPORTED, actor=None, target=survey, count=rows)
        self.stdout.write(f"Wrote {rows:,} cases to {output}")
        if options["rates"]:
            rates_path = Path(options["rates"])
            groups = survey_rates_fast(survey=survey)
            with rates_path.open("w", newline="", encoding="utf-8") as stream:
                writer = CsvWriter(stream)
                writer.writerow(RATES_FILE_COLUMNS)
                for row in groups:
                    writer.writerow(rates_file_row(row))
            self.stdout.write(f"Wrote {len(groups):,} groups' rates to {rates_path}")
