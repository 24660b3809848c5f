from django.urls import path

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
    # The job title (an addition beyond the standard, when the survey asks it).
    path("<slug:slug>/job-title/", job_title.OnlineJobTitleView.as_view(), name="job-title"),
    path(
        "<slug:slug>/job-title/follow-up/",
        job_title.OnlineFollowUpView.as_view(),
        name="job-title-follow-up",
    ),
    path(
        "<slug:slug>/job-title/closest/",
        job_title.OnlineClosestView.as_view(),
        name="job-title-closest",
    ),
    path(
        "<slug:slug>/job-title/suggestions/",
        job_title.OnlineSuggestionsView.as_view(),
        name="job-title-suggestions",
    ),
]
