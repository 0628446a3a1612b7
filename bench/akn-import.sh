#!/usr/bin/env bash
# Times the Akoma Ntoso import of the 1.5 MB ITU PP-18 Final Acts (64 instruments, a
# messy third-party conversion) next to `xmllint --noout` on the same file, whole
# process each, in the same run; prints the medians and their ratio (goal: ≤ 3×).
#
#   bash bench/akn-import.sh                  # builds plenary (release) and runs
#   PLENARY_BIN=path/to/plenary RUNS=15 bash bench/akn-import.sh
#
# plenary's side is `plenary convert FILE --to json > /dev/null`: read, repair, build
# the model and render all 64 instruments as JSON.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-11}"
file="${AKN_FILE:-$root/../shared/data/itu-pp/pp18_final_acts_akn.xml}"
[ -f "$file" ] || { echo "SKIPPED: $file not found (CI always has it)" >&2; exit 0; }
command -v xmllint >/dev/null || { echo "xmllint is needed: apt-get install -y libxml2-utils" >&2; exit 1; }
if [ -z "${PLENARY_BIN:-}" ]; then
  (cd "$root" && cargo build --release -q -p plenary-cli)
  PLENARY_BIN="${CARGO_TARGET_DIR:-$root/target}/release/plenary"
fi

# Median wall time in milliseconds of a command run $runs times (after one warm-up).
median_ms() {
  "$@" >/dev/null 2>&1 || true
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

bytes=$(wc -c <"$file")
plenary_ms=$(median_ms "$PLENARY_BIN" convert "$file" --to json)
xmllint_ms=$(median_ms xmllint --noout "$file")
ratio=$(awk -v a="$plenary_ms" -v b="$xmllint_ms" 'BEGIN {printf "%.2f", a/b}')
echo "file: $file ($bytes bytes), median of $runs runs, whole process"
echo "plenary convert --to json: ${plenary_ms} ms"
echo "xmllint --noout:           ${xmllint_ms} ms"
echo "ratio: ${ratio}x (goal <= 3x)"
