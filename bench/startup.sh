#!/usr/bin/env bash
# Time from starting `plenary demo` (release build, fresh temporary store: migrations,
# the whole demo conference loaded through its commands, then serving) to the first 200
# on /healthz, against the 2 s limit of the quickstart promise. Median of RUNS starts.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
bin="${PLENARY_BIN:-target/release/plenary}"
[ -n "${PLENARY_BIN:-}" ] || cargo build --release -p plenary-cli --quiet
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  PLENARY_LOG=warn "$bin" demo --listen "127.0.0.1:$port" & pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
    sleep 0.01
    if (( ($(date +%s%N) - start) > 30000000000 )); then kill "$pid"; echo "no answer in 30 s" >&2; exit 1; fi
  done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "demo start to first /healthz 200: runs ${times[*]} ms; median ${median} ms; limit 2000 ms; ratio $(python3 -c "print(round($median/2000, 3))")"
