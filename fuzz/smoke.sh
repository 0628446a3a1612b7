#!/usr/bin/env bash
# Runs every fuzz target for a while (60 s each by default) on the stable toolchain,
# without sanitizers; fails on the first crash. Installs cargo-fuzz when missing.
#   bash fuzz/smoke.sh            # 60 s per target
#   FUZZ_SECONDS=10 bash fuzz/smoke.sh
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
targets=$(cargo fuzz list)
[ -n "$targets" ] || { echo "no fuzz targets found" >&2; exit 1; }
mkdir -p corpus
for t in $targets; do
  mkdir -p "corpus/$t"
  # Seed the corpus with the examples so the fuzzer starts from realistic text.
  for f in ../examples/*.txt; do
    [ -f "$f" ] && cp "$f" "corpus/$t/$(basename "$f")"
  done
  # Targets may bring their own seeds (fuzz/seeds/<target>/, written by us).
  if [ -d "seeds/$t" ]; then
    cp seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  fi
  echo "fuzzing $t for ${seconds}s"
  cargo fuzz run "$t" -s none "corpus/$t" -- -max_total_time="$seconds"
done
echo "fuzz smoke: all targets ran ${seconds}s without a crash"
