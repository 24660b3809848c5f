"""The occupation output table: self-coded NS-SEC by full NS-SEC (an addition beyond the
harmonised standard, for surveys that ask for the job title).

Rows are the standard's self-coded 5 classes (`Response.nssec5`, with "not working"
and "don't know or prefer not to say"); columns the 8 analytic classes of the full
NS-SEC derived from the coded job title (`JobTitle.nssec8`), then "Not coded": a
response with no job title, a title not (yet) coded, or a unit group the employment
answers place nowhere. Its base is every complete response in the selection, as the
standard's tables' is, so its grand total is their total.
"""

from __future__ import annotations

from typing import Final

from ..crosstab import CrossSpec
from ..derivation import NSSEC5_LABELS
from .nssec import NSSEC8_LABELS

SELF_BY_FULL_KEY: Final = "nssec5_by_nssec8"
NOT_CODED: Final = "Not coded"

SELF_BY_FULL: Final = CrossSpec(
    key=SELF_BY_FULL_KEY,
    title=(
        "Self-coded NS-SEC 5-class by full NS-SEC 8-class from the job title of the main "
        "or highest income earner when the respondent was aged about 14"
    ),
    sheet="NS-SEC_self_by_full",
    row_heading="Self-coded NS-SEC (5 classes)",
    column_heading="Full NS-SEC from the job title (8 classes)",
    rows=tuple(NSSEC5_LABELS.items()),
    columns=(
        *((code, f"{code}. {label}") for code, label in NSSEC8_LABELS.items()),
        (None, NOT_CODED),
    ),
    description=(
        "This table is an addition beyond the harmonised standard. Its rows are the "
        "standard's self-coded NS-SEC; its columns are the full NS-SEC analytic classes "
        "derived from the job title the survey also asked for, coded to a SOC 2020 unit "
        "group and through its SOC 2010 unit group to the ONS NS-SEC 2010 derivation "
        "tables with the employment answers. “Not coded” counts the responses without a "
        "coded job title: not asked (not working, or the occupation question not on "
        "their route), no title given, or a title not coded yet. Every complete "
        "response in the selection is counted once."
    ),
)
