#!/usr/bin/env bash
# Runs every check of the project, as CI does: formatting, lints, the Rust
# tests, the generated-code check, the Python wheel with pytest, and the WASM
# package in Node and in headless Chromium. Installs what is missing first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
start=$(date +%s)
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

step "setup"
"$root/scripts/setup.sh"

step "cargo fmt --check"
cargo fmt --all -- --check

step "generated error-code lists are up to date"
python3 tools/gen_error_codes.py
git diff --exit-code -- bindings-python/python/kampung/_codes.py bindings-wasm/js/error-codes.d.ts

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "kampung-core without default features (identifiers, families, KB, KRS; no WHO tables)"
cargo clippy -p kampung-core --no-default-features --all-targets --locked -- -D warnings
cargo test -p kampung-core --no-default-features --locked --lib --test fixtures_foundation --test fixtures_risk

step "cargo doc (warnings are errors: broken links, missing docs)"
RUSTDOCFLAGS="-D warnings" cargo doc -p kampung-core --no-deps --locked

step "cargo clippy for wasm32"
cargo clippy -p kampung-wasm --target wasm32-unknown-unknown --locked -- -D warnings

step "kampung-core has no binding dependencies"
if cargo tree -p kampung-core -e normal --locked | grep -E 'pyo3|wasm-bindgen|js-sys'; then
  echo "kampung-core depends on binding crates" >&2; exit 1
fi

step "cargo test --workspace (profile ci: optimised, the WHO golden files are large)"
cargo test --workspace --profile ci --locked

step "python: build the wheel with maturin and run pytest"
venv="$root/target/ci-venv"
rm -rf target/wheels
"$venv/bin/maturin" build --release --locked -m bindings-python/Cargo.toml -i "$venv/bin/python" --out target/wheels
"$venv/bin/pip" install --quiet --force-reinstall --no-deps target/wheels/kampung-*.whl
(cd bindings-python/tests && "$venv/bin/python" -m pytest -q -p no:cacheprovider)

step "spark: the PySpark example in local mode (report merged from partition states, z-scores by mapInArrow)"
"$venv/bin/python" -m pytest -q -p no:cacheprovider examples/spark

step "python: the documented install from a checkout (pip install ./bindings-python)"
rm -rf target/pip-venv
python3 -m venv target/pip-venv
# The same target directory as the wheel above: pip's isolated build then
# reuses the compiled crates instead of building them a second time.
CARGO_TARGET_DIR="$root/target" target/pip-venv/bin/pip install --quiet --disable-pip-version-check "./bindings-python[pandas]"
target/pip-venv/bin/python -c "import kampung, pandas; assert kampung.__version__; print('kampung', kampung.__version__)"

step "python: type stubs match the built module (mypy stubtest)"
(cd target && "$venv/bin/python" -m mypy.stubtest kampung._kampung && "$venv/bin/python" -m mypy -p kampung)

step "python: the example notebook runs from top to bottom (nbclient)"
"$venv/bin/python" examples/tests/run_notebook.py

step "wasm: build the web and node packages"
bindings-wasm/build.sh

step "wasm: node tests"
node --test bindings-wasm/tests/

step "wasm: TypeScript types (tsc --noEmit on a typed consumer)"
tools/js/node_modules/.bin/tsc -p bindings-wasm/ts-check/tsconfig.json

step "wasm: headless chromium on 127.0.0.1"
bindings-wasm/tests/browser/run.sh

step "web form: end-to-end in Chromium with Playwright"
node --test examples/web/tests/e2e.test.mjs

step "report: HTML page renders its charts in headless chromium"
examples/tests/report_html.sh

step "fuzz: every cargo-fuzz target for a short fixed time (scripts/fuzz.sh, FUZZ_SECONDS=20 each)"
"$root/scripts/fuzz.sh"

step "all checks passed in $(( $(date +%s) - start ))s"
