from django.urls import path

from .views import interviewer

app_name = "interview"

urlpatterns = [
    path("", interviewer.HomeView.as_view(), name="home"),
    path("start/<slug:slug>/", interviewer.StartView.as_view(), name="start"),
    path("showcards/", interviewer.ShowcardsView.as_view(), name="showcards"),
    path("showcards/<slug:key>/", interviewer.ShowcardView.as_view(), name="showcard"),
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
]
