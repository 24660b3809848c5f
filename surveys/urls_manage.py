from django.urls import path

from .views import (
    manage,
    manage_confirm,
    manage_contacts,
    manage_letters,
    manage_monitoring,
    manage_sample,
    manage_sample_list,
    manage_team,
)

app_name = "manage"

urlpatterns = [
    path("", manage.survey_list, name="surveys"),
    path("new/", manage.survey_create, name="create"),
    path("<slug:slug>/", manage.survey_detail, name="survey"),
    path("<slug:slug>/settings/", manage.survey_edit, name="edit"),
    path("<slug:slug>/content/", manage.survey_content, name="content"),
    path("<slug:slug>/open/", manage.survey_open, name="open"),
    path("<slug:slug>/close/", manage_confirm.survey_close, name="close"),
    path("<slug:slug>/team/", manage_team.team_page, name="team"),
    path("<slug:slug>/team/remove/", manage_team.team_remove_view, name="team-remove"),
    path("<slug:slug>/test-run/", manage.test_run, name="test-run"),
    path("<slug:slug>/test-run/clear/", manage.test_clear, name="test-clear"),
    path("<slug:slug>/preview/<str:mode>/", manage.preview_start, name="preview"),
    path("<slug:slug>/sample/", manage_sample.sample_page, name="sample"),
    path("<slug:slug>/sample/bulk/", manage_sample_list.bulk_action, name="sample-bulk"),
    path("<slug:slug>/sample/upload/", manage_sample.sample_upload, name="sample-upload"),
    path("<slug:slug>/sample/template.csv", manage_sample.sample_template, name="sample-template"),
    path(
        "<slug:slug>/sample/new-codes/", manage_sample.codes_regenerate_all, name="regenerate-all"
    ),
    path("<slug:slug>/codes/<uuid:job_id>/", manage_sample.codes_download, name="codes-download"),
    path("<slug:slug>/cases/new/", manage_sample.case_add, name="case-add"),
    path("<slug:slug>/cases/<int:case_id>/", manage_sample.case_detail, name="case"),
    path("<slug:slug>/cases/<int:case_id>/edit/", manage_sample.case_edit, name="case-edit"),
    path(
        "<slug:slug>/cases/<int:case_id>/withdraw/",
        manage_confirm.case_withdraw,
        name="case-withdraw",
    ),
    path(
        "<slug:slug>/cases/<int:case_id>/reinstate/",
        manage_confirm.case_reinstate_view,
        name="case-reinstate",
    ),
    path(
        "<slug:slug>/cases/<int:case_id>/not-eligible/",
        manage_sample.case_not_eligible,
        name="case-not-eligible",
    ),
    path(
        "<slug:slug>/cases/<int:case_id>/new-code/",
        manage_confirm.case_new_code,
        name="case-regenerate",
    ),
    path("<slug:slug>/contacts/", manage_contacts.contacts_page, name="contacts"),
    path("<slug:slug>/outbox/", manage_contacts.outbox, name="outbox"),
    path("<slug:slug>/rounds/<int:round_id>/", manage_letters.round_page, name="round"),
    path(
        "<slug:slug>/rounds/<int:round_id>/cancel/",
        manage_confirm.round_cancel_view,
        name="round-cancel",
    ),
    path(
        "<slug:slug>/rounds/<int:round_id>/files/<str:name>",
        manage_letters.letters_download,
        name="letters-download",
    ),
    path("<slug:slug>/monitoring/", manage_monitoring.monitoring, name="monitoring"),
    path(
        "<slug:slug>/monitoring/case-outcomes.csv",
        manage_monitoring.outcomes_download,
        name="outcomes",
    ),
    path(
        "<slug:slug>/monitoring/response-rates.csv", manage_monitoring.rates_download, name="rates"
    ),
]
