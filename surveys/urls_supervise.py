from django.urls import path

from .views import supervisor

app_name = "supervise"

urlpatterns = [
    path("", supervisor.HomeView.as_view(), name="home"),
    path("cases/<int:case_id>/assign/", supervisor.CaseAssignView.as_view(), name="case-assign"),
    path("cases/<int:case_id>/reopen/", supervisor.CaseReopenView.as_view(), name="case-reopen"),
    path("<slug:slug>/", supervisor.ProgressView.as_view(), name="progress"),
    path("<slug:slug>/cases/", supervisor.CasesView.as_view(), name="cases"),
    path(
        "<slug:slug>/unassigned-cases/",
        supervisor.UnassignedCasesView.as_view(),
        name="unassigned-cases",
    ),
]
