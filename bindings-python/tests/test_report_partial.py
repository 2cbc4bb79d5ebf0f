"""Partial report states (kampung.report.partial, partial_jsonl, merge):
the parts of any split of a register, shipped as bytes and merged in any
order, give the one-pass report byte for byte (its JSON document), on the
JSON Lines, records and entity-table routes."""

import json
import pathlib
import pickle
import random

import pyarrow as pa
import pyarrow.csv as pc
import pytest

from kampung import report

REPO = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "data" / "report_sample.jsonl"
AS_OF = "2025-07-01"


def splits(n, rng, parts):
    cuts = sorted(rng.sample(range(1, n), parts - 1)) if parts > 1 else []
    bounds = [0] + cuts + [n]
    return list(zip(bounds, bounds[1:]))


def sample_lines():
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    # The bundled sample plus every kind of trouble across parts: a repeated
    # family (duplicate Nomor KK), a line that is not JSON, a blank line.
    return lines + [lines[5], b"not json\n", b"\n", lines[17]]


@pytest.mark.parametrize("seed", range(6))
def test_jsonl_partials_of_any_split_merge_to_read_jsonl(tmp_path, seed):
    lines = sample_lines()
    path = tmp_path / "register.jsonl"
    path.write_bytes(b"".join(lines))
    want = report.read_jsonl(path, as_of=AS_OF, locale="en")
    assert want.exclusions["reasons"].get("register_duplicate_kk", 0) >= 2
    rng = random.Random(seed)
    states = []
    for part, (a, b) in enumerate(splits(len(lines), rng, rng.randint(1, 9))):
        s = report.partial_jsonl(b"".join(lines[a:b]), as_of=AS_OF, part=part, first_record=a, threads=1 + part % 2)
        # Shipped as a Spark job ships it: bytes, or pickled.
        states.append(s.to_bytes() if part % 2 else pickle.loads(pickle.dumps(s)))
    rng.shuffle(states)
    got = report.merge(states, sources=[str(path)], locale="en")
    assert got.to_json() == want.to_json()
    assert got.to_text() == want.to_text()
    assert got.exclusions["families_read"] == len(lines) - 1  # the blank line is not a family


def test_jsonl_partial_reads_a_file_like_the_bytes():
    a = report.partial_jsonl(SAMPLE, as_of=AS_OF)
    b = report.partial_jsonl(SAMPLE.read_bytes(), as_of=AS_OF)
    assert a.to_bytes() == b.to_bytes()
    whole = report.read_jsonl(SAMPLE, as_of=AS_OF)
    # Valid in the part; which of them are duplicates is decided at the merge.
    ex = whole.exclusions
    assert ex["families_included"] < a.valid_families < ex["families_read"]
    assert a.as_of.isoformat() == AS_OF
    assert report.merge([a], sources=[str(SAMPLE)]).to_json() == whole.to_json()


@pytest.mark.parametrize("seed", range(3))
def test_record_partials_merge_to_aggregate(seed):
    records = []
    for line in SAMPLE.read_bytes().splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:  # the sample's lines that are not JSON
            pass
    records += [records[3], {"no_kk": "1"}, records[40]]
    want = report.aggregate(records, as_of=AS_OF, locale="en")
    rng = random.Random(seed)
    states = [
        report.partial(records[a:b], as_of=AS_OF, part=p, first_record=a)
        for p, (a, b) in enumerate(splits(len(records), rng, rng.randint(2, 7)))
    ]
    rng.shuffle(states)
    assert report.merge(states, locale="en").to_json() == want.to_json()


def test_entity_table_partials_split_by_family_merge_to_aggregate(tmp_path):
    report.write_synthetic_register(tmp_path, families=600, seed=3, format="csv")

    def read(name):
        path = tmp_path / f"{name}.csv"
        names = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        opts = pc.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True)
        return pc.read_csv(path, convert_options=opts)

    fam, mem, mea = read("families"), read("members"), read("measurements")
    want = report.aggregate(fam, mem, mea, as_of=AS_OF, locale="en")
    states = []
    for part, (a, b) in enumerate([(0, 150), (150, 420), (420, fam.num_rows)]):
        f = fam.slice(a, b - a)
        keys = pa.array(f["no_kk"].to_pylist())
        pick = lambda t: t.filter(pa.compute.is_in(t["no_kk"], value_set=keys))  # noqa: E731
        states.append(report.partial(f, pick(mem), pick(mea), as_of=AS_OF, part=part, first_record=a).to_bytes())
    got = report.merge(states[::-1], sources=["families", "members", "measurements"], locale="en")
    assert got.exclusions["families_included"] == 600
    assert got.to_json() == want.to_json()


def test_merge_refuses_what_is_not_a_state():
    s = report.partial_jsonl(b'{"no_kk": "1"}\n', as_of=AS_OF)
    with pytest.raises(ValueError, match="no report state"):
        report.merge([])
    with pytest.raises(ValueError, match="not a kampung report state"):
        report.merge([s, b'{"as_of": "2025-07-01"}'])
    with pytest.raises(ValueError, match="not a kampung report state"):
        report.ReportState.from_bytes(b"\xff\x00")
    with pytest.raises(TypeError):
        report.merge([s, 42])
    other_day = report.partial_jsonl(b"", as_of="2025-07-02")
    with pytest.raises(ValueError, match="reference dates"):
        report.merge([s, other_day])
