from django.urls import URLPattern, path

from . import (
    views,
    views_compare,
    views_formats,
    views_import,
    views_occupation,
    views_references,
)

app_name = "analysis"

urlpatterns: list[URLPattern] = [
    path("", views.survey_list, name="surveys"),
    path("standard/codebook/", views_formats.codebook_page, name="codebook"),
    path("standard/codebook/codes.csv", views_formats.code_list_csv, name="code-list"),
    path(
        "standard/codebook/codes.csv-metadata.json",
        views_formats.code_list_metadata,
        name="code-list-metadata",
    ),
    path(
        "standard/codebook/seb-codebook.<str:file_format>",
        views_formats.codebook_download,
        name="codebook-download",
    ),
    path(
        "standard/import-template.<str:extension>",
        views_import.import_template,
        name="import-template",
    ),
    path("standard/references/", views_references.reference_list, name="references"),
    path("standard/references/new/", views_references.reference_new, name="reference-new"),
    path(
        "standard/references/<int:pk>/edit/",
        views_references.reference_edit,
        name="reference-edit",
    ),
    path(
        "standard/references/<int:pk>/delete/",
        views_references.reference_delete,
        name="reference-delete",
    ),
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
        "<slug:slug>/download/microdata.csv-metadata.json",
        views_formats.microdata_csv_metadata,
        name="microdata-metadata",
    ),
    path(
        "<slug:slug>/download/<str:key>.csv-metadata.json",
        views_formats.table_csv_metadata,
        name="table-csv-metadata",
    ),
    path(
        "<slug:slug>/download/microdata.<str:file_format>",
        views.microdata_download,
        name="microdata",
    ),
    path(
        "<slug:slug>/download/<str:key>-chart.<str:extension>",
        views_compare.table_chart_download,
        name="table-chart",
    ),
    path(
        "<slug:slug>/download/two-way/<str:key>.csv",
        views_occupation.cross_table_csv,
        name="cross-table-csv",
    ),
    path(
        "<slug:slug>/download/two-way/<str:key>.csv-metadata.json",
        views_occupation.cross_table_csv_metadata,
        name="cross-table-csv-metadata",
    ),
    path("<slug:slug>/download/<str:key>.csv", views.table_csv_download, name="table-csv"),
    path("<slug:slug>/compare/", views_compare.compare_index, name="compare-index"),
    path("<slug:slug>/compare/<str:dimension>/", views_compare.compare, name="compare"),
    path(
        "<slug:slug>/compare/<str:dimension>/download.<str:name>",
        views_compare.compare_download,
        name="compare-download",
    ),
    path("<slug:slug>/import/", views_import.import_page, name="import"),
]
