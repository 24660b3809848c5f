from django.urls import path

from .urls_job_title import job_title_paths
from .views import caseload, interviewer, job_title

app_name = "interview"

urlpatterns = [
    path("", caseload.HomeView.as_view(), name="home"),
    path("start/<slug:slug>/", interviewer.StartView.as_view(), name="start"),
    path("showcards/", interviewer.ShowcardsView.as_view(), name="showcards"),
    path("showcards/<slug:key>/", interviewer.ShowcardView.as_view(), name="showcard"),
    # A case of the sample: its page, a call or visit, starting or resuming its interview.
    path("caseload/<int:case_id>/", caseload.CaseView.as_view(), name="case-detail"),
    path("caseload/<int:case_id>/call/", caseload.AttemptView.as_view(), name="attempt"),
    path("caseload/<int:case_id>/start/", caseload.CaseStartView.as_view(), name="case-start"),
    path("caseload/<int:case_id>/resume/", caseload.CaseResumeView.as_view(), name="case-resume"),
    path("caseload/<int:case_id>/close/", caseload.CaseCloseView.as_view(), name="case-close"),
    # An interview (a response in an interviewer's mode) and its journey.
    path("cases/<uuid:response_id>/", interviewer.ResumeView.as_view(), name="case"),
    path(
        "cases/<uuid:response_id>/questions/<slug:key>/",
        interviewer.InterviewQuestionView.as_view(),
        name="question",
    ),
    path(
        "cases/<uuid:response_id>/check-answers/",
        interviewer.InterviewCheckAnswersView.as_view(),
        name="check",
    ),
    path(
        "cases/<uuid:response_id>/outcome/",
        interviewer.InterviewConfirmationView.as_view(),
        name="confirmation",
    ),
    path("cases/<uuid:response_id>/stop/", interviewer.StopView.as_view(), name="stop"),
    *job_title_paths(
        "cases/<uuid:response_id>/",
        job_title.InterviewJobTitleView,
        job_title.InterviewFollowUpView,
        job_title.InterviewClosestView,
        job_title.InterviewSuggestionsView,
    ),
]
