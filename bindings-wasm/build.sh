#!/usr/bin/env bash
# Builds the npm package bindings-wasm/pkg: one package.json whose `exports`
# map picks the build by condition ("node" -> pkg/node, CommonJS plus an ES
# module wrapper; "browser"/default -> pkg/web, an ES module with `init` and
# `initSync`; "kampung/bundler" -> pkg/bundler for webpack/vite with wasm
# support), plus the Standard Schema adapters ("kampung/standard-schema").
# Needs the wasm32-unknown-unknown target and wasm-bindgen-cli at the exact
# version of the wasm-bindgen crate in Cargo.lock.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
cargo build --release --locked --target wasm32-unknown-unknown -p kampung-wasm
wasm="target/wasm32-unknown-unknown/release/kampung_wasm.wasm"
rm -rf "$here/pkg"
wasm-bindgen --target web --out-dir "$here/pkg/web" --out-name kampung "$wasm"
wasm-bindgen --target nodejs --out-dir "$here/pkg/node" --out-name kampung "$wasm"
wasm-bindgen --target bundler --out-dir "$here/pkg/bundler" --out-name kampung "$wasm"
for d in web node bundler; do
  cp "$here/js/error-codes.d.ts" "$here/pkg/$d/error-codes.d.ts"
  cp "$here/js/standard-schema-core.js" "$here/pkg/$d/standard-schema-core.js"
  cp "$here/js/standard-schema.d.ts" "$here/pkg/$d/standard-schema.d.ts"
  # Options are optional: wasm-bindgen renders the typed parameter as required.
  sed -i -E 's/options: (Options|FamilyOptions|RuleOptions|MonitorOptions)\)/options?: \1)/' "$here/pkg/$d/kampung.d.ts"
done
# The same API in every build: Node needs no initialisation, so `init` and
# `initSync` are no-ops there (server-side rendering imports and calls
# synchronously).
cat > "$here/pkg/node/index.mjs" <<'JS'
export * from "./kampung.js";
export default async function init() {}
export function initSync() {}
JS
cp "$here/pkg/node/kampung.d.ts" "$here/pkg/node/index.d.mts"
cat >> "$here/pkg/node/index.d.mts" <<'TS'
/** No-op under Node: the module is ready when imported. */
export default function init(module?: unknown): Promise<void>;
/** No-op under Node: the module is ready when imported. */
export function initSync(module?: unknown): void;
TS
for d in web bundler; do
  schema_src="./kampung.js"
  cat > "$here/pkg/$d/standard-schema.js" <<JS
import * as kampung from "$schema_src";
import { bind } from "./standard-schema-core.js";
const s = bind(kampung);
export const familySchema = s.familySchema;
export const nikSchema = s.nikSchema;
export const nomorKkSchema = s.nomorKkSchema;
export const regionCodeSchema = s.regionCodeSchema;
export const childSchema = s.childSchema;
JS
done
sed -e 's#"./kampung.js"#"./index.mjs"#' "$here/pkg/web/standard-schema.js" > "$here/pkg/node/standard-schema.mjs"
mv "$here/pkg/node/standard-schema-core.js" "$here/pkg/node/standard-schema-core.mjs"
sed -i -e 's#./standard-schema-core.js#./standard-schema-core.mjs#' "$here/pkg/node/standard-schema.mjs"
cp "$here/pkg/node/standard-schema.d.ts" "$here/pkg/node/standard-schema.d.mts"
sed -i -e 's#from "./kampung"#from "./index.mjs"#' "$here/pkg/node/standard-schema.d.mts"
printf '{ "type": "module", "sideEffects": ["./kampung.js"] }\n' > "$here/pkg/bundler/package.json"
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
cp "$here/README.md" "$here/pkg/README.md"
# The region gazetteer, one file for every build, read on demand
# (loadGazetteer; "kampung/gazetteer.bin" in the exports map), and the NOTICE
# crediting its data (MIT, Cahya DSN) and the WHO tables.
cp "$root/kampung-core/src/id/gazetteer/gazetteer.bin" "$root/kampung-core/NOTICE" "$here/pkg/"
cat > "$here/pkg/package.json" <<JSON
{
  "name": "kampung",
  "version": "$version",
  "description": "Kampung KB validation and indicators (NIK, Nomor KK, region codes, families, WHO growth z-scores, KB and stunting-risk rules) in WebAssembly",
  "license": "Apache-2.0",
  "main": "./node/kampung.js",
  "module": "./web/kampung.js",
  "types": "./web/kampung.d.ts",
  "exports": {
    ".": {
      "browser": { "types": "./web/kampung.d.ts", "default": "./web/kampung.js" },
      "node": { "types": "./node/index.d.mts", "import": "./node/index.mjs", "require": "./node/kampung.js" },
      "default": { "types": "./web/kampung.d.ts", "default": "./web/kampung.js" }
    },
    "./standard-schema": {
      "browser": { "types": "./web/standard-schema.d.ts", "default": "./web/standard-schema.js" },
      "node": { "types": "./node/standard-schema.d.mts", "default": "./node/standard-schema.mjs" },
      "default": { "types": "./web/standard-schema.d.ts", "default": "./web/standard-schema.js" }
    },
    "./bundler": { "types": "./bundler/kampung.d.ts", "default": "./bundler/kampung.js" },
    "./bundler/standard-schema": { "types": "./bundler/standard-schema.d.ts", "default": "./bundler/standard-schema.js" },
    "./web": { "types": "./web/kampung.d.ts", "default": "./web/kampung.js" },
    "./node": { "types": "./node/index.d.mts", "import": "./node/index.mjs", "require": "./node/kampung.js" },
    "./kampung_bg.wasm": "./web/kampung_bg.wasm",
    "./gazetteer.bin": "./gazetteer.bin",
    "./package.json": "./package.json"
  },
  "files": ["web", "node", "bundler", "README.md", "gazetteer.bin", "NOTICE"],
  "sideEffects": ["./bundler/kampung.js"]
}
JSON
size() { printf '%s bytes raw, %s bytes gzipped' "$(stat -c %s "$1")" "$(gzip -9 -c "$1" | wc -c)"; }
echo "kampung_bg.wasm after wasm-bindgen: $(size "$here/pkg/web/kampung_bg.wasm")"
# wasm-opt from npm's binaryen (tools/js; Debian's binaryen 108 breaks the output).
opt="$root/tools/js/node_modules/.bin/wasm-opt"
if [ -x "$opt" ]; then
  for d in web node bundler; do
    "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-reference-types --enable-multivalue \
      "$here/pkg/$d/kampung_bg.wasm" -o "$here/pkg/$d/kampung_bg.wasm.opt"
    mv "$here/pkg/$d/kampung_bg.wasm.opt" "$here/pkg/$d/kampung_bg.wasm"
  done
  echo "kampung_bg.wasm after wasm-opt -Oz: $(size "$here/pkg/web/kampung_bg.wasm")"
else
  echo "wasm-opt not found (npm ci in tools/js): package left unoptimised"
fi
echo "gazetteer.bin (loaded on demand): $(size "$here/pkg/gazetteer.bin")"
