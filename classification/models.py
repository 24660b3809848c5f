from django.conf import settings
from django.db import models
from django.utils import timezone

from seb.comparisons import Reference
from seb.tables import TableSpec, table_definitions


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


def table_choices() -> list[tuple[str, str]]:
    return [(key, spec.title) for key, spec in table_definitions().items()]


class ReferenceDistribution(models.Model):
    """A published distribution of a population over one table's categories, kept by
    analysts to compare a survey's table with (seb.comparisons.Reference).

    `percentages` maps each row's key (`seb.tables.RowSpec.key`, its codes joined)
    to the percentage the source gives; a row the source gives no figure for is
    absent. Only figures cited to a published source belong here, never estimates.
    """

    name = models.CharField(max_length=200, unique=True)
    population = models.CharField(max_length=300, help_text="Who the distribution describes.")
    source = models.CharField("source publication", max_length=300)
    publisher = models.CharField(max_length=200)
    published_on = models.DateField("date of publication")
    table_key = models.CharField("table", max_length=40, choices=table_choices)
    url = models.URLField("web address", max_length=500)
    licence = models.CharField(max_length=200)
    percentages = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def spec(self) -> TableSpec:
        return table_definitions()[self.table_key]

    def percentage_for(self, row_key: str) -> float | None:
        value = self.percentages.get(row_key)
        return None if value is None else float(value)

    @property
    def figures(self) -> list[tuple[str, float | None]]:
        """Each category of its table with the percentage given (None where none is)."""
        return [(row.label, self.percentage_for(row.key)) for row in self.spec.rows]

    def as_reference(self) -> Reference:
        return Reference(
            name=self.name,
            population=self.population,
            source=self.source,
            publisher=self.publisher,
            published=self.published_on,
            url=self.url,
            licence=self.licence,
            percentages=tuple(self.percentage_for(row.key) for row in self.spec.rows),
        )
