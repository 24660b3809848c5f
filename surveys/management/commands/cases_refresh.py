"""cases_refresh [--survey SLUG] [--foreground]"""

from typing import Any, Final

from django.core.management.base import BaseCommand, CommandError

from jobs.runner import job_start
from surveys.job_handlers import REFRESH_CASES
from surveys.models import Case, Survey
from surveys.responses.refresh import survey_refresh

# A survey with more cases than this is refreshed by the background worker.
BACKGROUND_FROM: Final = 50_000


class Command(BaseCommand):
    help = (
        "Derive every case's outcome and the rest of its state again from its responses, "
        "attempts and messages, and count the case and response tallies again; only what "
        "differs is written, so a consistent survey is left as it was. A survey of more "
        f"than {BACKGROUND_FROM:,} cases is refreshed as a background job (run_worker)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--survey", help="The survey's slug (default: every survey)")
        parser.add_argument(
            "--foreground",
            action="store_true",
            help="Refresh here and now, whatever the survey's size",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        surveys = Survey.objects.order_by("slug")
        if options["survey"]:
            surveys = surveys.filter(slug=options["survey"])
            if not surveys.exists():
                raise CommandError(f"There is no survey “{options['survey']}”")
        for survey in surveys:
            size = Case.objects.filter(survey=survey).count()
            if size > BACKGROUND_FROM and not options["foreground"]:
                job = job_start(
                    kind=REFRESH_CASES,
                    title=f"Refresh the cases of {survey.name}",
                    owner=None,
                    params={"survey_id": survey.pk},
                )
                self.stdout.write(
                    f"{survey.slug}: {size:,} cases, refreshed in the background (job {job.pk})"
                )
                continue
            self.stdout.write(f"{survey.slug}: {survey_refresh(survey=survey).summary}")
