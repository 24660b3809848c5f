from django.urls import path

from .views import respondent

app_name = "online"

urlpatterns = [
    path("<slug:slug>/", respondent.StartView.as_view(), name="start"),
    path(
        "<slug:slug>/questions/<slug:key>/",
        respondent.OnlineQuestionView.as_view(),
        name="question",
    ),
    path(
        "<slug:slug>/check-your-answers/", respondent.OnlineCheckAnswersView.as_view(), name="check"
    ),
    path("<slug:slug>/complete/", respondent.OnlineConfirmationView.as_view(), name="confirmation"),
]
