"""Option rows by (version, question key, code) and back, cached per process.

Answers are stored as Option foreign keys; pages, routing and derivation work in
codes. The standard's options never change once loaded, so one query per version
per process is enough (the cache is cleared whenever the standard is installed).
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock

from .models import Option


@dataclass(frozen=True, slots=True)
class OptionIndex:
    ids: dict[tuple[str, str], int]
    codes: dict[int, tuple[str, str]]

    def id_for(self, key: str, code: str) -> int:
        return self.ids[(key, code)]

    def code_for(self, option_id: int) -> str:
        return self.codes[option_id][1]


_cache: dict[str, OptionIndex] = {}
_lock = Lock()


def option_index(version: str) -> OptionIndex:
    index = _cache.get(version)
    if index is None:
        rows = Option.objects.filter(question__standard__version=version).values_list(
            "id", "question__key", "code"
        )
        ids = {(key, code): pk for pk, key, code in rows}
        index = OptionIndex(ids=ids, codes={pk: key_code for key_code, pk in ids.items()})
        with _lock:
            _cache[version] = index
    return index


def clear_option_index() -> None:
    with _lock:
        _cache.clear()
