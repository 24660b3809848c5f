"""Rederiving the NS-SEC classes of complete responses after a change to the
derivation, in batches, tallies rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from seb.derivation import DERIVATION_KEYS, NSSEC, derive

from ..models import (
    Response,
    Survey,
)
from .bulk import BATCH_SIZE
from .tallies import tallies_rebuild


@dataclass(frozen=True, slots=True)
class RederiveResult:
    examined: int
    changed: int
    batches: int


def responses_rederive(
    *, survey: Survey | None = None, batch_size: int = BATCH_SIZE
) -> RederiveResult:
    """Derive nssec5 and nssec3 again for every complete response (of one survey, or
    all), and count a changed survey's tallies again.

    One transaction per survey, holding its changed responses and its tallies
    together (a complete response has no other writer, so its lock stops nobody);
    within it, batches follow the primary key. A run stopped part way leaves the
    survey as it was, to be run again.
    """
    surveys = Survey.objects.order_by("pk") if survey is None else [survey]
    memo: dict[tuple[str | None, ...], NSSEC] = {}
    examined = changed = batches = 0
    for each in surveys:
        with transaction.atomic():
            result = _survey_rederive(each, batch_size, memo)
            if result.changed:
                tallies_rebuild(survey=each)
        examined += result.examined
        changed += result.changed
        batches += result.batches
    return RederiveResult(examined=examined, changed=changed, batches=batches)


def _survey_rederive(
    survey: Survey, batch_size: int, memo: dict[tuple[str | None, ...], NSSEC]
) -> RederiveResult:
    responses = Response.objects.filter(survey=survey, status=Response.Status.COMPLETE)
    examined = changed = batches = 0
    last = None
    while True:
        page = responses.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(
            page.select_for_update(of=("self",)).values_list(
                "pk", *DERIVATION_KEYS, "nssec5", "nssec3"
            )[:batch_size]
        )
        if not rows:
            break
        batches += 1
        examined += len(rows)
        last = rows[-1][0]
        stale = []
        for pk, *rest in rows:
            codes, stored = tuple(rest[:-2]), tuple(rest[-2:])
            if codes not in memo:
                answers = {k: c for k, c in zip(DERIVATION_KEYS, codes, strict=True) if c}
                memo[codes] = derive(answers)
            derived = memo[codes]
            if stored != (derived.nssec5, derived.nssec3):
                stale.append(Response(pk=pk, nssec5=derived.nssec5, nssec3=derived.nssec3))
        Response.objects.bulk_update(stale, ["nssec5", "nssec3"], batch_size=1000)
        changed += len(stale)
    return RederiveResult(examined=examined, changed=changed, batches=batches)
