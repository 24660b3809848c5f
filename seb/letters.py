"""Letters to cases, laid out for printing: one A4 page per case, its name and
address where a window envelope (DL or C5, left window) shows them, and a letter
giving the survey's address, the case's access code and personal link, and how to
reach the survey team; and the print supplier's rows (one per letter).

Pure: the caller gives each letter's text (`Letter`) and writes the bytes. A PDF
holds its pages in memory until it is written, so a caller printing many letters
makes several PDFs of at most `PAGES_PER_PDF` pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fpdf import FPDF

PAGES_PER_PDF: Final = 2_000
# A UK postcode (the Royal Mail's pattern, spaces optional).
POSTCODE: Final = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)
# A font with every Latin, Greek and Cyrillic letter, when the machine has it;
# otherwise Helvetica, which has Latin-1 only (other letters print as "?").
FONT_FILE: Final = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD_FILE: Final = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# Where the address goes (mm from the page's top left): a DL/C5 left window is
# 20 mm from the left and 45 mm from the top, 90 mm by 45 mm.
WINDOW_LEFT: Final = 25.0
WINDOW_TOP: Final = 50.0
WINDOW_WIDTH: Final = 85.0
LETTER_COLUMNS: Final = (
    "reference",
    "name",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "address_line_5",
    "postcode",
    "access_code",
    "link",
)
ADDRESS_LINES: Final = 5


@dataclass(frozen=True, slots=True)
class Letter:
    reference: str
    name: str
    address: str
    access_code: str
    link: str
    survey_name: str
    organisation: str
    survey_address: str
    contact: str
    body: str


def address_split(address: str) -> tuple[list[str], str]:
    """An address as given (lines, or parts separated by commas) as its lines and its
    postcode (upper case, one space; empty when none is found)."""
    parts = [part.strip() for part in re.split(r"[\n\r,]+", address) if part.strip()]
    postcode = ""
    for index in range(len(parts) - 1, -1, -1):
        match = POSTCODE.search(parts[index])
        if match:
            postcode = f"{match.group(1)} {match.group(2)}".upper()
            rest = (parts[index][: match.start()] + parts[index][match.end() :]).strip()
            parts[index : index + 1] = [rest] if rest else []
            break
    return parts, postcode


def supplier_row(letter: Letter) -> list[str]:
    """The print supplier's row for `letter` (LETTER_COLUMNS)."""
    lines, postcode = address_split(letter.address)
    if len(lines) > ADDRESS_LINES:
        lines = [*lines[: ADDRESS_LINES - 1], ", ".join(lines[ADDRESS_LINES - 1 :])]
    lines += [""] * (ADDRESS_LINES - len(lines))
    return [letter.reference, letter.name, *lines, postcode, letter.access_code, letter.link]


class _Document:
    def __init__(self) -> None:
        self.pdf = FPDF(orientation="P", unit="mm", format="A4")
        self.pdf.set_auto_page_break(auto=False)
        self.pdf.set_margins(25, 20, 20)
        self.pdf.set_title("Letters")
        if FONT_FILE.exists() and FONT_BOLD_FILE.exists():
            self.pdf.add_font("body", "", str(FONT_FILE))
            self.pdf.add_font("body", "B", str(FONT_BOLD_FILE))
            self.font = "body"
            self.unicode = True
        else:
            self.font = "helvetica"
            self.unicode = False

    def text(self, value: str) -> str:
        if self.unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def page(self, letter: Letter) -> None:
        pdf = self.pdf
        pdf.add_page()
        pdf.set_font(self.font, "B", 12)
        pdf.set_xy(25, 20)
        pdf.cell(0, 6, self.text(letter.organisation or letter.survey_name))
        pdf.set_font(self.font, "", 9)
        pdf.set_xy(25, 27)
        pdf.cell(0, 5, self.text(f"Reference: {letter.reference}"))
        lines, postcode = address_split(letter.address)
        pdf.set_font(self.font, "", 11)
        pdf.set_xy(WINDOW_LEFT, WINDOW_TOP)
        for line in [letter.name, *lines, postcode]:
            if line:
                pdf.set_x(WINDOW_LEFT)
                pdf.cell(WINDOW_WIDTH, 5.5, self.text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.set_xy(25, 105)
        pdf.set_font(self.font, "B", 14)
        pdf.multi_cell(
            160, 7, self.text(letter.survey_name), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(3)
        pdf.set_font(self.font, "", 11)
        pdf.multi_cell(160, 5.5, self.text(letter.body), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(self.font, "B", 16)
        pdf.cell(
            0, 9, self.text(f"Access code: {letter.access_code}"), new_x="LMARGIN", new_y="NEXT"
        )
        if letter.contact:
            pdf.set_xy(25, 262)
            pdf.set_font(self.font, "", 9)
            pdf.multi_cell(160, 4.5, self.text(letter.contact), align="L")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def letters_pdf(letters: Iterable[Letter]) -> bytes:
    """One A4 page per letter, as a PDF (keep to PAGES_PER_PDF letters a call)."""
    document = _Document()
    for letter in letters:
        document.page(letter)
    return document.output()
