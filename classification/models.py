from django.conf import settings
from django.db import models
from django.utils import timezone


class OutputAccess(models.Model):
    """Holds the permission to see unrounded output; it has no table of its own.

    Analysts see tables with disclosure control applied. Only users who also
    hold `classification.view_unrounded` may see unrounded tables or download
    the microdata.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_unrounded", "Can see unrounded tables and microdata")]

    def __str__(self) -> str:
        return "Access to unrounded output"


class ImportRecord(models.Model):
    """A file imported into a survey, known by its SHA-256: the same file again is
    refused unless the analyst confirms they mean to store its responses twice."""

    survey = models.ForeignKey("surveys.Survey", models.CASCADE, related_name="imports")
    sha256 = models.CharField(max_length=64)
    file_name = models.CharField(max_length=300)
    responses = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        indexes = [models.Index(fields=["survey", "sha256"], name="import_file")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.responses} responses)"
