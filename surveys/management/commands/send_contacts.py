"""send_contacts --survey SLUG --round invitation|reminder"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from surveys.audit import Event, audit
from surveys.fieldwork.contacts import (
    RoundRefused,
    RoundStopped,
    round_create,
    round_queue,
    round_send,
)
from surveys.fieldwork.notify import BackendMisconfigured, backend, pacer
from surveys.models import ContactRound, Survey


class Command(BaseCommand):
    help = (
        "Send a round of invitations or reminders, paced, through the configured backend "
        "(local unless NOTIFY_BACKEND=notify); prints how many messages it sent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--survey", required=True, help="The survey's slug")
        parser.add_argument("--round", required=True, choices=ContactRound.Kind.values)
        parser.add_argument("--email-template", default="", help="GOV.UK Notify email template ID")
        parser.add_argument("--sms-template", default="", help="GOV.UK Notify text template ID")

    def handle(self, *args: Any, **options: Any) -> None:
        survey = Survey.objects.filter(slug=options["survey"]).first()
        if survey is None:
            raise CommandError(f"There is no survey “{options['survey']}”")
        email, sms = options["email_template"], options["sms_template"]
        if not email and not sms:
            previous = ContactRound.objects.filter(survey=survey).first()
            if previous is not None:
                email, sms = previous.email_template_id, previous.sms_template_id
            else:
                email = "local-email-template"
        try:
            round_ = round_create(
                survey=survey,
                kind=options["round"],
                email_template_id=email,
                sms_template_id=sms,
                user=None,
            )
        except RoundRefused as refused:
            raise CommandError(refused.message) from None
        queued = round_queue(round_)
        try:
            report = round_send(round_, backend=backend(), pacer=pacer())
        except (RoundStopped, BackendMisconfigured) as stopped:
            raise CommandError(stopped.message) from None
        audit(Event.CONTACTS_SENT, actor=None, target=survey, count=report.sent)
        self.stdout.write(
            f"Sent {report.sent:,} {round_.get_kind_display().lower()} messages "
            f"({queued:,} in the round, {report.undeliverable:,} undeliverable)"
        )
