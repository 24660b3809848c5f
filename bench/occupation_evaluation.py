"""The occupation coder's evaluation set, built reproducibly from documented sources.

Four parts (docs/benchmarks/occupation.md describes each):

- `generated`: index entries written as people type them. Entries with a unit group are
  drawn with a seeded generator; each is rendered from its natural-word-order title and
  its qualifiers (what was done or made, the industry) the way people add them ("...
  in ...", in front, after a comma), then passed through a perturbation model with stated
  rates: letter case, one spelling slip (a swap, a dropped, doubled or neighbouring key)
  in one word of five letters or more, a plural, the common abbreviations, extra words
  (seniority, contract, "self employed"), the index's comma word order. Split in two by
  the same seed: `tune` (for choosing the threshold and calibration) and `test` (held
  out, reported).
- `typed`: bench/occupation/typed_titles.csv, realistic typed titles written by hand with
  their expected SOC 2020 unit group (checked against the coding index by hand), also
  held out.
- `related`: bench/occupation/related_job_titles.csv, the "related job titles" SOC 2020
  Volume 1 lists under each unit group (2,091): ONS's own titles from a source other than
  the index, labelled with the unit group they are listed under. Held out.
- `ambiguous`: bare titles the index itself cannot settle: every index title with no
  entry of its own (or a "see notes" one) whose entries span several unit groups.
- `non_answers`: bench/occupation/non_answers.txt.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from random import Random

from seb.occupation.data import IndexEntry, coding_index

HERE = Path(__file__).resolve().parent / "occupation"
SEED = 20260407
GENERATED_PER_HALF = 3500

# The perturbation model's rates (each applied independently to a title).
RATES = {
    "lower_case": 0.55,  # "care assistant"; else as written (0.35) or upper case (0.10)
    "upper_case": 0.10,
    "spelling_slip": 0.25,
    "plural": 0.10,
    "abbreviation": 0.50,  # of titles holding a word people abbreviate
    "extra_words": 0.15,
    "comma_order": 0.10,
}
ABBREVIATE = {
    "manager": ("mgr", "mngr"),
    "assistant": ("asst",),
    "senior": ("snr", "sr"),
    "junior": ("jnr",),
    "technician": ("tech",),
    "engineer": ("eng", "engr"),
    "administrator": ("admin",),
    "administrative": ("admin",),
    "supervisor": ("supvr",),
    "department": ("dept",),
    "maintenance": ("maint",),
    "coordinator": ("coord",),
    "co-ordinator": ("coord",),
    "director": ("dir",),
    "representative": ("rep",),
    "manufacturing": ("mfg",),
}
EXTRA_WORDS = ("senior", "self employed", "part time", "trainee", "retired", "former")
NEIGHBOURS = {
    "a": "qsz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh",
    "h": "gj", "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm",
    "o": "ip", "p": "o", "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi",
    "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    expected: str  # SOC 2020 unit group, "" where none is right
    part: str
    source: str  # the index entry or the file line it came from


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[:;,()]", " ", text)).strip()


def _render(entry: IndexEntry, random: Random) -> str:
    title = entry.title
    if RATES["comma_order"] > random.random() and " " in title:
        head, _, rest = title.rpartition(" ")
        title = f"{rest}, {head}"
    parts = [title]
    if entry.add:
        add = _clean(entry.add.replace("nos", ""))
        if add:
            parts = [add, title] if random.random() < 0.5 else [title, add]
    if entry.ind:
        ind = _clean(entry.ind)
        form = random.random()
        if form < 0.4:
            parts = [*parts, "in", ind]
        elif form < 0.7:
            parts = [ind, *parts]
        else:
            parts = [*parts, ",", ind]
    return " ".join(parts).replace(" ,", ",")


def _slip(word: str, random: Random) -> str:
    i = random.randrange(1, len(word) - 1)
    kind = random.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    near = NEIGHBOURS.get(word[i].lower())
    return word[:i] + random.choice(near) + word[i + 1 :] if near else word


def perturb(text: str, random: Random) -> str:
    words = text.split(" ")
    if RATES["abbreviation"] > random.random():
        words = [
            random.choice(ABBREVIATE[w.lower()]) if w.lower() in ABBREVIATE else w for w in words
        ]
    if RATES["spelling_slip"] > random.random():
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if long:
            i = random.choice(long)
            words[i] = _slip(words[i], random)
    if RATES["plural"] > random.random() and words[-1].isalpha():
        words[-1] += "s"
    if RATES["extra_words"] > random.random():
        words.insert(0, random.choice(EXTRA_WORDS))
    typed = " ".join(words)
    case = random.random()
    if case < RATES["lower_case"]:
        return typed.lower()
    if case < RATES["lower_case"] + RATES["upper_case"]:
        return typed.upper()
    return typed


def _typeable(entry: IndexEntry) -> bool:
    return bool(entry.soc2020) and len(entry.title) > 3 and not entry.title[-1].isdigit()


def generated() -> tuple[list[Item], list[Item]]:
    """(tune, test): index entries as typed, split in two halves by the seed."""
    random = Random(SEED)
    entries = [e for e in coding_index() if _typeable(e)]
    chosen = random.sample(entries, 2 * GENERATED_PER_HALF)
    halves: tuple[list[Item], list[Item]] = ([], [])
    for i, entry in enumerate(chosen):
        source = " | ".join(x for x in (entry.title, entry.add, entry.ind) if x)
        item = Item(perturb(_render(entry, random), random), entry.soc2020, "", source)
        half = i % 2
        halves[half].append(Item(item.text, item.expected, ("tune", "test")[half], source))
    return halves


def typed() -> list[Item]:
    with (HERE / "typed_titles.csv").open(encoding="utf-8", newline="") as f:
        rows = [row for row in csv.DictReader(f) if row["title"].strip()]
    return [Item(row["title"], row["soc2020"], "typed", row["note"]) for row in rows]


def related() -> list[Item]:
    with (HERE / "related_job_titles.csv").open(encoding="utf-8", newline="") as f:
        return [
            Item(row["title"], row["soc2020"], "related", "SOC 2020 Volume 1")
            for row in csv.DictReader(f)
        ]


def ambiguous() -> list[Item]:
    """Bare titles the index cannot settle: no coded entry without a qualifier, or a
    "see notes" one, and entries in several unit groups."""
    by_title: dict[str, list[IndexEntry]] = {}
    for entry in coding_index():
        by_title.setdefault(entry.title, []).append(entry)
    out = []
    for title, entries in by_title.items():
        plain = [e for e in entries if not e.add and not e.ind]
        groups = {e.soc2020 for e in entries if e.soc2020}
        settled = any(e.soc2020 for e in plain) and not any(not e.soc2020 for e in plain)
        if not settled and len(groups) > 1 and len(title) > 3:
            out.append(Item(title.lower(), "", "ambiguous", f"{len(groups)} unit groups"))
    return out


def non_answers() -> list[Item]:
    lines = (HERE / "non_answers.txt").read_text(encoding="utf-8").splitlines()
    return [Item(line, "", "non_answer", "") for line in lines if line.strip()]
