from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from surveys.models import Survey
from surveys.responses.bulk import BATCH_SIZE as DEFAULT_BATCH_SIZE
from surveys.responses.rederive import responses_rederive as rederive_responses


class Command(BaseCommand):
    help = (
        "Derive NS-SEC (nssec5, nssec3) again for every complete response, in batches, "
        "for example after a correction to the derivation. Reports how many changed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", help="Only this survey's responses (its slug).")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Responses per batch (default {DEFAULT_BATCH_SIZE:,}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        survey = None
        if options["survey"]:
            survey = Survey.objects.filter(slug=options["survey"]).first()
            if survey is None:
                raise CommandError(f"There is no survey “{options['survey']}”")
        result = rederive_responses(survey=survey, batch_size=options["batch_size"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Derived NS-SEC again for {result.examined:,} complete responses "
                f"in {result.batches:,} {'batch' if result.batches == 1 else 'batches'}: "
                f"{result.changed:,} changed."
            )
        )
