#!/usr/bin/env bash
# Screenshot test of `kampung report --html`: writes the page for the bundled
# sample, serves it from 127.0.0.1, opens it in headless Chromium, and checks
# that the DOM has the 5 charts with data labels and that the screenshot is
# not blank (many distinct colours; decoded with the stdlib only).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
tmp="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
cargo run --profile ci --quiet -p kampung-cli -- report --html "$tmp/report.html" -q > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$tmp" "$port" > /dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/report.html" > /dev/null && break; sleep 0.1; done
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --window-size=1200,1600)
chromium "${flags[@]}" --dump-dom "http://127.0.0.1:$port/report.html" > "$tmp/dom.html" 2>/dev/null
chromium "${flags[@]}" --screenshot="$tmp/shot.png" "http://127.0.0.1:$port/report.html" > /dev/null 2>&1
python3 - "$tmp/dom.html" "$tmp/shot.png" "${KAMPUNG_SCREENSHOT_OUT:-}" <<'PY'
import re, shutil, struct, sys, zlib
dom = open(sys.argv[1]).read()
svgs = dom.count("<svg")
bars = len(re.findall(r'class="bar"', dom))
cis = len(re.findall(r'class="ci"', dom))
labels = len(re.findall(r'class="value"', dom))
assert svgs == 5, f"expected 5 charts, found {svgs}"
assert bars >= 30 and cis >= 24 and labels >= 30, (bars, cis, labels)
assert "Prevalensi stunting per desa" in dom
data = open(sys.argv[2], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        bpp = {2: 3, 6: 4}[ctype]
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
stride = w * bpp
colours, prev, off = set(), bytearray(stride), 0
for y in range(h):
    f = raw[off]; line = bytearray(raw[off + 1:off + 1 + stride]); off += 1 + stride
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, stride, bpp * 2):
            colours.add(bytes(line[x:x + 3]))
    prev = line
assert len(colours) > 50, f"screenshot looks blank: {len(colours)} colours"
if sys.argv[3]:
    shutil.copy(sys.argv[2], sys.argv[3])
print(f"report_html: {svgs} charts, {bars} bars, {cis} CI whiskers, {labels} labels, {len(colours)} colours in {w}x{h} screenshot: OK")
PY
