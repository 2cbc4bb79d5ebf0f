#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets, libFuzzer through the
# libfuzzer-sys crate) for a short fixed time (FUZZ_SECONDS, default 20 s
# each) from its seed corpus (fuzz/corpus/<target>/, copied to a scratch
# folder so that the run adds no files to the repository). A crash fails the
# script; libFuzzer writes the input to the scratch folder and it is printed.
#
# The targets are built as `cargo fuzz build --sanitizer none` builds them,
# on the project's stable toolchain: SanitizerCoverage instrumentation
# (`-Cpasses=sancov-module` and its LLVM options are stable rustc flags) and
# `--cfg fuzzing`, debug assertions and overflow checks on. No address
# sanitizer: kampung-core forbids `unsafe`, so what the fuzzer looks for is
# panics, overflows, endless loops and memory blow-ups, which this build
# catches. This avoids installing nightly and compiling cargo-fuzz in CI
# (measured: 14 min for cargo-fuzz alone on this machine kind under load).
# With cargo-fuzz installed, `cd fuzz && cargo +nightly fuzz run TARGET`
# still works as usual.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${FUZZ_SECONDS:-20}"
triple="$(rustc -vV | sed -n 's/^host: //p')"
cd "$root/fuzz"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
CARGO_TARGET_DIR="$root/fuzz/target" cargo build --release --locked --target "$triple" --bins
bin="$root/fuzz/target/$triple/release"
targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^kampung-fuzz$')
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in $targets; do
  mkdir -p "$scratch/$t" "$scratch/$t.artifacts"
  if [ -d "corpus/$t" ]; then cp -r "corpus/$t/." "$scratch/$t/"; fi
  extra=()
  if [ "$t" = gazetteer_file ]; then
    cp ../kampung-core/src/id/gazetteer/gazetteer.bin "$scratch/$t/"
    extra=(-max_len=2000000)
  fi
  echo "==> fuzz $t (${seconds}s)"
  set +e
  "$bin/$t" "$scratch/$t" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$scratch/$t.artifacts/" "${extra[@]}" >"$scratch/$t.log" 2>&1
  status=$?
  set -e
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY)' "$scratch/$t.log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$scratch/$t.log"
    for a in "$scratch/$t.artifacts"/*; do [ -f "$a" ] && { echo "input $a:"; od -c "$a" | head -20; }; done
    echo "fuzz target $t failed" >&2
    exit 1
  fi
done
