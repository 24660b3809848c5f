"""The phone numbers a sample load added, classified (`seb.phones`): each case's
`phone_mobile` set, and the landlines counted for the load's report (kept for calls,
never sent a text message). The numbers were already checked line by line (an
invalid one is a problem in the file), so here each is a mobile or not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from seb.phones import phone_classify

from ..models import Case, SampleLoad

BATCH: Final = 5_000
LANDLINES_LISTED: Final = 10


@dataclass
class PhoneCheck:
    mobiles: int = 0
    landlines: int = 0
    # The first few landlines' case references, for the load's report.
    landline_references: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        return {
            "mobiles": self.mobiles,
            "landlines": self.landlines,
            "landline_references": self.landline_references,
        }


def load_phones_classify(load: SampleLoad) -> PhoneCheck:
    """Mark the load's cases with a mobile number; count those with another number.
    A batch of cases at a time (bounded memory), one UPDATE a batch."""
    check = PhoneCheck()
    cases = Case.objects.filter(sample_load=load).exclude(phone="").order_by("pk")
    last = 0
    while batch := list(cases.filter(pk__gt=last).values_list("pk", "reference", "phone")[:BATCH]):
        last = batch[-1][0]
        mobiles = []
        for pk, reference, phone in batch:
            if phone_classify(phone).mobile:
                mobiles.append(pk)
                continue
            check.landlines += 1
            if len(check.landline_references) < LANDLINES_LISTED:
                check.landline_references.append(reference)
        check.mobiles += len(mobiles)
        Case.objects.filter(pk__in=mobiles).update(phone_mobile=True)
    return check
