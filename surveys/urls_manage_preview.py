"""A mode's journey in preview (its own namespace, as the shared journey names its pages)."""

from django.urls import path

from .views import job_title, manage

app_name = "preview"

urlpatterns = [
    path("questions/<slug:key>/", manage.PreviewQuestionView.as_view(), name="question"),
    path("check-your-answers/", manage.PreviewCheckAnswersView.as_view(), name="check"),
    path("complete/", manage.PreviewConfirmationView.as_view(), name="confirmation"),
    # The job title (an addition beyond the standard, when the survey asks it).
    path("job-title/", job_title.PreviewJobTitleView.as_view(), name="job-title"),
    path(
        "job-title/follow-up/",
        job_title.PreviewFollowUpView.as_view(),
        name="job-title-follow-up",
    ),
    path("job-title/closest/", job_title.PreviewClosestView.as_view(), name="job-title-closest"),
    path(
        "job-title/suggestions/",
        job_title.PreviewSuggestionsView.as_view(),
        name="job-title-suggestions",
    ),
]
