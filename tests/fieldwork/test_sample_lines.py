"""The checking thread of a sample load (surveys/fieldwork/sample_lines.py): the
interpreter's switch interval is short while any such thread runs, and as it was
afterwards, however the load ends."""

from __future__ import annotations

import sys

import pytest

from surveys.fieldwork.sample_lines import SWITCH_INTERVAL, Ahead, Batch


def test_the_switch_interval_is_short_while_checking_and_restored_after() -> None:
    before = sys.getswitchinterval()
    assert before > SWITCH_INTERVAL
    with Ahead(iter([Batch(lines=1)])) as first:
        assert sys.getswitchinterval() == SWITCH_INTERVAL
        with Ahead(iter([])) as second:  # two loads at once in one process
            assert list(second) == []
        assert sys.getswitchinterval() == SWITCH_INTERVAL  # the first still runs
        assert [batch.lines for batch in first] == [1]
    assert sys.getswitchinterval() == before


def test_a_load_that_fails_while_checking_restores_the_switch_interval() -> None:
    before = sys.getswitchinterval()

    def failing():
        yield Batch(lines=1)
        raise RuntimeError("unreadable")

    with pytest.raises(RuntimeError, match="unreadable"), Ahead(failing()) as ahead:
        list(ahead)
    assert sys.getswitchinterval() == before
