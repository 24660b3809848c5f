"""The mail-merge file with the sample's names and addresses: the codes file
(`surveys.fieldwork.codes_file`) as it is handed over, each row given its case's `name` and
`address` (docs/guides/fieldwork.md).

Names and addresses are personal data: they are added only when the survey's
manager asks for them on the download form, read from the cases as the file is
streamed (a batch of references at a time), and the download's audit record says so.
A case whose contact details were deleted gets empty cells.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice
from typing import IO, Final

from seb.safe_text import FORMULA_TRIGGERS, CsvWriter

from ..models import Case, Survey

CONTACT_COLUMNS: Final = ("name", "address")
BATCH: Final = 2_000


def _reference(cell: str) -> str:
    """The case's reference, as the file guarded it against formulas."""
    if cell.startswith("'") and cell[1:2] in FORMULA_TRIGGERS and cell[1:2]:
        return cell[1:]
    return cell


def codes_with_contacts(stream: IO[bytes], *, survey: Survey) -> Iterator[bytes]:
    """The codes file read from `stream`, with a name and an address column, in pieces."""
    rows = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
    out = io.StringIO()
    # The file's own cells are guarded already; guarding them again leaves them as they are.
    writer = CsvWriter(out)
    header = next(rows, None)
    if header is None:
        return
    writer.writerow([*header, *CONTACT_COLUMNS])
    while batch := list(islice(rows, BATCH)):
        references = [_reference(row[0]) for row in batch if row]
        found = {
            reference: (name, address)
            for reference, name, address in Case.objects.filter(
                survey=survey, reference__in=references
            ).values_list("reference", "name", "address")
        }
        for row in batch:
            name, address = found.get(_reference(row[0]), ("", "")) if row else ("", "")
            writer.writerow([*row, name, address])
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")
