"""No function of the project's packages is harder to follow than radon's grade C: the
same measure as `radon cc -n D seb surveys classification api jobs`."""

from __future__ import annotations

from pathlib import Path

from radon.cli import Config
from radon.cli.harvest import CCHarvester
from radon.complexity import SCORE, cc_rank

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("seb", "surveys", "classification", "api", "jobs")


def graded_d_or_worse() -> dict[str, str]:
    """Every function, method and class of PACKAGES graded D or worse, with its grade."""
    config = Config(exclude=None, ignore=None, order=SCORE, no_assert=False, show_closures=False)
    found = {}
    harvester = CCHarvester([str(ROOT / package) for package in PACKAGES], config)
    for path, blocks in harvester.results:
        assert isinstance(blocks, list), (path, blocks)  # radon could not read the file
        for block in blocks:
            grade = cc_rank(block.complexity)
            if grade >= "D":
                found[f"{Path(path).relative_to(ROOT)}:{block.fullname}"] = grade
    return found


def test_no_function_is_graded_d_or_worse() -> None:
    found = graded_d_or_worse()
    assert found == {}
