from django.urls import path

from .urls_job_title import job_title_paths
from .views import job_title, respondent

app_name = "online"

urlpatterns = [
    path("<slug:slug>/", respondent.StartView.as_view(), name="start"),
    path("<slug:slug>/access-code/", respondent.AccessCodeView.as_view(), name="access-code"),
    path("<slug:slug>/k/<str:token>/", respondent.PersonalLinkView.as_view(), name="link"),
    path("<slug:slug>/opt-out/<str:token>/", respondent.OptOutView.as_view(), name="opt-out"),
    path("<slug:slug>/privacy/", respondent.PrivacyNoticeView.as_view(), name="privacy"),
    path("<slug:slug>/contact/", respondent.ContactView.as_view(), name="contact"),
    path(
        "<slug:slug>/questions/<slug:key>/",
        respondent.OnlineQuestionView.as_view(),
        name="question",
    ),
    path(
        "<slug:slug>/check-your-answers/", respondent.OnlineCheckAnswersView.as_view(), name="check"
    ),
    path("<slug:slug>/complete/", respondent.OnlineConfirmationView.as_view(), name="confirmation"),
    *job_title_paths(
        "<slug:slug>/",
        job_title.OnlineJobTitleView,
        job_title.OnlineFollowUpView,
        job_title.OnlineClosestView,
        job_title.OnlineSuggestionsView,
    ),
]
