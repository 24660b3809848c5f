from django.urls import URLPattern, path

from . import views, views_import

app_name = "analysis"

urlpatterns: list[URLPattern] = [
    path("", views.survey_list, name="surveys"),
    path("<slug:slug>/", views.survey_tables, name="survey"),
    path(
        "<slug:slug>/download/output-tables-nssec<str:classes>.xlsx",
        views.workbook_download,
        name="workbook",
    ),
    path(
        "<slug:slug>/download/output-tables-nssec<str:classes>.ods",
        views.workbook_download,
        {"file_format": "ods"},
        name="workbook-ods",
    ),
    path(
        "<slug:slug>/download/microdata.<str:file_format>",
        views.microdata_download,
        name="microdata",
    ),
    path("<slug:slug>/download/<str:key>.csv", views.table_csv_download, name="table-csv"),
    path("<slug:slug>/import/", views_import.import_page, name="import"),
]
