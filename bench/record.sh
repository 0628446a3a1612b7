#!/usr/bin/env bash
# The public record's speed, each figure next to a named peer in the same run:
#  1. durable appends/s through Plenary's store vs a plain INSERT loop on the same database
#     (SQLite; PostgreSQL too when PLENARY_TEST_POSTGRES_URL is set);
#  2. `plenary verify` over a log of N events vs `sha256sum` over the same payload bytes.
# Usage: bash bench/record.sh            (N = 100000 events for verify)
set -euo pipefail
cd "$(dirname "$0")/.."
events="${PLENARY_BENCH_LOG_EVENTS:-100000}"
export PLENARY_BENCH_APPENDS="${PLENARY_BENCH_APPENDS:-2000}"

cargo build --release -p plenary-cli --quiet
echo "== appends (each its own durable transaction)"
cargo bench --quiet -p plenary-store-sqlite --bench append
if [ -n "${PLENARY_TEST_POSTGRES_URL:-}" ]; then
  cargo bench --quiet -p plenary-store-postgres --bench append
fi

echo "== verify"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
PLENARY_BENCH_LOG_DIR="$work/data" PLENARY_BENCH_LOG_EVENTS="$events" \
  cargo bench --quiet -p plenary-store-sqlite --bench append
python3 - "$work/data/plenary.sqlite3" "$work/payloads" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "wb") as out:
    for (p,) in con.execute("SELECT payload FROM events ORDER BY seq"):
        out.write(p.encode())
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_it() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
runs=5
verify_us=$(for _ in $(seq $runs); do time_it target/release/plenary verify --data-dir "$work/data"; done | median)
sha_us=$(for _ in $(seq $runs); do time_it sha256sum "$work/payloads"; done | median)
bytes=$(stat -c %s "$work/payloads")
target/release/plenary verify --data-dir "$work/data"
python3 - "$verify_us" "$sha_us" "$bytes" "$((events + 1))" <<'PY'
import sys
v, s, b, n = (int(x) for x in sys.argv[1:])
print(f"plenary verify: {n} events, {b/1e6:.1f} MB of payload, median {v/1e6:.3f} s "
      f"({n/(v/1e6):,.0f} events/s, {b/1e6/(v/1e6):.1f} MB/s)")
print(f"sha256sum over the same payload bytes: median {s/1e6:.3f} s ({b/1e6/(s/1e6):.1f} MB/s)")
print(f"ratio verify/sha256sum time: {v/s:.1f}x")
PY
