import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from random import Random
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from seb.demo import plausible_answers
from seb.fieldwork import Outcome
from seb.standard import Mode, load_standard
from surveys.access import ROLES
from surveys.fieldwork.cases import case_opt_out
from surveys.fieldwork.contacts import round_create, round_queue, round_send
from surveys.fieldwork.issuing import NewCase, cases_create
from surveys.fieldwork.notify import LocalBackend, Pacer
from surveys.fieldwork.teams import team_add
from surveys.models import Case, ContactRound, Survey, TeamRole
from surveys.responses.bulk import NewResponse, complete, responses_create
from surveys.responses.lifecycle import answer_record, response_start

DEMO_USERNAME: Final = "demo-admin"
DEMO_RESPONSES: Final = 400
# Roughly how a mixed-mode survey's responses split between its modes.
MODE_WEIGHTS: Final = {Mode.ONLINE: 60, Mode.FACE_TO_FACE: 22, Mode.TELEPHONE: 18}
SEED: Final = 2023
INVITED_SLUG: Final = "demo-invited"
# Any template ID will do for the local backend; this one has GOV.UK Notify's shape.
DEMO_TEMPLATE: Final = "0e3bd8b1-5f4c-4c2e-9a57-6d1f0c2d9e01"
DEMO_CASES: Final = 300
REGIONS: Final = ("North", "Midlands", "South", "Wales", "Scotland")
DEMO_PRIVACY_NOTICE: Final = (
    "Demo organisation uses your answers only to produce statistics about the "
    "socio-economic background of the people who take part.\n\n"
    "Your answers are kept apart from your name and contact details, which are deleted "
    "30 days after the survey closes. Published figures never identify anyone.\n\n"
    "You can ask to see the information we hold about you, or to have it deleted, by "
    "emailing surveys@example.org."
)
DEMO_NEXT_STEPS: Final = (
    "We will publish the results, as statistics that identify nobody, in the spring. "
    "You do not need to do anything else."
)


