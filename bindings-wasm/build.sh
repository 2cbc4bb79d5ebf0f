#!/usr/bin/env bash
# Builds the WASM packages: bindings-wasm/pkg/web (ES module for browsers,
# npm-style with package.json and .d.ts) and bindings-wasm/pkg/node (CommonJS
# for Node). Needs the wasm32-unknown-unknown target and wasm-bindgen-cli at
# the exact version of the wasm-bindgen crate in Cargo.lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
cargo build --release --locked --target wasm32-unknown-unknown -p kampung-wasm
wasm="target/wasm32-unknown-unknown/release/kampung_wasm.wasm"
rm -rf "$here/pkg"
wasm-bindgen --target web --out-dir "$here/pkg/web" --out-name kampung "$wasm"
wasm-bindgen --target nodejs --out-dir "$here/pkg/node" --out-name kampung "$wasm"
for d in web node; do
  cp "$here/js/error-codes.d.ts" "$here/pkg/$d/error-codes.d.ts"
  # The region gazetteer, fetched by the page on demand (loadGazetteer), and
  # the NOTICE crediting its data (MIT, Cahya DSN) and the WHO tables.
  cp "$root/kampung-core/src/id/gazetteer/gazetteer.bin" "$root/kampung-core/NOTICE" "$here/pkg/$d/"
  # Options are optional: wasm-bindgen renders the typed parameter as required.
  sed -i -E 's/options: (Options|FamilyOptions|RuleOptions)\)/options?: \1)/' "$here/pkg/$d/kampung.d.ts"
done
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
cat > "$here/pkg/web/package.json" <<JSON
{
  "name": "kampung",
  "version": "$version",
  "description": "Kampung KB form validation (NIK, Nomor KK, region codes, families) in WebAssembly",
  "type": "module",
  "main": "kampung.js",
  "module": "kampung.js",
  "types": "kampung.d.ts",
  "files": ["kampung.js", "kampung.d.ts", "kampung_bg.wasm", "kampung_bg.wasm.d.ts", "error-codes.d.ts", "gazetteer.bin", "NOTICE"],
  "sideEffects": false,
  "license": "Apache-2.0"
}
JSON
size() { printf '%s bytes raw, %s bytes gzipped' "$(stat -c %s "$1")" "$(gzip -9 -c "$1" | wc -c)"; }
echo "kampung_bg.wasm after wasm-bindgen: $(size "$here/pkg/web/kampung_bg.wasm")"
# wasm-opt from npm's binaryen (tools/js; Debian's binaryen 108 breaks the output).
opt="$root/tools/js/node_modules/.bin/wasm-opt"
if [ -x "$opt" ]; then
  for d in web node; do
    "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-reference-types --enable-multivalue \
      "$here/pkg/$d/kampung_bg.wasm" -o "$here/pkg/$d/kampung_bg.wasm.opt"
    mv "$here/pkg/$d/kampung_bg.wasm.opt" "$here/pkg/$d/kampung_bg.wasm"
  done
  echo "kampung_bg.wasm after wasm-opt -Oz: $(size "$here/pkg/web/kampung_bg.wasm")"
else
  echo "wasm-opt not found (npm ci in tools/js): package left unoptimised"
fi
echo "gazetteer.bin (loaded on demand): $(size "$here/pkg/web/gazetteer.bin")"
