"""Reading responses: an online respondent's response, and the survey's figures
about completes (by day, stop points, median completion time).
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache

from django.db import connection, connections
from django.db.models import Count, Sum
from django.db.models.sql import Query

from seb.standard import Mode
from seb.statuses import UNFINISHED

from ..models import (
    COUNTING_COLUMN,
    Response,
    ResponseTally,
    Survey,
)

SURVEY_PREFIX = "survey__"


def online_response(response_id: str, slug: str) -> Response | None:
    """The online response `response_id` of the survey `slug`, with its survey loaded:
    the first read of every page of the online journey.

    The query is written once per database from the models' fields, not built by the
    ORM on each call: Django makes a `select_related` query's SQL afresh every time,
    which cost a question page more of the web worker's time than anything else
    (profiled under the journey's load test, `bench/bench_journey.py`). The rows are
    still turned into models by Django, with its converters for every field.
    """
    try:
        pk = uuid.UUID(response_id)
    except (TypeError, ValueError):
        return None
    db = Response.objects.db
    db_connection = connections[db]
    params = [Response._meta.pk.get_db_prep_value(pk, db_connection), slug, Mode.ONLINE.value]
    found = list(Response.objects.using(db).raw(_online_response_sql(db), params))
    if not found:
        return None
    response = found[0]
    fields = Survey._meta.concrete_fields
    values = [response.__dict__.pop(f"{SURVEY_PREFIX}{field.attname}") for field in fields]
    compiler = db_connection.ops.compiler("SQLCompiler")(Query(Survey), db_connection, db)
    converters = compiler.get_converters([field.get_col(Survey._meta.db_table) for field in fields])
    if converters:
        values = list(next(iter(compiler.apply_converters([values], converters))))
    survey = Survey.from_db(db, [field.attname for field in fields], values)
    Response._meta.get_field("survey").set_cached_value(response, survey)
    return response


@cache
def _online_response_sql(db: str) -> str:
    quote = connections[db].ops.quote_name
    response_columns = [f"r.{quote(field.column)}" for field in Response._meta.concrete_fields]
    survey_columns = [
        f"s.{quote(field.column)} AS {quote(SURVEY_PREFIX + field.attname)}"
        for field in Survey._meta.concrete_fields
    ]
    survey_key = Response._meta.get_field("survey")
    # Names from the models' own metadata, quoted; the values go as parameters.
    return (
        f"SELECT {', '.join(response_columns + survey_columns)} "  # noqa: S608
        f"FROM {quote(Response._meta.db_table)} r "
        f"INNER JOIN {quote(Survey._meta.db_table)} s "
        f"ON s.{quote(Survey._meta.pk.column)} = r.{quote(survey_key.column)} "
        f"WHERE r.{quote(Response._meta.pk.column)} = %s "
        f"AND s.{quote(Survey._meta.get_field('slug').column)} = %s "
        f"AND r.{quote(Response._meta.get_field('mode').column)} = %s"
    )


def completes_by_day(*, survey: Survey) -> list[tuple[date, str, int]]:
    """(day, mode, complete responses) from the tallies, by day then mode."""
    return [
        (day, mode, int(n))
        for day, mode, n in ResponseTally.objects.filter(survey=survey, variable=COUNTING_COLUMN)
        .order_by("day", "mode")
        .values_list("day", "mode")
        .annotate(n=Sum("count"))
        if n
    ]


def stop_points(*, survey: Survey) -> dict[str, dict[str, int]]:
    """For responses started and not submitted (test runs aside): how many stand at
    each question (the first still to answer; "" when only the check page is left),
    per mode."""
    rows = (
        Response.objects.filter(survey=survey, status__in=UNFINISHED, is_test=False)
        .order_by()
        .values_list("mode", "next_question")
        .annotate(n=Count("*"))
    )
    found: dict[str, dict[str, int]] = {}
    for mode, key, n in rows:
        found.setdefault(mode, {})[key] = n
    return found


def median_completion_seconds(*, survey: Survey) -> float | None:
    """The median time from start to submission of the survey's complete responses
    (test runs and imports aside), in seconds; None with none."""
    table = connection.ops.quote_name(Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "  # noqa: S608
            f"EXTRACT(EPOCH FROM completed_at - started_at)) FROM {table} "
            "WHERE survey_id = %s AND status = %s AND NOT is_test AND source = %s",
            [survey.pk, Response.Status.COMPLETE.value, Response.Source.COLLECTED.value],
        )
        row = cursor.fetchone()
    return None if not row or row[0] is None else float(row[0])
