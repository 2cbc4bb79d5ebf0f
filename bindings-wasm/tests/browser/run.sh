#!/usr/bin/env bash
# Loads the web package in headless Chromium from a page served on 127.0.0.1
# and runs every cross-language fixture there. Exit 0 only on PASS.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
mkdir -p target/browser
node -e '
const fs = require("fs"), path = require("path");
const base = "tests/fixtures", out = [];
(function walk(rel) {
  const dir = path.join(base, rel);
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name), r = rel ? rel + "/" + name : name;
    if (fs.statSync(p).isDirectory()) walk(r);
    else if (name.endsWith(".json") && rel) {
      const c = JSON.parse(fs.readFileSync(p, "utf8"));
      // Only cross-language cases ({input, options, expected}); e.g. the
      // expected.json of the report is checked by the Rust and Python suites.
      // survey/, quality/, dhs/ and report/ have no WASM surface (Rust, CLI and Python only).
      const jsArea = !["survey", "quality", "dhs", "report"].some((a) => rel.startsWith(a));
      if ("input" in c && "expected" in c && jsArea) out.push({ area: rel, file: r, ...c });
    }
  }
})("");
fs.writeFileSync("target/browser/fixtures.json", JSON.stringify(out));
'
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root" >target/browser/server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
  sleep 0.1
done
profile=$(mktemp -d)
dom=$(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --virtual-time-budget=20000 \
  --dump-dom "http://127.0.0.1:$port/bindings-wasm/tests/browser/index.html" 2>/dev/null)
rm -rf "$profile"
result=$(printf '%s' "$dom" | sed -n 's/.*<pre id="out">\([^<]*\).*/\1/p' | head -1)
echo "chromium: ${result:-no result}"
case "$result" in
  PASS*) exit 0 ;;
  *) printf '%s\n' "$dom" | grep -A20 '<pre id="out">' >&2; exit 1 ;;
esac
