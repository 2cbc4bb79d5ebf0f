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
  "files": ["kampung.js", "kampung.d.ts", "kampung_bg.wasm", "kampung_bg.wasm.d.ts", "error-codes.d.ts"],
  "sideEffects": false,
  "license": "Apache-2.0"
}
JSON
raw=$(stat -c %s "$here/pkg/web/kampung_bg.wasm")
gz=$(gzip -9 -c "$here/pkg/web/kampung_bg.wasm" | wc -c)
echo "kampung_bg.wasm: $raw bytes raw, $gz bytes gzipped"
