from django.urls import path

from .views import coding

app_name = "coding"

urlpatterns = [
    path("", coding.survey_list, name="surveys"),
    path("<slug:slug>/", coding.queue, name="queue"),
    path("<slug:slug>/titles/<uuid:response_id>/", coding.title, name="title"),
    path("<slug:slug>/second/<uuid:response_id>/", coding.second, name="second"),
    path("<slug:slug>/decisions/", coding.decisions, name="decisions"),
    path("<slug:slug>/decisions/<int:decision_id>/undo/", coding.undo_view, name="undo"),
    path("<slug:slug>/double-coding/", coding.double_coding, name="double-coding"),
]
