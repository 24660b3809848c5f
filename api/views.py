"""The read-only API: surveys, their tables, comparisons and microdata, and the
reference distributions. Thin views over the same reads and rules as the pages:
`classification.selectors`, `classification.comparisons`, `seb.outputs`.

Every figure is disclosure-controlled unless `figures=unrounded` is asked for by a
token whose owner may see unrounded figures; anyone else asking is refused (403),
never quietly given rounded figures they did not ask for.
"""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, serializers
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from classification.comparisons import ONE_MODE, ComparisonAsk, ComparisonError, comparison_for
from classification.microdata import microdata_csv_chunks
from classification.models import ReferenceDistribution
from classification.occupation_outputs import microdata_columns
from classification.selectors import selected_responses, survey_summaries, tables_report
from seb.comparisons import Dimension
from seb.outputs import publish
from seb.tables import TableError, table_definitions
from surveys.audit import Event, audit
from surveys.models import Survey

from .params import ComparisonParams, TableParams, TablesParams, not_before
from .permissions import UNROUNDED_REFUSED, may_see_unrounded
from .serializers import (
    ComparisonSerializer,
    ErrorSerializer,
    PublicationSerializer,
    PublishedTableSerializer,
    ReferenceSerializer,
    SurveySerializer,
)

BAD_PARAMETERS = "The request's parameters are not valid."


def bad_parameters_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    """The body of a 400: what went wrong, and each parameter's problems."""
    return {"detail": BAD_PARAMETERS, "errors": errors}


def _example(summary: str, errors: dict[str, list[str]]) -> OpenApiExample:
    return OpenApiExample(
        summary, value=bad_parameters_body(errors), response_only=True, status_codes=["400"]
    )


END_BEFORE_START = _example("date_to before date_from", {"date_to": [not_before("date_from")]})
ONE_MODE_COMPARED = _example(
    "A comparison by mode with one mode to compare", {"non_field_errors": [ONE_MODE]}
)


def _bad_request(*examples: OpenApiExample) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description="A parameter is not valid, or the parameters break a rule of the "
        "request (each parameter's description states its rules); `errors` gives each "
        "parameter's problems (`non_field_errors`: the request's as a whole). "
        + "For example: "
        + "; ".join(example.name for example in examples)
        + ".",
        examples=list(examples),
    )


ERRORS = {
    400: _bad_request(END_BEFORE_START),
    401: OpenApiResponse(ErrorSerializer, description="No token, or a revoked or unknown one."),
    403: OpenApiResponse(
        ErrorSerializer,
        description="The token's owner is not an analyst, or asked for unrounded figures "
        "without the permission.",
    ),
    404: OpenApiResponse(ErrorSerializer, description="No such survey, table or comparison."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests: wait and try again."),
}
SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$"
)
KEY = OpenApiParameter(
    "key", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(table_definitions())
)
DIMENSION = OpenApiParameter(
    "dimension",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=[dimension.value for dimension in Dimension],
    description="mode, survey (another survey of the same standard), period (two "
    "completion periods), variable (a sample variable) or reference (a reference "
    "distribution). By mode (`mode` is not used): with disclosure control, a column "
    "for each mode the survey offers, with responses or not; unrounded, for each mode of "
    "the responses completed in the selected dates. With only one such mode, the answer "
    f"is 400, “{ONE_MODE}”",
)


