"""A streaming reader of an XLSX workbook's first sheet, in bounded memory.

The workbook is a zip of XML parts. Before anything is unpacked, each part's
declared size and compression ratio are checked (a zip bomb is refused unread);
the shared strings, then the sheet, are unpacked and parsed as a stream with
Python's expat parser, which is told to refuse any document type declaration
(so no entity can expand) and whose nesting depth, cell length and cells per
row are counted as it goes. Only one row, and the shared strings within their
limit, are ever held.

Each refusal is a `FileProblem` that names the limit broken.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any, Final
from xml.parsers import expat

from . import FileProblem, Limits, cell_too_long

CHUNK: Final = 64 * 1024
SHARED_STRINGS: Final = "xl/sharedStrings.xml"
UNREADABLE: Final = "The file is not an Excel workbook (.xlsx) that can be opened"
MAX_ROWS: Final = 1_048_576
XML_REFUSED: Final = (
    "The workbook holds XML this service does not read (a document type declaration)"
)


def _refuse_declarations(*_: Any) -> None:
    raise FileProblem(XML_REFUSED)


def _parser() -> Any:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _size_in_words(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def _open_part(archive: zipfile.ZipFile, name: str, limit: int, limits: Limits) -> IO[bytes]:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise FileProblem(f"{UNREADABLE}: it has no part {name}") from None
    if info.file_size > 1024 * 1024 and info.file_size > limits.compression_ratio * max(
        info.compress_size, 1
    ):
        raise FileProblem(
            f"The workbook's part {name} is compressed more than {limits.compression_ratio} "
            "times, which no real spreadsheet is: the file may be a zip bomb"
        )
    if info.file_size > limit:
        raise FileProblem(
            f"The workbook's part {name} unpacks to {_size_in_words(info.file_size)}, more than "
            f"the {_size_in_words(limit)} this service reads"
        )
    # zipfile itself stops if a part unpacks to more than its declared size.
    return archive.open(name)


def _feed(parser: Any, part: IO[bytes], limit: int) -> Iterator[None]:
    """Feed a part to the parser a chunk at a time, yielding after each chunk."""
    total = 0
    try:
        while data := part.read(CHUNK):
            total += len(data)
            if total > limit:
                raise FileProblem(
                    f"A part of the workbook unpacks to more than its limit ({limit:,} bytes)"
                )
            parser.Parse(data, False)
            yield
        parser.Parse(b"", True)
        yield
    except expat.ExpatError as error:
        raise FileProblem(f"{UNREADABLE}: its XML is damaged ({error})") from None
    except (zipfile.BadZipFile, OSError, EOFError):
        raise FileProblem(UNREADABLE) from None


def _local(tag: str) -> str:
    return tag.rpartition(":")[2] if ":" in tag else tag


class _Depth:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.level = 0

    def enter(self) -> None:
        self.level += 1
        if self.level > self.limit:
            raise FileProblem(
                f"The workbook's XML is nested more than {self.limit} levels deep, which no "
                "real spreadsheet is"
            )

    def leave(self) -> None:
        self.level -= 1


def _shared_strings(archive: zipfile.ZipFile, limits: Limits) -> list[str]:
    if SHARED_STRINGS not in archive.namelist():
        return []
    strings: list[str] = []
    text: list[str] = []
    state = {"in_t": False, "phonetic": 0, "characters": 0}
    depth = _Depth(limits.xml_depth)

    def start(tag: str, attrs: dict[str, str]) -> None:
        depth.enter()
        tag = _local(tag)
        if tag == "t" and not state["phonetic"]:
            state["in_t"] = True
        elif tag == "rPh":
            state["phonetic"] += 1
        elif tag == "si":
            text.clear()

    def end(tag: str) -> None:
        depth.leave()
        tag = _local(tag)
        if tag == "t":
            state["in_t"] = False
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "si":
            value = "".join(text)
            state["characters"] += len(value)
            if state["characters"] > limits.shared_strings_bytes:
                raise FileProblem(
                    "The workbook's shared text is longer than "
                    f"{_size_in_words(limits.shared_strings_bytes)}, which this service reads"
                )
            strings.append(value)

    def characters(data: str) -> None:
        if state["in_t"]:
            text.append(data)
            if sum(map(len, text)) > limits.cell_characters:
                # Kept as a marker: a cell that uses it is refused (text too long).
                text[:] = ["\x00" * (limits.cell_characters + 1)]

    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    with _open_part(archive, SHARED_STRINGS, limits.shared_strings_bytes * 4, limits) as part:
        for _ in _feed(parser, part, limits.shared_strings_bytes * 4):
            pass
    return strings


def _first_sheet(archive: zipfile.ZipFile) -> str:
    """The first worksheet's part, in workbook order (through the relationships)."""
    try:
        relationships = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except KeyError:
        return "xl/worksheets/sheet1.xml"
    targets: dict[str, str] = dict(re.findall(r'Id="([^"]+)"[^>]*?Target="([^"]+)"', relationships))
    targets.update(
        {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*?Id="([^"]+)"', relationships)}
    )
    for relation in re.findall(r'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"', workbook):
        target = targets.get(str(relation))
        if target:
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    raise FileProblem("The workbook has no sheets")


