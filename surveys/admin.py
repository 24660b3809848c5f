"""The Django admin: for administrators only, and read-only where data is at stake.

Surveys are set up in the survey managers' area; the admin lists them. Responses
and cases are shown read-only: answers change only through `surveys.responses`.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Case, Response, Survey, SurveyMember


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "state", "access", "opens_at", "closes_at"]
    search_fields = ["name", "slug"]

    @admin.display(description="state")
    def state(self, survey: Survey) -> str:
        return survey.state


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["id", "survey", "mode", "status", "source", "is_test", "completed_at"]
    list_filter = ["status", "mode", "source", "is_test", "survey"]
    list_select_related = ["survey"]
    show_full_result_count = False
    exclude = ["record_key"]  # the cell key method's secret: never shown


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "survey", "outcome", "mode", "attempt_count", "last_activity_at"]
    list_filter = ["outcome", "survey"]
    list_select_related = ["survey"]
    search_fields = ["reference"]
    # Contact details are not shown here: the survey managers' area shows them to
    # those who may see them, and records who did.
    exclude = ["name", "email", "phone", "address", "access_code_hash", "link_token_hash"]
    show_full_result_count = False


@admin.register(SurveyMember)
class SurveyMemberAdmin(ReadOnlyAdmin):
    """Teams, to read: they change on each survey's team page or with `survey_team`,
    which audit each change."""

    list_display = ["user", "role", "survey", "added_at"]
    list_filter = ["role", "survey"]
    list_select_related = ["user", "survey"]
    search_fields = ["user__username", "survey__slug"]
