"""Build the occupation coder's compact data from the ONS files, or check it against them.

    python scripts/build_occupation_data.py --source DIR [--check]

Reads SOC 2020 Volume 1 (unit group titles, and the related job titles the benchmark
uses), SOC 2020 Volume 2 (the coding index) and the NS-SEC 2010 derivation tables (Tables
7 to 10) from DIR (the three ONS files as published, named as seb/occupation/data/README.md
lists), and writes the CSV files in seb/occupation/data/ and bench/occupation/. With
--check it writes nothing and fails if any vendored file differs from what the ONS files
give, cell for cell.

Reading the .xls tables needs xlrd (a development dependency only: the product reads the
CSV files).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import openpyxl
import xlrd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seb.occupation.nssec import COLUMNS, TABLE_FILES, Method  # noqa: E402

DATA = ROOT / "seb" / "occupation" / "data"
BENCH = ROOT / "bench" / "occupation"


VOLUME1 = "soc2020volume1structureanddescriptionofunitgroupsexcel16042025.xlsx"
VOLUME2 = "soc2020volume2thecodingindexexcel16042025.xlsx"
NSSEC = "nssec2010derivationtablesamendedjanuary2013.xls"

# The ONS workbook's sheet for each vendored table; the columns are the methods' own.
NSSEC_SHEETS = {
    "nssec2010_table7.csv": ("nssec full op cats v2", Method.FULL),
    "nssec2010_table8.csv": ("nssec full ac.v2", Method.FULL),
    "nssec2010_table9.csv": ("nssec red op cats v2", Method.REDUCED),
    "nssec2010_table10.csv": ("nssec red ac v2", Method.REDUCED),
}
UNCODED = "}}}}"


def _code(value: object) -> str:
    """An ONS cell as the code it stands for: 3.1 (read as a float) is "3.1", 2.0 is "2"."""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).strip()


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def coding_index(source: Path) -> str:
    book = openpyxl.load_workbook(source / VOLUME2, read_only=True)
    rows = book["SOC2020 coding index"].iter_rows(values_only=True)
    header = next(rows)
    at = {name: i for i, name in enumerate(header)}
    out: list[tuple[str, ...]] = []
    for row in rows:
        soc2020 = _code(row[at["SOC_2020"]])
        soc2010 = _code(row[at["SOC_2010"]])
        # "}}}}" (see the notes) is kept with no code: it tells the coder that the
        # title alone is not enough.
        out.append(
            (
                "" if soc2020 == UNCODED else soc2020,
                "" if soc2010 == UNCODED else soc2010,
                _code(row[at["D"]] or ""),
                _code(row[at["INDEXOCC_-_natural_word_order"]]),
                _code(row[at["ADD"]] or ""),
                _code(row[at["IND"]] or ""),
            )
        )
    return _csv(("soc2020", "soc2010", "default", "title", "add", "ind"), out)


def unit_groups(source: Path) -> str:
    book = openpyxl.load_workbook(source / VOLUME1, read_only=True)
    rows = book["SOC2020 descriptions"].iter_rows(values_only=True)
    next(rows)
    out = []
    for row in rows:
        code = _code(row[3])
        if code.isdigit() and len(code) == 4:
            out.append((code, _code(row[4])))
    return _csv(("soc2020", "title"), out)


def unit_group_descriptions(source: Path) -> str:
    """Volume 1's description of each unit group: the coding queue's search reads it."""
    book = openpyxl.load_workbook(source / VOLUME1, read_only=True)
    rows = book["SOC2020 descriptions"].iter_rows(values_only=True)
    next(rows)
    out = []
    for row in rows:
        code = _code(row[3])
        if code.isdigit() and len(code) == 4:
            out.append((code, " ".join(_code(row[6] or "").split())))
    return _csv(("soc2020", "description"), out)


def related_titles(source: Path) -> str:
    """Volume 1's "related job titles" of each unit group: the benchmark's titles from a
    source other than the index."""
    book = openpyxl.load_workbook(source / VOLUME1, read_only=True)
    rows = book["SOC2020 descriptions"].iter_rows(values_only=True)
    next(rows)
    out = []
    for row in rows:
        code, related = _code(row[3]), _code(row[9] or "")
        if code.isdigit() and len(code) == 4 and related != "<blank>":
            out += [(title.strip(), code) for title in related.split("~") if title.strip()]
    return _csv(("title", "soc2020"), out)


def nssec_tables(source: Path) -> dict[str, str]:
    assert set(NSSEC_SHEETS) == {name for pair in TABLE_FILES.values() for name in pair}
    book = xlrd.open_workbook(str(source / NSSEC))
    files = {}
    for name, (sheet_name, method) in NSSEC_SHEETS.items():
        columns = COLUMNS[method]
        sheet = book.sheet_by_name(sheet_name)
        out = []
        for i in range(5, sheet.nrows):
            values = sheet.row_values(i)
            out.append(tuple(_code(v) for v in values[: 3 + len(columns)]))
        files[name] = _csv(("soc2010", "title", "simplified", *columns), out)
    return files


def build(source: Path) -> dict[Path, str]:
    return {
        DATA / "coding_index.csv": coding_index(source),
        DATA / "unit_groups.csv": unit_groups(source),
        DATA / "unit_group_descriptions.csv": unit_group_descriptions(source),
        **{DATA / name: text for name, text in nssec_tables(source).items()},
        BENCH / "related_job_titles.csv": related_titles(source),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="the ONS files' folder")
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    missing = [name for name in (VOLUME1, VOLUME2, NSSEC) if not (args.source / name).exists()]
    if missing:
        print(f"{args.source} lacks {', '.join(missing)}", file=sys.stderr)
        return 2
    files = build(args.source)
    differ = []
    for path, text in files.items():
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                differ.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10)) - 1} rows)")
    if differ:
        print("differ from the ONS files: " + ", ".join(differ), file=sys.stderr)
        return 1
    if args.check:
        print(f"{len(files)} files match the ONS files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
