"""Job titles as people type them, reduced to the tokens the index is matched on.

The same steps run on the coding index's titles and qualifiers and on what a respondent
typed, so whatever a step does (a plural cut, an abbreviation spelt out) both sides agree:
case, accents and punctuation go; `&` is `and`; abbreviations are spelt out; plurals are
cut to the singular; words that say nothing about the job (`the`, `of`) go. Misspellings
and run-together words are mended against the index's own words in `seb.occupation.index`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

# Spelt out on both sides. Several tokens for one word where people write it several
# ways; "mfr" is the index's own abbreviation, so the long forms are brought to it.
ABBREVIATIONS: Final = {
    "mgr": "manager",
    "mngr": "manager",
    "mgmt": "management",
    "asst": "assistant",
    "assistnt": "assistant",
    "snr": "senior",
    "sr": "senior",
    "jnr": "junior",
    "jr": "junior",
    "engr": "engineer",
    "eng": "engineer",
    "engnr": "engineer",
    "tech": "technician",
    "techn": "technician",
    "supt": "superintendent",
    "supvr": "supervisor",
    "supv": "supervisor",
    "insp": "inspector",
    "maint": "maintenance",
    "dept": "department",
    "govt": "government",
    "gov": "government",
    "exec": "executive",
    "dir": "director",
    "coord": "coordinator",
    "co-ordinator": "coordinator",
    "admin": "administration",
    "administrative": "administration",
    "elec": "electrical",
    "mech": "mechanical",
    "cust": "customer",
    "svc": "service",
    "serv": "service",
    "rep": "representative",
    "sec": "secretary",
    "uni": "university",
    "sch": "school",
    "prof": "professional",
    "op": "operator",
    "opr": "operator",
    "oper": "operator",
    "ops": "operations",
    "nat": "national",
    "intl": "international",
    "dev": "developer",
    "advisor": "adviser",
    "devt": "development",
    "mfg": "mfr",
    "manufacturing": "mfr",
    "manufacture": "mfr",
    "manufacturer": "mfr",
    "manufacturers": "mfr",
    "maths": "mathematics",
    "math": "mathematics",
    "men": "man",
    "women": "woman",
}
# Abbreviations that stand for several words.
PHRASES: Final = {
    "md": "managing director",
    "ceo": "chief executive",
    "gp": "general practitioner",
    "hca": "health care assistant",
    "ta": "teaching assistant",
    "pa": "personal assistant",
    "hr": "human resources",
    "hgv": "hgv driver",
    "pub": "public house",
}
# Never part of a match on either side.
STOP_WORDS: Final = frozenset({"a", "an", "the", "of", "and", "in", "at", "for", "on", "to", "by"})
# Words that, when nothing in the index explains them, say nothing about the unit group:
# seniority, contract, tense, who the person is to the respondent.
NOISE_WORDS: Final = frozenset(
    """senior junior trainee apprentice qualified
    self employed part time full temporary permanent casual freelance contract contractor
    retired ex former formerly previously currently now was is were used be been being
    i he she they my our his her their dad father mother mum mom parent job role work
    worked working works as with from local small big large own company firm business
    think probably maybe about some sort kind type various general""".split()  # noqa: SIM905
)
# A title made only of these words is a non-answer, never coded.
NON_ANSWER_WORDS: Final = frozenset(
    """dont don do not know known no idea unknown unsure sure cant cannot can remember
    recall forget forgot forgotten dunno n na a nk dk none nothing applicable prefer
    rather say stated given unsure question mark x xx xxx idk i im it was he she they
    never told me us really clue id would wouldnt like rather""".split()  # noqa: SIM905
)

_APOSTROPHES: Final = re.compile(r"['’‘`]")
_WORD: Final = re.compile(r"[A-Za-z0-9]+")
# Marks an index acronym while stop words are dropped; removed before matching.
ACRONYM_MARK: Final = "^"
_CO_PREFIX: Final = re.compile(r"\b(co)[\s-]+(ordinat|operat)", re.IGNORECASE)


_IZE: Final = re.compile(r"iz(e|er|ed|ing|ation)$")


def singular(token: str) -> str:
    """A plural cut to its singular by the spelling rules, and -ize spelt -ise; applied to
    both sides alike."""
    return _IZE.sub(r"is\1", _cut_plural(token))


def _cut_plural(token: str) -> str:
    if len(token) <= 3 or not token.endswith("s"):
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith(("sses", "shes", "ches", "xes", "zes")):
        return token[:-2]
    if token.endswith(("ss", "us", "is", "ous")):
        return token
    return token[:-1]


def words(text: str, *, acronyms: bool = False) -> list[str]:
    """Lower-case ASCII words of `text`, abbreviations spelt out, plurals cut, stop words
    kept (so a non-answer such as "n/a" can still be told).

    With `acronyms` (the index's own text), a word in capitals that is not one of
    `PHRASES` is the index's acronym and kept as it is: "ENG" is not "engineer", "IN" is
    not the stop word "in". A stop word joined by a hyphen is part of the title and kept
    ("putter-on").
    """
    if text.isascii():
        folded = text
    else:
        folded = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _APOSTROPHES.sub("", folded.replace("&", " and "))
    folded = _CO_PREFIX.sub(r"\1\2", folded)
    out: list[str] = []
    for found in _WORD.finditer(folded):
        cased = found.group()
        raw = cased.lower()
        hyphened = found.start() > 0 and folded[found.start() - 1] == "-"
        if (hyphened and raw in STOP_WORDS) or (
            acronyms and len(cased) > 1 and cased.isupper() and raw not in PHRASES
        ):
            out.append(ACRONYM_MARK + raw)
            continue
        out.extend(_spelt_out(raw))
    return out


@lru_cache(maxsize=65536)
def _spelt_out(raw: str) -> tuple[str, ...]:
    """One lower-case word as the tokens it stands for: a phrase's words, or the word
    with its abbreviation spelt out and its plural cut."""
    if raw in PHRASES:
        return tuple(PHRASES[raw].split())
    token = singular(ABBREVIATIONS.get(raw, raw))
    return (ABBREVIATIONS.get(token, token),)


def tokens(text: str, *, acronyms: bool = False) -> tuple[str, ...]:
    """The tokens `text` is matched on: `words` less the stop words, each once, in order."""
    seen: dict[str, None] = {}
    for word in words(text, acronyms=acronyms):
        if word not in STOP_WORDS:
            seen.setdefault(word.removeprefix(ACRONYM_MARK), None)
    return tuple(seen)


def surface(text: str) -> tuple[str, ...]:
    """The words as written, lower case, without the stop words: "securities officer" is
    not "security officer" here, though both have the tokens of the latter."""
    return tuple(
        word for word in (m.group().lower() for m in _WORD.finditer(text)) if word not in STOP_WORDS
    )


def is_non_answer(text: str) -> bool:
    """True for an empty answer, one with no letters, or one made only of the words of
    "don't know", "n/a", "can't remember" and the like."""
    found = [word.removeprefix(ACRONYM_MARK) for word in words(text)]
    if not any(any(c.isalpha() for c in word) for word in found):
        return True
    return all(word in NON_ANSWER_WORDS or word in STOP_WORDS for word in found)
