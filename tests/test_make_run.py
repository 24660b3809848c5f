"""`make run`'s steps carry its port into every link the service writes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_make_run_sets_the_public_address_from_its_port(tmp_path: Path) -> None:
    """Links in codes files and messages start with the address make run serves on
    (PORT=8101 once put http://127.0.0.1:8000 in every link)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    python = fake / "python"
    python.write_text('#!/bin/sh\necho "PUBLIC_BASE_URL=$PUBLIC_BASE_URL $*"\n')
    python.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [
            shutil.which("make") or "/usr/bin/make",
            "--no-print-directory",
            "-s",
            "demo",
            "PORT=8101",
            f"BIN={fake}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    steps = [line for line in result.stdout.splitlines() if "manage.py" in line]
    # The worker runs beside the server, which the stand-in ends at once, so the worker
    # may be stopped before it says anything: every step that ran is checked.
    ran = {step.split()[2] for step in steps}
    assert (
        {"migrate", "seed_demo", "runserver"}
        <= ran
        <= {
            "migrate",
            "seed_demo",
            "run_worker",
            "runserver",
        }
    )
    assert all(step.startswith("PUBLIC_BASE_URL=http://127.0.0.1:8101 ") for step in steps)
    assert "runserver 127.0.0.1:8101" in result.stdout