def _only(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


def _query(request: Request) -> dict[str, Any]:
    """The query string as plain data: an empty value is a value (and refused where
    the description says so), not "left out" as a form would take it; `mode` repeats."""
    params = request.query_params
    return {key: params.getlist(key) if key == "mode" else params[key] for key in params}


def _checked(serializer: serializers.Serializer) -> None:  # type: ignore[type-arg]
    """400 with each parameter's problems, in the shape ErrorSerializer describes."""
    if not serializer.is_valid():
        raise BadParameters(serializer.errors)


class BadParameters(exceptions.ValidationError):
    def __init__(self, errors: Any) -> None:
        super().__init__(errors)
        self.errors = {
            name: [
                str(message) for message in (messages if isinstance(messages, list) else [messages])
            ]
            for name, messages in dict(errors).items()
        }
        self.detail = bad_parameters_body(self.errors)  # type: ignore[assignment]


def _controlled(request: Request, params: Any, *surveys: Survey) -> bool:
    """Whether the figures asked for are controlled; unrounded ones of surveys the
    token's owner may not see unrounded are refused (403)."""
    controlled: bool = params.controlled
    if not controlled and not all(may_see_unrounded(request, survey) for survey in surveys):
        raise exceptions.PermissionDenied(UNROUNDED_REFUSED)
    return controlled


class SurveyList(APIView):
    @extend_schema(
        operation_id="surveys_list",
        summary="Every survey",
        responses={
            200: OpenApiResponse(SurveySerializer(many=True), description="Every survey."),
            **_only(401, 403, 429),
        },
    )
    def get(self, request: Request) -> Response:
        return Response(
            SurveySerializer([_survey(summary) for summary in survey_summaries()], many=True).data
        )


def _survey(summary: Any) -> dict[str, Any]:
    survey = summary.survey
    return {
        "slug": survey.slug,
        "name": survey.name,
        "organisation": survey.organisation,
        "standard_version": survey.standard_version,
        "modes": [mode.value for mode in survey.modes],
        "complete_responses": summary.shown(controlled=True).complete,
    }


class SurveyDetail(APIView):
    @extend_schema(
        operation_id="survey",
        summary="One survey",
        parameters=[SLUG],
        responses={
            200: OpenApiResponse(SurveySerializer, description="The survey."),
            **_only(401, 403, 404, 429),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        for summary in survey_summaries():
            if summary.survey.slug == slug:
                return Response(SurveySerializer(_survey(summary)).data)
        raise exceptions.NotFound("There is no survey with this slug.")


class Tables(APIView):
    @extend_schema(
        operation_id="tables",
        summary="The output tables of a survey",
        description="The standard's prescribed tables for a selection of the survey's complete "
        "responses, with disclosure control unless unrounded figures are asked for (and allowed).",
        parameters=[SLUG, TablesParams],
        responses={
            200: OpenApiResponse(PublicationSerializer, description="The tables and their notes."),
            **ERRORS,
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        survey = get_object_or_404(Survey, slug=slug)
        params = TablesParams(data=_query(request))
        _checked(params)
        report = _report(
            survey,
            params,
            classes=params.validated_data["classes"],
            controlled=_controlled(request, params, survey),
        )
        return Response(PublicationSerializer(publish(report)).data)


def _report(survey: Survey, params: Any, **kwargs: Any) -> Any:
    try:
        return tables_report(survey=survey, selection=params.selection(), **kwargs)
    except TableError as error:
        raise BadParameters({"non_field_errors": [str(error)]}) from None


class TableDetail(APIView):
    @extend_schema(
        operation_id="table",
        summary="One output table of a survey",
        parameters=[SLUG, KEY, TableParams],
        responses={
            200: OpenApiResponse(PublishedTableSerializer, description="The table and its notes."),
            **ERRORS,
        },
    )
    def get(self, request: Request, slug: str, key: str) -> Response:
        spec = table_definitions().get(key)
        if spec is None:
            raise exceptions.NotFound("There is no table with this key.")
        survey = get_object_or_404(Survey, slug=slug)
        params = TableParams(data=_query(request))
        _checked(params)
        publication = publish(
            _report(survey, params, specs=(spec,), controlled=_controlled(request, params, survey))
        )
        table = publication.tables[0]
        return Response(
            PublishedTableSerializer(
                {
                    "survey_name": publication.survey_name,
                    "selection": publication.selection,
                    "produced_at": publication.produced_at,
                    "standard_title": publication.standard_title,
                    "controlled": publication.controlled,
                    "table": table,
                    "notes": table.notes,
                }
            ).data
        )


class Comparisons(APIView):
    @extend_schema(
        operation_id="comparison",
        summary="A table compared across a second dimension",
        description="Each column under disclosure control on its own; differences in "
        "percentage points from the published percentages. The parameters a comparison "
        "needs depend on its dimension (see each parameter).",
        parameters=[SLUG, DIMENSION, ComparisonParams],
        responses={
            200: OpenApiResponse(ComparisonSerializer, description="The comparison and its notes."),
            **ERRORS,
            400: _bad_request(END_BEFORE_START, ONE_MODE_COMPARED),
        },
    )
    def get(self, request: Request, slug: str, dimension: str) -> Response:
        try:
            chosen = Dimension(dimension)
        except ValueError:
            raise exceptions.NotFound("There is no such kind of comparison.") from None
        survey = get_object_or_404(Survey, slug=slug)
        params = ComparisonParams(data=_query(request), context={"dimension": chosen})
        _checked(params)
        data = params.validated_data
        other = None
        if chosen is Dimension.SURVEY:
            other = Survey.objects.filter(slug=data["other"]).exclude(pk=survey.pk).first()
            if other is None:
                raise BadParameters({"other": ["There is no other survey with this slug."]})
        reference = data.get("reference_distribution") if chosen is Dimension.REFERENCE else None
        ask = ComparisonAsk(
            dimension=chosen,
            spec=reference.spec if reference else table_definitions()[data["table"]],
            selection=params.selection(),
            controlled=_controlled(request, params, *([survey, other] if other else [survey])),
            other=other,
            variable=data.get("variable", ""),
            reference=reference.as_reference() if reference else None,
            periods=(
                ((data["first_from"], data["first_to"]), (data["second_from"], data["second_to"]))
                if chosen is Dimension.PERIOD
                else None
            ),
        )
        try:
            comparison = comparison_for(survey, ask)
        except ComparisonError as error:
            raise BadParameters({error.field or "non_field_errors": [str(error)]}) from None
        return Response(ComparisonSerializer(comparison).data)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        return str(data.get("detail", "") if isinstance(data, dict) else data).encode("utf-8")


class Microdata(APIView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="microdata",
        summary="The microdata of a survey, as CSV",
        description="Every complete response in the selection, in the interchange format with "
        "NS-SEC, streamed as CSV. Unrounded data: needs the permission to see unrounded "
        "figures and microdata.",
        parameters=[SLUG, TableParams],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file."),
            **ERRORS,
        },
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        survey = get_object_or_404(Survey, slug=slug)
        if not may_see_unrounded(request, survey):
            raise exceptions.PermissionDenied(UNROUNDED_REFUSED)
        params = TableParams(data=_query(request))
        _checked(params)
        # Audited as the analysis pages' download is: the token's owner, the selection.
        audit(
            Event.MICRODATA_DOWNLOADED,
            actor=request.user,
            target=survey,
            selection=request.query_params.urlencode(),
            via="api",
            token=request.auth,
        )
        responses = selected_responses(survey=survey, selection=params.selection())
        # The token's owner may see unrounded figures and microdata (checked above), so
        # the typed job title, which can identify a person, may be in them.
        response = StreamingHttpResponse(
            microdata_csv_chunks(
                responses=responses, columns=microdata_columns(survey, typed_title=True)
            ),
            content_type="text/csv; charset=utf-8",
        )
        today = timezone.localdate().isoformat()
        name = f"{survey.slug}_microdata_{params.selection().slug()}_{today}.csv"
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["Cache-Control"] = "no-store"
        return response


class References(APIView):
    @extend_schema(
        operation_id="references_list",
        summary="The reference distributions",
        responses={
            200: OpenApiResponse(
                ReferenceSerializer(many=True), description="Every reference distribution."
            ),
            **_only(401, 403, 429),
        },
    )
    def get(self, request: Request) -> Response:
        data = [
            {
                "id": reference.pk,
                "name": reference.name,
                "table_key": reference.table_key,
                "population": reference.population,
                "citation": reference.as_reference().citation,
                "url": reference.url,
                "licence": reference.licence,
                "figures": [
                    {"label": label, "percentage": value} for label, value in reference.figures
                ],
            }
            for reference in ReferenceDistribution.objects.order_by("name")
        ]
        return Response(ReferenceSerializer(data, many=True).data)


@extend_schema(exclude=True)
@api_view(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@authentication_classes([])
@throttle_classes([])
def not_found(request: Request) -> Response:
    return Response({"detail": "There is no such address in the API."}, status=404)
