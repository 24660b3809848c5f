"""Deriving NS-SEC again for stored responses, in batches (the `rederive` command).

A complete response's classes depend only on four answers, so each batch is
read as those answer ids, derived once per distinct combination, and only the
responses whose stored classes differ are written back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.db import transaction

from surveys.models import Response, Survey
from surveys.options import OptionIndex, option_index

from .derivation import NSSEC, derive

DEFAULT_BATCH_SIZE: Final = 10_000
DERIVATION_KEYS: Final = (
    "earner_employment_status",
    "self_employed_size",
    "supervisor",
    "earner_occupation",
)


@dataclass(frozen=True, slots=True)
class RederiveResult:
    examined: int
    changed: int
    batches: int


def _derived(index: OptionIndex, option_ids: tuple[int | None, ...]) -> NSSEC:
    answers = {
        key: index.code_for(option_id)
        for key, option_id in zip(DERIVATION_KEYS, option_ids, strict=True)
        if option_id is not None
    }
    return derive(answers)


def rederive_responses(
    *, survey: Survey | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> RederiveResult:
    """Derive nssec5 and nssec3 again for every complete response (of one survey, or all).

    Batches follow the primary key, each in its own transaction, so a long run
    never holds many rows locked and may be stopped and run again safely.
    """
    responses = Response.objects.filter(status=Response.Status.COMPLETE)
    if survey is not None:
        responses = responses.filter(survey=survey)
    columns = ("pk", "standard__version", *(f"{key}_id" for key in DERIVATION_KEYS))
    indexes: dict[str, OptionIndex] = {}
    memo: dict[tuple[str, tuple[int | None, ...]], NSSEC] = {}
    examined = changed = batches = 0
    last = None
    while True:
        page = responses.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        with transaction.atomic():
            rows = list(
                page.select_for_update(of=("self",)).values_list(*columns, "nssec5", "nssec3")[
                    :batch_size
                ]
            )
            if not rows:
                break
            batches += 1
            examined += len(rows)
            last = rows[-1][0]
            stale = []
            for pk, version, *rest in rows:
                option_ids, (nssec5, nssec3) = tuple(rest[:-2]), rest[-2:]
                key = (version, option_ids)
                if key not in memo:
                    index = indexes.get(version) or indexes.setdefault(
                        version, option_index(version)
                    )
                    memo[key] = _derived(index, option_ids)
                derived = memo[key]
                if (nssec5, nssec3) != (derived.nssec5, derived.nssec3):
                    stale.append(Response(pk=pk, nssec5=derived.nssec5, nssec3=derived.nssec3))
            Response.objects.bulk_update(stale, ["nssec5", "nssec3"], batch_size=1000)
            changed += len(stale)
    return RederiveResult(examined=examined, changed=changed, batches=batches)
