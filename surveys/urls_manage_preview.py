"""A mode's journey in preview (its own namespace, as the shared journey names its pages)."""

from django.urls import path

from .views import manage

app_name = "preview"

urlpatterns = [
    path("questions/<slug:key>/", manage.PreviewQuestionView.as_view(), name="question"),
    path("check-your-answers/", manage.PreviewCheckAnswersView.as_view(), name="check"),
    path("complete/", manage.PreviewConfirmationView.as_view(), name="confirmation"),
]
