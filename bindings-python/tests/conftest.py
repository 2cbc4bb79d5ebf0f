import json
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def load_cases(area):
    files = sorted((FIXTURES / area).glob("*.json"))
    assert files, f"no fixtures in {FIXTURES / area}"
    return [pytest.param(json.loads(f.read_text(encoding="utf-8")), id=f.stem) for f in files]


def kampung_cli() -> pathlib.Path:
    """The ``kampung`` command line of this checkout: ``KAMPUNG_BIN``, else
    the newest of ``target/{ci,release,debug}/kampung``. Without one the
    test is skipped, and fails under ``CI=true`` (scripts/test-all.sh
    builds it before pytest)."""
    env = os.environ.get("KAMPUNG_BIN")
    if env:
        return pathlib.Path(env)
    found = [p for p in (REPO / "target" / b / "kampung" for b in ("ci", "release", "debug")) if p.is_file()]
    if not found:
        message = "no kampung binary (cargo build -p kampung-cli, or set KAMPUNG_BIN)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return max(found, key=lambda p: p.stat().st_mtime)
