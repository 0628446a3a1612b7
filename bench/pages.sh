#!/usr/bin/env bash
# Pages against a static web server: wrk at 64 connections on loopback against the demo's
# instrument page (Resolution 102, with its provision anchors) and its document list,
# served by `plenary demo` (release build, SQLite) and, in the same run, by nginx serving
# the same HTML saved to disk. Prints requests/s, p99 latency and the ratio plenary/nginx.
# Goal (issue #7): ratio >= 0.5 and p99 < 20 ms.
#
#   bench/pages.sh                 # DURATION=10s CONNECTIONS=64 THREADS=2 RUNS=3 by default
#   PLENARY_BIN=target/release/plenary bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"
runs="${RUNS:-3}"
bin="${PLENARY_BIN:-target/release/plenary}"
[ -n "${PLENARY_BIN:-}" ] || cargo build --release --locked -p plenary-cli --quiet
if ! command -v wrk >/dev/null 2>&1 || { ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; }; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk nginx
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

work="$(mktemp -d)"
plenary_pid=""; nginx_pid=""
cleanup() {
  [ -n "$plenary_pid" ] && kill "$plenary_pid" 2>/dev/null && wait "$plenary_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

pport="$(free_port)"
PLENARY_LOG=warn "$bin" demo --data-dir "$work/data" --listen "127.0.0.1:$pport" & plenary_pid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$pport/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

pages=(
  "instrument /instruments/itu.res-102"
  "document-list /conferences/pp-14/documents"
)
nport="$(free_port)"
mkdir -p "$work/www" "$work/nginx"
locations=""
for p in "${pages[@]}"; do
  set -- $p
  curl -sf "http://127.0.0.1:$pport$2" -o "$work/www/$1.html"
  locations+="    location = $2 { default_type text/html; alias $work/www/$1.html; }"$'\n'
done
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
$locations  }
}
CONF
# nginx's workers drop root privileges: let them read the saved pages.
chmod a+rx "$work" "$work/www" && chmod a+r "$work"/www/*.html
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" & nginx_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nport${pages[0]#* }" >/dev/null 2>&1 && break; sleep 0.1; done
for p in "${pages[@]}"; do
  set -- $p
  cmp -s <(curl -sf "http://127.0.0.1:$nport$2") "$work/www/$1.html" || { echo "nginx does not serve $2" >&2; exit 1; }
done

# Requests/s and p99 (ms) of one wrk run.
measure() {
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "$1" | python3 -c '
import re, sys
out = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
v, unit = re.search(r"\n\s+99%\s+([\d.]+)(us|ms|s)", out).groups()
p99 = float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
if errors: sys.exit("non-2xx responses: " + errors.group(1))
print(f"{rps:.0f} {p99:.2f}")'
}

echo "wrk -t$threads -c$connections -d$duration on 127.0.0.1; $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M') UTC; $runs rounds"
echo "load before:$(uptime | sed 's/.*load average//')"
# Rounds alternate which server goes first, so that a change of the machine's load
# during the run falls on both; the summary is the median of each column over the rounds.
results="$work/results"
printf '%-14s %5s %8s %12s %10s %12s %10s %8s\n' page round bytes plenary_rps p99_ms nginx_rps p99_ms ratio
for round in $(seq "$runs"); do
  for p in "${pages[@]}"; do
    set -- $p
    if [ $((round % 2)) -eq 1 ]; then
      read -r prps pp99 < <(measure "http://127.0.0.1:$pport$2")
      read -r nrps np99 < <(measure "http://127.0.0.1:$nport$2")
    else
      read -r nrps np99 < <(measure "http://127.0.0.1:$nport$2")
      read -r prps pp99 < <(measure "http://127.0.0.1:$pport$2")
    fi
    ratio=$(python3 -c "print(round($prps/$nrps, 2))")
    printf '%-14s %5s %8s %12s %10s %12s %10s %8s\n' "$1" "$round" "$(stat -c %s "$work/www/$1.html")" "$prps" "$pp99" "$nrps" "$np99" "$ratio" | tee -a "$results"
  done
done
echo "load after:$(uptime | sed 's/.*load average//')"
echo "median over $runs rounds (goal: ratio >= 0.5, plenary p99 < 20 ms):"
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(f[0], []).append([float(x) for x in f[3:8]])
for page, rs in rows.items():
    med = [statistics.median(col) for col in zip(*rs)]
    print(f"{page:<14} plenary {med[0]:.0f} req/s p99 {med[1]:.2f} ms | nginx {med[2]:.0f} req/s p99 {med[3]:.2f} ms | ratio {med[4]:.2f}")
PY