_COLUMNS: dict[str, int] = {}


def _column(reference: str, row: int) -> int:
    letters = reference.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters.upper():
            if not "A" <= char <= "Z":
                raise FileProblem(f"{UNREADABLE}: a cell reference is damaged", line=row)
            index = index * 26 + ord(char) - 64
        index -= 1
        if len(_COLUMNS) < 1000:
            _COLUMNS[letters] = index
    return index


def xlsx_rows(stream: IO[bytes], *, limits: Limits) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(row number, cells as text) for every row of the first sheet, blank rows too.

    Numbers come as their text ("1", "2.5"), booleans as TRUE or FALSE.
    """
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise FileProblem(UNREADABLE) from None
    with archive:
        strings = _shared_strings(archive, limits)
        sheet = _first_sheet(archive)
        done: list[tuple[int, tuple[str, ...]]] = []
        row: list[str] = []
        text: list[str] = []
        parts: list[str] = []
        state: dict[str, Any] = {"row": 0, "column": -1, "type": "n", "phonetic": 0}
        depth = _Depth(limits.xml_depth)
        cells_limit = limits.cells_per_line

        def too_many_cells(number: int) -> FileProblem:
            return FileProblem(
                f"The row has more than {cells_limit} cells: a line of the interchange format "
                f"has at most {cells_limit}",
                line=number,
            )

        def start(tag: str, attrs: dict[str, str]) -> None:
            depth.enter()
            tag = _local(tag)
            if tag == "c":
                reference = attrs.get("r")
                column = _column(reference, state["row"]) if reference else state["column"] + 1
                if column >= cells_limit:
                    raise too_many_cells(state["row"])
                state["column"] = column
                state["type"] = attrs.get("t", "n")
                parts.clear()
                text.clear()
            elif tag in ("t", "v"):
                text.clear()
            elif tag == "row":
                reference = attrs.get("r")
                number = int(reference) if reference and reference.isdigit() else state["row"] + 1
                if number <= state["row"] or number > MAX_ROWS:
                    raise FileProblem(f"{UNREADABLE}: its rows are out of order", line=number)
                while state["row"] < number - 1:
                    state["row"] += 1
                    done.append((state["row"], ()))
                state["row"] = number
                state["column"] = -1
                row.clear()
                text.clear()
            elif tag == "rPh":
                state["phonetic"] += 1

        def end(tag: str) -> None:
            depth.leave()
            tag = _local(tag)
            if tag in ("t", "v"):
                if not state["phonetic"]:
                    parts.append("".join(text))
            elif tag == "c":
                value = parts[0] if len(parts) == 1 else "".join(parts)
                kind = state["type"]
                if kind == "s":
                    index = int(value) if value.isdigit() else -1
                    if not 0 <= index < len(strings):
                        raise FileProblem(
                            f"{UNREADABLE}: a cell's text is missing", line=state["row"]
                        )
                    value = strings[index]
                elif kind == "b":
                    value = "TRUE" if value == "1" else "FALSE"
                if len(value) > limits.cell_characters:
                    raise cell_too_long(state["row"], state["column"] + 1, limits)
                present = len(row)
                if state["column"] < present:
                    raise FileProblem(
                        f"{UNREADABLE}: its cells are out of order", line=state["row"]
                    )
                if state["column"] > present:
                    row.extend([""] * (state["column"] - present))
                row.append(value)
            elif tag == "row":
                done.append((state["row"], tuple(row)))
            elif tag == "rPh":
                state["phonetic"] -= 1

        parser = _parser()
        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = text.append
        with _open_part(archive, sheet, limits.part_bytes, limits) as part:
            for _ in _feed(parser, part, limits.part_bytes):
                # Text can only grow by about one chunk between these checks.
                if sum(map(len, text)) > limits.cell_characters or (
                    sum(map(len, parts)) > limits.cell_characters
                ):
                    raise cell_too_long(state["row"], state["column"] + 1, limits)
                if done:
                    yield from done
                    done.clear()
