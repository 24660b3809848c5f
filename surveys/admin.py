from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from .models import Response, StandardVersion, Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "offers_online",
        "offers_face_to_face",
        "offers_telephone",
        "opens_at",
        "closes_at",
        "complete_count",
    ]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "standard"]}),
        ("Modes", {"fields": ["offers_online", "offers_face_to_face", "offers_telephone"]}),
        ("When it is open", {"fields": ["opens_at", "closes_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Survey]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                complete=Count("responses", filter=Q(responses__status=Response.Status.COMPLETE))
            )
        )

    @admin.display(description="complete responses", ordering="complete")
    def complete_count(self, survey: Survey) -> int:
        return survey.complete  # type: ignore[attr-defined]


@admin.register(StandardVersion)
class StandardVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "loaded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
