from django.urls import URLPattern, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from . import pages, views

app_name = "api"

urlpatterns: list[URLPattern] = [
    path("", pages.docs, name="docs"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", pages.revoke, name="revoke"),
    path("v1/surveys/", views.SurveyList.as_view(), name="surveys"),
    path("v1/surveys/<str:slug>/", views.SurveyDetail.as_view(), name="survey"),
    path("v1/surveys/<str:slug>/tables/", views.Tables.as_view(), name="tables"),
    path("v1/surveys/<str:slug>/tables/<str:key>/", views.TableDetail.as_view(), name="table"),
    path(
        "v1/surveys/<str:slug>/comparisons/<str:dimension>/",
        views.Comparisons.as_view(),
        name="comparison",
    ),
    path("v1/surveys/<str:slug>/microdata/", views.Microdata.as_view(), name="microdata"),
    path("v1/references/", views.References.as_view(), name="references"),
    # Anything else under /api/v1/ is a 404 in JSON, as the description says, not a page.
    re_path(r"^v1/", views.not_found),
]
