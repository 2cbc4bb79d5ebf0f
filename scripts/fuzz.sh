#!/usr/bin/env bash
# Runs every cargo-fuzz target for a short fixed time (FUZZ_SECONDS, default
# 20 s each) from its seed corpus (fuzz/corpus/<target>/, copied to a scratch
# folder so that the run does not add files to the repository). Installs the
# nightly toolchain (minimal profile) and cargo-fuzz 0.13.2 when missing.
# A crash fails the script; libFuzzer writes the input under fuzz/artifacts/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-20}"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo +nightly install cargo-fuzz --version 0.13.2 --locked
fi
cd "$root/fuzz"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build
for t in $targets; do
  mkdir -p "$scratch/$t"
  if [ -d "corpus/$t" ]; then cp -r "corpus/$t/." "$scratch/$t/"; fi
  extra=()
  if [ "$t" = gazetteer_file ]; then
    cp ../kampung-core/src/id/gazetteer/gazetteer.bin "$scratch/$t/"
    extra=(-max_len=2000000)
  fi
  echo "==> fuzz $t (${seconds}s)"
  set +e
  cargo +nightly fuzz run "$t" "$scratch/$t" -- -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" \
    >"$scratch/$t.log" 2>&1
  status=$?
  set -e
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY)' "$scratch/$t.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$scratch/$t.log"
    echo "fuzz target $t failed" >&2
    exit 1
  fi
done
