"""Surveys, their responses and their fieldwork (samples, cases, attempts, messages).

A response holds one text column per question, whose value is an option code of
the standard's version the response was given in. The database itself refuses
any other value: the check constraints below are generated from the standard's
data file (`seb.standard`), so "every stored answer is a real option of a known
version" holds whatever writes the row, at the price of a comparison, not a
foreign-key lookup per answer.

Only the services write responses and cases: `surveys.responses` and
`surveys.interviewing` responses, `surveys.fieldwork` cases (its samples and contact
rounds through `surveys.fieldwork.cases` and `surveys.fieldwork.issuing`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Floor, Random
from django.utils import timezone

from seb import statuses
from seb.derivation import DERIVED_LABELS
from seb.fieldwork import AttemptOutcome, Outcome
from seb.perturbation import RECORD_KEYS
from seb.standard import CURRENT_VERSION, KNOWN_VERSIONS, QUESTION_KEYS, Mode, load_standard
from seb.statuses import MessageStatus, ResponseStatus
from seb.tables import tallied_columns

MODE_CHOICES = [(mode.value, mode.label) for mode in Mode]
# A random record key from 0 to RECORD_KEYS - 1, drawn by the database.
RECORD_KEY_DEFAULT = Cast(
    Floor(models.Value(RECORD_KEYS) * Random()), models.PositiveSmallIntegerField()
)
VERSION_CHOICES = [(version, version) for version in KNOWN_VERSIONS]
CODE_LENGTH = 40


def choices_of(name: str, vocabulary: type[StrEnum]) -> type[models.TextChoices]:
    """Django's choices made from one of `seb.statuses`' vocabularies: the same values
    and words, so a status is spelt once."""
    members = [(member.name, (member.value, member.label)) for member in vocabulary]
    return models.TextChoices(name, members)


def answer_constraint(key: str) -> models.CheckConstraint:
    """An answer to `key` is empty or one of its codes in the response's version."""
    per_version = (
        Q(standard_version=version, **{f"{key}__in": load_standard(version).question(key).codes})
        for version in KNOWN_VERSIONS
    )
    return models.CheckConstraint(
        condition=Q(**{f"{key}__isnull": True}) | reduce(or_, per_version),
        name=f"response_{key[:20]}_is_an_option",
        violation_error_message=f"The answer to {key} is not an option of the standard.",
    )


def answer_field() -> models.CharField:
    """An answer: an option code, or NULL when the question is not answered. NULL, not
    an empty string, so "not asked" can never be taken for a code."""
    return models.CharField(max_length=CODE_LENGTH, null=True, blank=True)


def derived_constraint(column: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{column}__in": ["", *DERIVED_LABELS[column]]}),
        name=f"response_{column}_is_a_class",
    )


