import json
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def load_cases(area):
    files = sorted((FIXTURES / area).glob("*.json"))
    assert files, f"no fixtures in {FIXTURES / area}"
    return [pytest.param(json.loads(f.read_text(encoding="utf-8")), id=f.stem) for f in files]