class Command(BaseCommand):
    help = (
        "Create the demo survey (slug 'demo', open, all three modes) with plausible demo "
        "responses, the staff roles, and a local demo admin who holds every role. Safe to "
        "run again; --with-login sets a new random password and prints it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--with-login",
            action="store_true",
            help="(Re)set the demo admin's password to a new random one and print it.",
        )

    def handle(self, *args: Any, with_login: bool = False, **options: Any) -> None:
        survey, created = Survey.objects.update_or_create(
            slug="demo",
            defaults={
                "name": "Demo socio-economic background survey",
                "description": (
                    "A demonstration of the harmonised socio-economic background questions. "
                    "Answers given here are demo data."
                ),
                "organisation": "Demo organisation",
                "contact_email": "surveys@example.org",
                "privacy_notice_text": DEMO_PRIVACY_NOTICE,
                "next_steps_text": DEMO_NEXT_STEPS,
                "offers_online": True,
                "offers_face_to_face": True,
                "offers_telephone": True,
                "opens_at": None,
                "closes_at": None,
                "is_draft": False,
            },
        )
        self.stdout.write(f"{'Created' if created else 'Updated'} the demo survey: /s/demo/")
        if not survey.responses.exists():
            self._demo_responses(survey)
        invited = self._invited_survey()
        if not invited.cases.exists():
            self._demo_fieldwork(invited)
        for role in ROLES:
            Group.objects.get_or_create(name=role)
        if with_login:
            self._demo_login()
        self._demo_teams([survey, invited])

    def _demo_teams(self, surveys: list[Survey]) -> None:
        """The demo admin (a superuser, who sees every survey anyway) is the demo surveys'
        manager, so their team pages show who runs them."""
        admin = get_user_model().objects.filter(username=DEMO_USERNAME, is_active=True).first()
        if admin is None:
            return
        for survey in surveys:
            team_add(
                survey=survey, user=admin, role=TeamRole.MANAGER, actor=None, command="seed_demo"
            )

    @transaction.atomic
    def _demo_responses(self, survey: Survey) -> None:
        """Plausible complete responses over the last 60 days, the same every time."""
        rng = Random(SEED)  # noqa: S311  (demo data, the same every time)
        standard = load_standard(survey.standard_version)
        now = timezone.now()
        modes = list(MODE_WEIGHTS)
        weights = list(MODE_WEIGHTS.values())
        rows = []
        for _ in range(DEMO_RESPONSES):
            mode = rng.choices(modes, weights=weights)[0]
            completed = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
            rows.append(
                NewResponse(
                    complete=complete(survey, mode, plausible_answers(standard, mode, rng)),
                    reference="demo",
                    completed_at=completed,
                    started_at=completed - timedelta(minutes=rng.randint(2, 9)),
                )
            )
        responses_create(survey=survey, responses=rows)
        self.stdout.write(f"Added {DEMO_RESPONSES} plausible demo responses to the demo survey.")

    def _invited_survey(self) -> Survey:
        now = timezone.now()
        survey, created = Survey.objects.get_or_create(
            slug=INVITED_SLUG,
            defaults={
                "name": "Demo invitation-only survey",
                "description": (
                    "You have been chosen at random to take part. Your answers help us "
                    "understand the backgrounds of the people who work here."
                ),
                "access": Survey.Access.INVITATION,
                "organisation": "Demo organisation",
                "contact_email": "surveys@example.org",
                "contact_phone": "0300 123 4567",
                "privacy_notice_text": DEMO_PRIVACY_NOTICE,
                "next_steps_text": DEMO_NEXT_STEPS,
                "offers_online": True,
                "offers_telephone": True,
                "opens_at": now - timedelta(days=21),
                "closes_at": now + timedelta(days=30),
                "is_draft": False,
            },
        )
        if created:
            self.stdout.write(f"Created the invitation-only demo survey: /s/{INVITED_SLUG}/")
        return survey

    @transaction.atomic
    def _demo_fieldwork(self, survey: Survey) -> None:
        """A sample with invitations, a reminder, and realistic progress: complete,
        partial and broken-off responses, undeliverable addresses, an opt-out, and cases
        that have not started."""
        rng = Random(SEED + 1)  # noqa: S311  (demo data, the same every time)
        standard = load_standard(survey.standard_version)
        new_cases = []
        for number in range(1, DEMO_CASES + 1):
            domain = "undeliverable.example" if number % 23 == 0 else "example.org"
            new_cases.append(
                NewCase(
                    reference=f"DEMO-{number:04d}",
                    name=f"Demo person {number}",
                    email=f"person{number}@{domain}",
                    variables={
                        "region": rng.choice(REGIONS),
                        "grade": rng.choice(("Junior", "Middle", "Senior")),
                    },
                )
            )
        list(cases_create(survey=survey, cases=new_cases))
        survey.sample_variables = ["region", "grade"]
        survey.save(update_fields=["sample_variables"])
        quiet = LocalBackend()
        template = DEMO_TEMPLATE
        invitation = round_create(
            survey=survey,
            kind=ContactRound.Kind.INVITATION,
            email_template_id=template,
            sms_template_id="",
            user=None,
        )
        round_queue(invitation)
        with _unlogged_sends():
            round_send(invitation, backend=quiet, pacer=Pacer(0))
        now = timezone.now()
        complete_rows = []
        for case in Case.objects.filter(survey=survey).exclude(outcome=Outcome.UNDELIVERABLE.value):
            fate = rng.random()
            mode = Mode.TELEPHONE if rng.random() < 0.15 else Mode.ONLINE
            if fate < 0.45:
                completed = now - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 900))
                complete_rows.append(
                    NewResponse(
                        complete=complete(survey, mode, plausible_answers(standard, mode, rng)),
                        reference=case.reference,
                        case_id=case.pk,
                        completed_at=completed,
                        started_at=completed - timedelta(seconds=rng.randint(100, 600)),
                    )
                )
            elif fate < 0.60:
                answers = plausible_answers(standard, Mode.ONLINE, rng)
                keys = list(answers)
                stop = len(keys) - 1 if fate < 0.52 else rng.randint(1, max(1, len(keys) - 2))
                response = response_start(survey=survey, mode=Mode.ONLINE, case=case)
                for key in keys[:stop]:
                    answer_record(response_id=response.pk, question_key=key, code=answers[key])
            elif fate < 0.63:
                case_opt_out(case=case)
        responses_create(survey=survey, responses=complete_rows)
        reminder = round_create(
            survey=survey,
            kind=ContactRound.Kind.REMINDER,
            email_template_id=template,
            sms_template_id="",
            user=None,
        )
        round_queue(reminder)
        with _unlogged_sends():
            round_send(reminder, backend=quiet, pacer=Pacer(0))
        self.stdout.write(
            f"Added {DEMO_CASES} demo cases to /s/{INVITED_SLUG}/, with invitations, a reminder "
            "and responses (see /manage/)."
        )

    def _demo_login(self) -> None:
        user_model = get_user_model()
        password = secrets.token_urlsafe(12)
        user, _ = user_model.objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=ROLES))
        self.stdout.write(
            self.style.SUCCESS(
                "Local demo login (administrator, with every role), made for this machine only:\n"
                f"  username: {DEMO_USERNAME}\n  password: {password}"
            )
        )


@contextmanager
def _unlogged_sends() -> Iterator[None]:
    """The demo's invitations and reminders (some 500 messages) are sent without a log
    line each, which would bury `make run`'s login under them; they are in the outbox."""
    logger = logging.getLogger("surveys.fieldwork.notify")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
