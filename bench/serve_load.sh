#!/usr/bin/env bash
# The server under load, on one backend: 50 and 200 signed-in users (wrk on loopback,
# 15 s each) on the dashboard, the report page and a mixed load (one write in ten);
# errors, p50, p99, requests/s, the server's memory at its peak and after, and on
# PostgreSQL the connections open at 200 users; then SIGTERM in the middle of a load,
# counting the requests that were taken but not answered whole (want 0).
# Usage: bench/serve_load.sh sqlite|postgres   (needs wrk, curl, python3; release build)
# Prints the figures and replaces the "Serving under load (issue 13, BACKEND)" section
# of bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
backend=${1:-sqlite}
secs=${SECS:-15}
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
bench_setup
pgdb="donghanh_load_$$"
pg=${DONGHANH_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
cleanup() {
  kill "$server" 2>/dev/null || true
  [ "$backend" = postgres ] && psql "$pg" -qc "DROP DATABASE IF EXISTS $pgdb" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
if [ "$backend" = postgres ]; then
  psql "$pg" -qc "CREATE DATABASE $pgdb"
  db="${pg%/*}/$pgdb"
else
  db="$dir/bench.sqlite"
fi
$bin --db "$db" demo --no-serve > /dev/null
start_server "$db"
sign_in tinh
csrf=$(curl -s -H "Cookie: $cookie" "$base/api/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
report="/reports?unit=48&from=2023-01-01&to=2023-10-31"
cat > "$dir/mixed.lua" <<LUA
-- One write (a new activity of Đà Nẵng, its own record id) in ten requests.
local n = 0
request = function()
  n = n + 1
  if n % 10 == 0 then
    local body = '[{"record_id":"LOAD-' .. math.random(1, 2000000000) .. '","date":"2026-03-03","unit_code":"48","activity_type":"other","sessions":1,"participants":5}]'
    return wrk.format("POST", "/api/import/activities", {["Content-Type"] = "application/json", ["X-CSRF-Token"] = "$csrf", ["Cookie"] = "$cookie"}, body)
  end
  return wrk.format("GET", "$report", {["Cookie"] = "$cookie"})
end
LUA
out=""
row() { # name conns wrk-args…
  local name=$1 conns=$2; shift 2
  local pgconns="" probe=""
  if [ "$backend" = postgres ]; then
    ( sleep $((secs / 2)); psql "$pg" -tAc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$pgdb'" > "$dir/pgconns" ) &
    probe=$!
  fi
  wrk -t2 -c"$conns" -d"${secs}s" --latency "$@" > "$dir/wrk.txt"
  if [ -n "$probe" ]; then
    wait "$probe"
    pgconns=", $(cat "$dir/pgconns") PostgreSQL connections"
  fi
  local p50 p99 rps errors
  p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk.txt")
  rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
  errors=$(awk '/Socket errors|Non-2xx/ {print}' "$dir/wrk.txt" | tr '\n' ' ')
  local mem
  mem=$(awk '/VmRSS/ {r=$2} /VmHWM/ {h=$2} END {printf "%d MB (peak %d MB)", r/1024, h/1024}' /proc/$server/status)
  local line="| $name | $conns | $p50 | $p99 | $rps | ${errors:-none} | $mem$pgconns |"
  echo "$line"
  out+="$line\n"
}
idle=$(awk '/VmRSS/ {printf "%d", $2/1024}' /proc/$server/status)
# Each page once before it is timed: the figures are those of a server in use, whose
# caches hold what was computed since the last write.
curl -s -o /dev/null -H "Cookie: $cookie" "$base/"
curl -s -o /dev/null -H "Cookie: $cookie" "$base$report"
for conns in 50 200; do
  row "dashboard /" $conns -H "Cookie: $cookie" "$base/"
  row "report page" $conns -H "Cookie: $cookie" "$base$report"
  row "mixed, 1 write in 10" $conns -s "$dir/mixed.lua" "$base"
done
sleep 2
after=$(awk '/VmRSS/ {printf "%d", $2/1024}' /proc/$server/status)
# SIGTERM in the middle of a load of 50 clients, each sending one request per
# connection: a request the server took is answered whole, or it counts as failed.
term=$(python3 - "$base" "$server" "$cookie" <<'PY'
import http.client, os, signal, sys, threading, time
base, pid, cookie = sys.argv[1], int(sys.argv[2]), sys.argv[3]
host, port = base.removeprefix("http://").split(":")
done = threading.Event()
signalled = [float("inf")]
counts = {"answered": 0, "refused": 0, "failed": 0, "late": 0}
lock = threading.Lock()
def client():
    while not done.is_set():
        try:
            c = http.client.HTTPConnection(host, int(port), timeout=60)
            c.connect()
            connected = time.monotonic()
        except OSError:
            with lock: counts["refused"] += 1
            time.sleep(0.05)
            continue
        try:
            c.request("GET", "/", headers={"Cookie": cookie})
            r = c.getresponse()
            body = r.read()
            ok = r.status == 200 and body.rstrip().endswith(b"</html>")
            with lock: counts["answered" if ok else "failed"] += 1
        except (ConnectionError, http.client.HTTPException, OSError):
            # Connected before the signal: the server had taken it and dropped it.
            # After: the kernel queued it in the instant before the listener closed.
            with lock: counts["failed" if connected < signalled[0] else "late"] += 1
        finally:
            c.close()
ts = [threading.Thread(target=client) for _ in range(50)]
for t in ts: t.start()
time.sleep(3)
signalled[0] = time.monotonic()
os.kill(pid, signal.SIGTERM)
time.sleep(3)
done.set()
for t in ts: t.join()
print(f"{counts['answered']} requests answered whole, {counts['failed']} failed among those connected before the signal; after it, {counts['refused']} connections refused and {counts['late']} reset (queued by the kernel in the instant before the listener closed)")
PY
)
wait "$server" && code=0 || code=$?
body="| load | users | p50 | p99 | requests/s | errors | server memory$( [ "$backend" = postgres ] && echo ', PostgreSQL connections at mid-run' || true) |\n|---|---|---|---|---|---|---|\n$out"
body+="\n- server memory: $idle MB idle before, $after MB after the loads\n"
body+="- SIGTERM during a load of 50 clients: $term; the server exited with code $code\n"
body+="- machine: $(nproc) cores, wrk and the server share it; release build, the demo data ($backend)\n"
body+="- command: \`bench/serve_load.sh $backend\`\n"
printf "%b" "$body"
write_section "Serving under load (issue 13, $backend)" "$body"
