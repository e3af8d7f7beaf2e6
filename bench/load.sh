#!/usr/bin/env bash
# The dashboard under load: 50 concurrent signed-in users on loopback for 30 s (wrk),
# on the demo data (SQLite, release build); then the server's memory.
# Usage: bench/load.sh [connections] [seconds]   (needs wrk and curl)
# Prints the figures and replaces the "Dashboard under load" section of bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
conns=${1:-50}
secs=${2:-30}
command -v wrk > /dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
bench_demo
sign_in tinh
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/")
[ "$status" = 200 ] || { echo "the dashboard answered $status, not 200" >&2; exit 1; }
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Cookie: $cookie" "$base/" > "$dir/wrk.txt"
cat "$dir/wrk.txt"
p50=$(awk '$1 == "50%" {print $2}' "$dir/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$dir/wrk.txt")
rps=$(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt")
total=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
errors=$(awk '/Socket errors|Non-2xx/ {print}' "$dir/wrk.txt" | tr '\n' ' ')
peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
out="- \`/\` (the dashboard of Đà Nẵng's manager: the year's report by communes and four yearly counts), $conns connections, ${secs} s, wrk on loopback against the release build on SQLite with the demo data: **p50 $p50, p99 $p99**, $rps requests/s, $total requests, errors: ${errors:-none}\n"
out+="- server memory: $((idle_kb / 1024)) MB before the load, peak $((peak_kb / 1024)) MB (VmHWM)\n"
out+="- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%d", $2/1024/1024}' /proc/meminfo) GiB; wrk and the server share it\n"
out+="- command: \`bench/load.sh $conns $secs\`\n"
printf "%b" "$out"
write_section "Dashboard under load (issue 6)" "$out"
