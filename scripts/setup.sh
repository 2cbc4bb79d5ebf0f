#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine of this project's
# kind (Debian, rustup, Python 3, Node). Idempotent: steps already done are
# skipped quickly. Uses only crates.io, PyPI, Debian's apt and npm.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

say() { printf '==> %s\n' "$*"; }

# Rust toolchain pieces (auto-install is off on these machines).
say "rust toolchain, rustfmt, clippy, wasm32 target"
rustup toolchain install >/dev/null 2>&1 || true
rustup component add rustfmt clippy >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

# wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (about 5 minutes on 2 cores)"
  # Not --locked: one locked dependency version is missing from the index (TOOLCHAIN.md §3).
  cargo install wasm-bindgen-cli --version "$want" --quiet
else
  say "wasm-bindgen-cli $have present"
fi

# Debian's Chromium for the headless browser tests.
if ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

# Python virtual environment for building and testing the wheel.
venv="$root/target/ci-venv"
if [ ! -x "$venv/bin/python" ]; then
  say "python venv at target/ci-venv"
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/bindings-python/requirements-test.txt"

# The PySpark example (examples/spark): Java 17 from Debian, pyspark from PyPI
# (a 456 MB download; about 2.5 minutes on first install, cached by pip after).
if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  say "installing Debian openjdk-17-jre-headless"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
if ! "$venv/bin/python" -c "import pyspark" 2>/dev/null; then
  say "installing pyspark into target/ci-venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/examples/spark/requirements.txt"

command -v node >/dev/null || { echo "node is required (Node.js 20)" >&2; exit 1; }

# JS tools (TypeScript, playwright-core, binaryen's wasm-opt), pinned by package-lock.json.
if [ ! -x "$root/tools/js/node_modules/.bin/tsc" ] || [ "$root/tools/js/package-lock.json" -nt "$root/tools/js/node_modules/.package-lock.json" ]; then
  say "npm ci in tools/js"
  (cd "$root/tools/js" && npm ci --no-audit --no-fund --loglevel=error)
fi
say "setup done"