class Survey(models.Model):
    """One run of the standard: its modes, when it is open, who may answer, and
    what its owner tells respondents."""

    class Access(models.TextChoices):
        OPEN = "open", "Open: anyone with the survey’s link"
        INVITATION = "invitation", "Invitation only: people in the sample, with a link or code"
        BOTH = "both", "Both: open, and invitations to a sample"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="The survey's web address: /s/<slug>/"
    )
    description = models.TextField(
        blank=True, help_text="Why we are asking: shown on the survey's start page."
    )
    standard_version = models.CharField(
        max_length=20, choices=VERSION_CHOICES, default=CURRENT_VERSION
    )
    offers_online = models.BooleanField("online self-completion", default=True)
    offers_face_to_face = models.BooleanField("face-to-face interviews", default=False)
    offers_telephone = models.BooleanField("telephone interviews", default=False)
    access = models.CharField(max_length=20, choices=Access, default=Access.OPEN)
    is_draft = models.BooleanField(
        default=False, help_text="A draft takes no responses until it is opened."
    )
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open now.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never closes.")
    # The owner's content, shown on the respondent's pages.
    organisation = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    privacy_notice_url = models.URLField(blank=True)
    privacy_notice_text = models.TextField(blank=True)
    next_steps_text = models.TextField(
        blank=True, help_text="What happens next: shown on the confirmation page."
    )
    # Fieldwork settings.
    inactivity_days = models.PositiveSmallIntegerField(
        default=7, help_text="A response with no answer for this long is abandoned."
    )
    contact_retention_days = models.PositiveSmallIntegerField(
        default=30, help_text="Contact details are deleted this many days after the survey closes."
    )
    sample_variables = models.JSONField(
        default=list, blank=True, help_text="The names of the sample's extra columns, in order."
    )
    interviewers_take_unassigned = models.BooleanField(
        "interviewers may take unassigned cases",
        default=False,
        help_text="Set by a supervisor: an interviewer of the team may start an interview on "
        "a case nobody is assigned, or on a new reference, which then becomes theirs.",
    )
    asks_job_title = models.BooleanField(
        "ask for the job title",
        default=False,
        help_text="An addition beyond the harmonised standard: where the standard asks the "
        "occupation question, the next page asks for that person's job title, which is "
        "coded to SOC 2020 and full NS-SEC (docs/spec/occupation.md).",
    )
    double_coding_percent = models.PositiveSmallIntegerField(
        "double-coding sample",
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="The per cent of the coding queue's decisions sent to a second coder, who "
        "codes them blind, for the agreement rate (docs/spec/coding-queue.md). 0 is off.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        permissions = [("all_surveys", "Can work on every survey, in the roles they hold")]
        constraints = [
            models.CheckConstraint(
                condition=Q(offers_online=True)
                | Q(offers_face_to_face=True)
                | Q(offers_telephone=True),
                name="survey_offers_a_mode",
                violation_error_message="A survey offers at least one mode.",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_it_opens",
                violation_error_message="A survey closes after it opens.",
            ),
            models.CheckConstraint(
                condition=Q(standard_version__in=KNOWN_VERSIONS), name="survey_version_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def modes(self) -> tuple[Mode, ...]:
        offered = (
            (Mode.ONLINE, self.offers_online),
            (Mode.FACE_TO_FACE, self.offers_face_to_face),
            (Mode.TELEPHONE, self.offers_telephone),
        )
        return tuple(mode for mode, offers in offered if offers)

    def offers(self, mode: Mode | str) -> bool:
        return Mode(mode) in self.modes

    @property
    def standard(self):  # type: ignore[no-untyped-def]
        return load_standard(self.standard_version)

    @property
    def standard_title(self) -> str:
        standard = self.standard
        return f"{standard.title} ({standard.version})"

    @property
    def not_yet_open(self) -> bool:
        return self.is_draft or bool(self.opens_at and timezone.now() < self.opens_at)

    def is_open(self, now: datetime | None = None) -> bool:
        if self.is_draft:
            return False
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def has_closed(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return bool(self.closes_at and now >= self.closes_at)

    @property
    def state(self) -> str:
        """draft, scheduled, open or closed."""
        if self.is_draft:
            return "draft"
        if self.has_closed():
            return "closed"
        return "open" if self.is_open() else "scheduled"

    @property
    def access_short(self) -> str:
        return {
            self.Access.OPEN: "Open",
            self.Access.INVITATION: "Invitation only",
            self.Access.BOTH: "Open and invitations",
        }[Survey.Access(self.access)]

    @property
    def takes_open_responses(self) -> bool:
        return self.access in (self.Access.OPEN, self.Access.BOTH)

    @property
    def takes_invitations(self) -> bool:
        return self.access in (self.Access.INVITATION, self.Access.BOTH)


class TeamRole(models.TextChoices):
    """What a member of a survey's team does for it; each is also a kind of staff, a
    group (`surveys.access`), which a member must hold to act in the role."""

    MANAGER = "manager", "Manager"
    SUPERVISOR = "supervisor", "Supervisor"
    INTERVIEWER = "interviewer", "Interviewer"
    ANALYST = "analyst", "Analyst"
    CODER = "coder", "Coder"


class SurveyMember(models.Model):
    """One person's role in one survey's team (docs/spec/access.md). A person may hold
    several roles in a team, one row each."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="teams")
    role = models.CharField(max_length=20, choices=TeamRole)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "user", "role"], name="member_role_unique"),
            models.CheckConstraint(condition=Q(role__in=TeamRole.values), name="member_role_known"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="member_user_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display().lower()})"


class Case(models.Model):
    """One sampled unit of a survey (docs/spec/fieldwork.md): its reference, its
    contact details, and the outcome derived from what happened to it.

    The fields under "Derived" are derived from its responses, attempts and messages
    (`surveys.fieldwork.derived`) in the transaction of every change to them, so outcomes and
    rates are one GROUP BY at any size; `manage.py cases_refresh` derives them again.
    """

    # The survey, sample load and interviewer a case names are held by triggers
    # (migration 0022), not foreign keys: a load's COPY checks each once a statement.
    survey = models.ForeignKey(
        Survey, models.PROTECT, related_name="cases", db_constraint=False, db_index=False
    )
    reference = models.CharField(max_length=200)
    # Contact details: never exported with answers; deleted after the survey closes.
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Whether `phone` is a mobile (surveys.fieldwork.phones, at load): only mobiles get texts.
    phone_mobile = models.BooleanField(default=False)
    address = models.TextField(blank=True)
    contact_deleted_at = models.DateTimeField(null=True, blank=True)
    preferred_mode = models.CharField(max_length=20, choices=MODE_CHOICES, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_constraint=False,
        db_index=False,
    )
    variables = models.JSONField(default=dict, blank=True, help_text="Sample variables")
    # Secrets are stored only as SHA-256 hashes (seb.credentials.secret_hash). The code
    # and link are derived from the nonce with the service's secret key, so the
    # messages that carry them can be sent without either ever being stored.
    access_code_hash = models.CharField(max_length=64, blank=True)
    link_token_hash = models.CharField(max_length=64, blank=True)
    credentials_nonce = models.CharField(max_length=32, blank=True)
    sample_load = models.ForeignKey(
        "SampleLoad",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    credentials_issued_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    not_eligible_at = models.DateTimeField(null=True, blank=True)
    # An interviewer or supervisor finished working the case (no more calls);
    # a supervisor can reopen it.
    closed_at = models.DateTimeField(null=True, blank=True)
    # Derived.
    outcome = models.CharField(max_length=5, choices=Outcome.choices(), default=Outcome.NO_RETURN)
    in_progress = models.BooleanField(default=False)
    mode = models.CharField(max_length=20, choices=MODE_CHOICES, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    next_appointment_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "reference"], name="case_reference_unique"),
            models.UniqueConstraint(
                fields=["access_code_hash"],
                condition=~Q(access_code_hash=""),
                name="case_access_code_unique",
            ),
            models.UniqueConstraint(
                fields=["link_token_hash"],
                condition=~Q(link_token_hash=""),
                name="case_link_token_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "outcome"], name="case_outcome"),
            models.Index(
                fields=["interviewer", "survey"],
                condition=Q(interviewer__isnull=False),
                name="case_interviewer",
            ),
            models.Index(
                fields=["sample_load"],
                condition=Q(sample_load__isnull=False),
                name="case_sample_load",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.reference}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_complete(self) -> bool:
        return self.outcome == Outcome.COMPLETE

    @property
    def has_contact_details(self) -> bool:
        return bool(self.name or self.email or self.phone or self.address)


class Response(models.Model):
    """One person's answers to the standard's questions, in one mode.

    Each question has its own answer column, so the database holds at most one
    answer per question; the check constraints hold each to the codes of the
    response's version. Only questions on the response's route have an answer.
    """

    Status = choices_of("Status", ResponseStatus)

    class Source(models.TextChoices):
        COLLECTED = "collected", "Collected"
        IMPORTED = "imported", "Imported"

    StopReason = choices_of("StopReason", statuses.StopReason)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The survey, case and interviewer are held by statement-level triggers rather
    # than foreign-key constraints, whose row-by-row checks would cost more than the
    # rest of a bulk import together (migrations 0008_response_survey_integrity,
    # 0012_response_case_interviewer_integrity and 0013, which reads a statement's
    # rows once): each one a response names must exist, and a survey, case or user a
    # response names cannot be deleted.
    survey = models.ForeignKey(
        Survey, models.PROTECT, related_name="responses", db_index=False, db_constraint=False
    )
    standard_version = models.CharField(
        max_length=20, choices=VERSION_CHOICES, default=CURRENT_VERSION
    )
    mode = models.CharField(max_length=20, choices=MODE_CHOICES)
    status = models.CharField(max_length=20, choices=Status, default=Status.IN_PROGRESS)
    source = models.CharField(max_length=20, choices=Source, default=Source.COLLECTED)
    is_test = models.BooleanField(
        default=False, help_text="A test run: never counted in any output or rate."
    )
    case = models.ForeignKey(
        Case,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    reference = models.CharField(
        max_length=200, blank=True, help_text="A case reference or the importer's own identifier."
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
        db_index=False,
        db_constraint=False,
    )
    stop_reason = models.CharField(max_length=20, choices=StopReason, blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Goes up with every change to the answers."
    )
    next_question = models.CharField(
        max_length=CODE_LENGTH,
        blank=True,
        help_text="The first question on the route still to answer; empty when it is all answered.",
    )
    # A Start form's one-time token: two raced Start requests make one response.
    start_token = models.CharField(max_length=43, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    school_type = answer_field()
    free_school_meals = answer_field()
    earner_employment_status = answer_field()
    employer_size = answer_field()
    self_employed_size = answer_field()
    supervisor = answer_field()
    earner_occupation = answer_field()
    parental_qualification = answer_field()

    # Derived when the response becomes complete (seb.derivation).
    nssec5 = models.CharField(max_length=30, blank=True)
    nssec3 = models.CharField(max_length=30, blank=True)
    # The cell key method's record key (seb.perturbation): drawn by the database for
    # every row, whichever path writes it (the import's COPY sends its own, drawn the
    # same way), and never shown, exported or sent anywhere.
    record_key = models.PositiveSmallIntegerField(
        db_default=RECORD_KEY_DEFAULT, editable=False, help_text="Never shown or exported."
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # The selections of tables, exports and monitoring.
            models.Index(fields=["survey", "status", "completed_at"], name="response_selection"),
            models.Index(
                fields=["survey", "updated_at"],
                condition=Q(status=ResponseStatus.IN_PROGRESS.value),
                name="response_in_progress",
            ),
            models.Index(
                fields=["interviewer", "status"],
                condition=Q(interviewer__isnull=False),
                name="response_interviewer",
            ),
            models.Index(fields=["case"], condition=Q(case__isnull=False), name="response_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ResponseStatus.COMPLETE.value) | Q(completed_at__isnull=False),
                name="complete_response_has_completed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=ResponseStatus.STOPPED.value) | ~Q(stop_reason=""),
                name="stopped_response_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ResponseStatus.COMPLETE.value)
                | (~Q(nssec5="") & ~Q(nssec3="")),
                name="complete_response_is_derived",
                violation_error_message="A complete response carries its NS-SEC classes.",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=[m.value for m in Mode]), name="response_mode_known"
            ),
            models.CheckConstraint(
                condition=Q(record_key__gte=0, record_key__lt=RECORD_KEYS),
                name="response_record_key_range",
            ),
            models.CheckConstraint(
                condition=Q(standard_version__in=KNOWN_VERSIONS), name="response_version_known"
            ),
            *(answer_constraint(key) for key in QUESTION_KEYS),
            *(derived_constraint(column) for column in DERIVED_LABELS),
            models.UniqueConstraint(
                fields=["survey", "start_token"],
                condition=~Q(start_token=""),
                name="response_start_token_unique",
            ),
            # At most one complete response per case, in whichever mode it came.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ResponseStatus.COMPLETE.value, case__isnull=False),
                name="response_one_complete_per_case",
                violation_error_message="This case already has a complete response.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.get_mode_display()} response"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    @property
    def answers(self) -> dict[str, str]:
        """The stored answers as question key to option code."""
        return {key: code for key in QUESTION_KEYS if (code := getattr(self, key))}


class ResponseTally(models.Model):
    """How many complete (non-test) responses completed on one day, in one mode, have
    one code in one tabulated column: the output tables, comparisons and charts sum
    these rows.

    Kept by `surveys.responses` in the same transaction as every change to a complete
    response, so a table over any selection of days and modes reads a few thousand
    rows (at most a day x mode x code each) whatever the number of responses. `code`
    is empty for responses the routing did not ask (free school meals).
    """

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="+", db_index=False)
    variable = models.CharField(max_length=30, help_text="The column counted: one of TALLY_COLUMNS")
    day = models.DateField(help_text="The day of completion, in the service's time zone.")
    mode = models.CharField(max_length=20, choices=MODE_CHOICES)
    code = models.CharField(max_length=CODE_LENGTH, blank=True)
    count = models.PositiveBigIntegerField(default=0)
    # The sum of the counted responses' record keys: the cell key of any sum of tally
    # rows is the sum of their key sums, modulo seb.perturbation.RECORD_KEYS.
    key_sum = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index every table's query reads: one survey, one variable, a range of days.
            models.UniqueConstraint(
                fields=["survey", "variable", "day", "mode", "code"], name="tally_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variable}={self.code}: {self.count} on {self.day}"


# The columns the standard's prescribed tables count (its `outputs:`), taken from them.
TALLY_COLUMNS = tallied_columns()
# The first question is asked of everyone, so its tallies count each counted response
# once: summing them gives the number of responses (summing every column's would not).
COUNTING_COLUMN = load_standard().first.key


class Attempt(models.Model):
    """One call or visit to a case by an interviewer, and what came of it."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="attempts")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mode = models.CharField(max_length=20, choices=MODE_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=30, choices=AttemptOutcome.choices())
    appointment_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    response = models.ForeignKey(Response, models.SET_NULL, null=True, blank=True, related_name="+")
    # An interview started or resumed at this attempt and then stopped: when, and why
    # (a stop reason of Response). A resumed interview's earlier stops are kept here,
    # so the case's history shows each one.
    ended_at = models.DateTimeField(null=True, blank=True)
    end = models.CharField(max_length=20, choices=Response.StopReason, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.at:%d %b %Y %H:%M}"


class ContactRound(models.Model):
    """One sending of invitations or reminders to a survey's cases."""

    Kind = choices_of("Kind", statuses.RoundKind)

    survey = models.ForeignKey(Survey, models.PROTECT, related_name="contact_rounds")
    kind = models.CharField(max_length=20, choices=Kind)
    email_template_id = models.CharField(max_length=100, blank=True)
    sms_template_id = models.CharField(max_length=100, blank=True)
    # A round of printed letters (surveys.fieldwork.letters): made into files, not sent.
    letters = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    queued = models.PositiveIntegerField(default=0)
    # Cancelled: its messages not yet sent were cancelled and nothing more goes out.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} round of {self.created_at:%d %b %Y}"


class Message(models.Model):
    """One email or text message to a case, in one contact round."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        LETTER = "letter", "Letter"

    Status = choices_of("Status", MessageStatus)

    round = models.ForeignKey(ContactRound, models.CASCADE, related_name="messages")
    case = models.ForeignKey(Case, models.CASCADE, related_name="messages")
    channel = models.CharField(max_length=10, choices=Channel)
    # The address is blanked with the case's other contact details.
    to = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.QUEUED)
    provider_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set just before the message is handed to the backend: a message attempted but
    # not marked sent (its worker stopped in between) is looked up before it is sent
    # again, so a restarted round never sends it twice.
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "case", "channel"], name="message_once_per_round"
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="message_round_status"),
            models.Index(
                fields=["sent_at"],
                condition=Q(status=MessageStatus.SENT.value),
                name="message_awaiting_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} ({self.get_status_display()})"


class PendingAnswer(models.Model):
    """An answer an interviewer posted after their session had ended.

    Kept on the server for that user alone (never in a cookie), until they sign in
    again and see it selected on the same question of the same case; it is never
    recorded without them, and nobody else ever sees it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    response = models.ForeignKey(Response, models.CASCADE, related_name="+")
    question_key = models.CharField(max_length=CODE_LENGTH)
    code = models.CharField(max_length=CODE_LENGTH)
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "response", "question_key"], name="pending_answer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_key} kept for sign-in"


class CaseTally(models.Model):
    """How many counted cases (not withdrawn) of a survey share an outcome, a mode, an
    interviewer and a set of sample variables: the monitoring page and the rates file
    sum these rows, so they answer at once whatever the size of the sample.

    Kept by PostgreSQL triggers on the case table (migration 0011_fieldwork_access):
    every insert, update and delete of cases, by any code, adjusts the counts in the
    same statement.
    """

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="+", db_index=False)
    outcome = models.CharField(max_length=5)
    mode = models.CharField(max_length=20, blank=True)
    interviewer_id = models.BigIntegerField(null=True, blank=True)
    variables = models.JSONField(default=dict)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "outcome", "mode", "interviewer_id", "variables"],
                name="case_tally_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} cases"


class SampleLoad(models.Model):
    """One file of cases loaded into a survey's sample (or one case added by hand).

    The cases a load made are the ones whose codes and links its mail-merge file
    carries; a load's job that runs again finds its load and does not load twice.
    """

    survey = models.ForeignKey(Survey, models.PROTECT, related_name="sample_loads")
    job_id = models.UUIDField(null=True, blank=True, unique=True)
    file_name = models.CharField(max_length=300, blank=True)
    cases = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cases} cases from {self.file_name or 'the sample page'}"


