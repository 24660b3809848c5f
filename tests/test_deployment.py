"""What a deployment runs, run here: collectstatic with production settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_security import PRODUCTION, ROOT


def test_collectstatic_succeeds_with_production_storage(tmp_path: Path) -> None:
    """The manifest storage rewrites every reference in the CSS; a missing file fails here."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**PRODUCTION, "PATH": "/usr/bin:/bin", "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.glob("css/app.*.css")), "hashed CSS was written"
