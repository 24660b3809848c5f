from django.urls import path

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
    # The job title (an addition beyond the standard, when the survey asks it).
    path(
        "cases/<uuid:response_id>/job-title/",
        job_title.InterviewJobTitleView.as_view(),
        name="job-title",
    ),
    path(
        "cases/<uuid:response_id>/job-title/follow-up/",
        job_title.InterviewFollowUpView.as_view(),
        name="job-title-follow-up",
    ),
    path(
        "cases/<uuid:response_id>/job-title/closest/",
        job_title.InterviewClosestView.as_view(),
        name="job-title-closest",
    ),
    path(
        "cases/<uuid:response_id>/job-title/suggestions/",
        job_title.InterviewSuggestionsView.as_view(),
        name="job-title-suggestions",
    ),
]