class GuessWindow(models.Model):
    """How many wrong access codes (or links) one client has tried in one time window.

    The client is kept as a hash of its address; rows older than a day are deleted.
    One row per client and window, counted up with one atomic statement, so the
    limit holds across every web process.
    """

    client = models.CharField(max_length=64)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window"], name="guess_window_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.count} wrong guesses"


class LocalNotification(models.Model):
    """A message the local backend "sent": the stand-in for GOV.UK Notify's own record.

    With the local backend (development and tests), each message is kept here, with
    its personalisation, and printed; nothing leaves the machine. With GOV.UK Notify
    nothing is written here.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=10)
    to = models.CharField(max_length=254)
    template_id = models.CharField(max_length=100)
    personalisation = models.JSONField(default=dict)
    reference = models.CharField(max_length=100, db_index=True)
    status = models.CharField(max_length=30)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}"


class JobTitle(models.Model):
    """The job title a response gave for the person whose occupation the standard asks
    about (an addition beyond the standard, asked only when the survey's
    `asks_job_title` is on), and its coding to SOC 2020, SOC 2010 and full NS-SEC.

    The coding is derived state: whoever sets `soc2010` (the coder at answer time, the
    respondent's pick, the follow-up, a coder in the queue) sets the full NS-SEC columns
    from it and the response's employment answers (`seb.occupation.nssec.derive_full`)
    in the same transaction. The typed text can identify a person: it is shown and
    exported only with the unrounded permission.
    """

    class Status(models.TextChoices):
        CODED = "coded", "Coded"
        FOLLOW_UP = "follow-up", "Needs a follow-up"
        UNCODED = "uncoded", "Uncoded"

    class Method(models.TextChoices):
        AUTOMATIC = "automatic", "Coded automatically"
        SUGGESTION = "suggestion", "Chosen from the suggestions"
        FOLLOW_UP = "follow-up", "Settled by the follow-up question"
        CODER = "coder", "Coded by a coder"
        NONE = "", "Not coded"

    response = models.OneToOneField(
        Response, models.CASCADE, primary_key=True, related_name="job_title"
    )
    text = models.CharField(max_length=200, help_text="As typed. Can identify a person.")
    # The coder's normalised form of the text: the coding queue groups identical titles by it.
    normalised = models.CharField(max_length=200, blank=True)
    # Each follow-up asked and answered: [{"question": ..., "answer": ...}], at most two.
    follow_ups = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.UNCODED)
    method = models.CharField(max_length=20, choices=Method, default=Method.NONE, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0 to 100.")
    soc2020 = models.CharField(max_length=4, blank=True)
    soc2010 = models.CharField(max_length=4, blank=True)
    # Full NS-SEC (docs/spec/nssec-full.md), empty until the title is coded.
    nssec_method = models.CharField(max_length=20, blank=True)
    nssec_operational = models.CharField(max_length=10, blank=True)
    nssec8 = models.CharField(max_length=10, blank=True)
    nssec5_full = models.CharField(max_length=10, blank=True)
    nssec3_full = models.CharField(max_length=10, blank=True)
    coded_at = models.DateTimeField(null=True, blank=True)
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["normalised"], name="job_title_normalised"),
            models.Index(fields=["status"], name="job_title_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="coded") | (~Q(soc2020="") & ~Q(soc2010="")),
                name="job_title_coded_has_codes",
                violation_error_message="A coded job title carries its SOC codes.",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="job_title_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Job title ({self.get_status_display().lower()})"


class CodingDecision(models.Model):
    """A coder's decision in the coding queue: every job title of a survey whose
    normalised form is `normalised` gets `soc2020`/`soc2010`. Recorded with who and
    when; reversed (never deleted) by setting `reversed_at`/`reversed_by`, which puts
    those titles back in the queue. A decision with `is_second_coding` is a second
    coder's independent code for the double-coding sample, counted for agreement and
    never applied."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="coding_decisions")
    normalised = models.CharField(max_length=200)
    soc2020 = models.CharField(max_length=4, blank=True)
    soc2010 = models.CharField(max_length=4, blank=True)
    # True when the coder decided the title cannot be coded (left uncoded on purpose).
    uncodable = models.BooleanField(default=False)
    is_second_coding = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="coding_decisions"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["survey", "normalised"], name="coding_decision_title")]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "normalised", "is_second_coding"],
                condition=Q(reversed_at__isnull=True),
                name="coding_decision_one_standing",
            ),
            models.CheckConstraint(
                condition=Q(uncodable=True) | (~Q(soc2020="") & ~Q(soc2010="")),
                name="coding_decision_has_codes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.normalised} → {self.soc2020 or 'uncodable'}"
