import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .standard import QUESTION_KEYS as QUESTION_KEYS  # re-exported with the models
from .standard import Mode

# The columns the output tables group by.
TABULATED_COLUMNS = (
    "school_type",
    "free_school_meals",
    "parental_qualification",
    "nssec5",
    "nssec3",
)


class StandardVersion(models.Model):
    """A published version of the harmonised standard, loaded from fixtures/standard/."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class Question(models.Model):
    standard = models.ForeignKey(StandardVersion, models.PROTECT, related_name="questions")
    key = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "key"], name="question_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Option(models.Model):
    question = models.ForeignKey(Question, models.PROTECT, related_name="options")
    code = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}={self.code}"


class Survey(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60, unique=True, help_text="The survey's web address: /s/<slug>/"
    )
    description = models.TextField(
        blank=True, help_text="What the survey is for, shown on its start page."
    )
    standard = models.ForeignKey(StandardVersion, models.PROTECT, related_name="surveys")
    offers_online = models.BooleanField("online self-completion", default=True)
    offers_face_to_face = models.BooleanField("face-to-face interviews", default=False)
    offers_telephone = models.BooleanField("telephone interviews", default=False)
    opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: open now.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never closes.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
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
    def not_yet_open(self) -> bool:
        return bool(self.opens_at and timezone.now() < self.opens_at)

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)


class Response(models.Model):
    """One person's answers to the standard's questions, in one mode.

    Each question has its own answer column, so the database holds at most one
    answer per question; each refers to a real option of the standard. Only
    questions on the response's route have an answer.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        STOPPED = "stopped", "Stopped"

    class Source(models.TextChoices):
        COLLECTED = "collected", "Collected"
        IMPORTED = "imported", "Imported"

    class StopReason(models.TextChoices):
        REFUSED = "refused", "Refused"
        BROKE_OFF = "broke_off", "Broke off"
        UNABLE = "unable", "Unable to continue (for example language or health)"
        OTHER = "other", "Other reason"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, models.PROTECT, related_name="responses")
    standard = models.ForeignKey(StandardVersion, models.PROTECT, related_name="+")
    mode = models.CharField(max_length=20, choices=[(m.value, m.label) for m in Mode])
    status = models.CharField(max_length=20, choices=Status, default=Status.IN_PROGRESS)
    source = models.CharField(max_length=20, choices=Source, default=Source.COLLECTED)
    reference = models.CharField(
        max_length=200, blank=True, help_text="A case reference or the importer's own identifier."
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="interviews",
    )
    stop_reason = models.CharField(max_length=20, choices=StopReason, blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Goes up with every change to the answers."
    )
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    school_type = models.ForeignKey(Option, models.PROTECT, null=True, blank=True, related_name="+")
    free_school_meals = models.ForeignKey(
        Option, models.PROTECT, null=True, blank=True, related_name="+"
    )
    earner_employment_status = models.ForeignKey(
        Option, models.PROTECT, null=True, blank=True, related_name="+"
    )
    employer_size = models.ForeignKey(
        Option, models.PROTECT, null=True, blank=True, related_name="+"
    )
    self_employed_size = models.ForeignKey(
        Option, models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor = models.ForeignKey(Option, models.PROTECT, null=True, blank=True, related_name="+")
    earner_occupation = models.ForeignKey(
        Option, models.PROTECT, null=True, blank=True, related_name="+"
    )
    parental_qualification = models.ForeignKey(
        Option, models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Derived when the response becomes complete (classification.derivation).
    nssec5 = models.CharField(max_length=30, blank=True)
    nssec3 = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["survey", "status", "completed_at"], name="response_selection"),
            models.Index(fields=["interviewer", "status"], name="response_interviewer"),
            # One index per output table, on low-cardinality keys only, so that
            # PostgreSQL's B-tree deduplication keeps each small (about 7 MB at a
            # million responses) and a table's GROUP BY, with or without a mode
            # filter, is an index-only scan. (Adding completed_at, or INCLUDE
            # columns, turns deduplication off: ten times the size, and slower
            # than reading the table.) See the README's benchmark figures.
            *(
                models.Index(
                    fields=["survey", "status", column, "mode"],
                    name=f"response_by_{column[:16]}",
                )
                for column in TABULATED_COLUMNS
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(completed_at__isnull=False),
                name="complete_response_has_completed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="stopped") | ~Q(stop_reason=""),
                name="stopped_response_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=[m.value for m in Mode]), name="response_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} {self.get_mode_display()} response {self.id}"

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE
