#!/usr/bin/env bash
# A fair server (issue 23): the cost of a refused and of a stored single-entry sync, and a
# second user's page p50/p95 alone and while one clerk sends 20 batches of 100 refused
# entries and a manager runs 50 parallel XLSX downloads of the member list; the server's
# memory before, at the peak and after. Release build, demo data, on SQLite and on
# PostgreSQL (DONGHANH_BENCH_PG, default postgres://postgres@127.0.0.1:5432/postgres: a
# scratch database is made there and dropped). Replaces the "A fair server" section of
# bench/results.md.
# Usage: bench/fair.sh   (needs curl, python3, psql)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_setup
pg=${DONGHANH_BENCH_PG:-postgres://postgres@127.0.0.1:5432/postgres}
scratch="donghanh_fair_$$"
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"; psql "$pg" -qc "DROP DATABASE IF EXISTS $scratch" >/dev/null 2>&1 || true' EXIT

# cookie_of USER: the cookie header of a fresh session of USER.
cookie_of() {
  sign_in "$1"
  printf '%s' "$cookie"
  rm -f "$jar"
}

out=""
for backend in sqlite postgres; do
  if [ "$backend" = sqlite ]; then
    db="$dir/fair.sqlite"
  else
    psql "$pg" -qc "CREATE DATABASE $scratch" >/dev/null
    db="${pg%/*}/$scratch"
  fi
  $bin --db "$db" demo --no-serve > /dev/null
  start_server "$db"
  lines=$(python3 bench/fair.py "$base" "$(cookie_of xa)" "$(cookie_of tinh)" "$(cookie_of xem)" "$server")
  kill $server; wait $server 2>/dev/null || true
  out+="**$backend**"$'\n\n'"$lines"$'\n\n'
  printf '%s\n%s\n' "$backend" "$lines"
done
out+="- release build, demo data (synthetic), $(nproc) cores, $(date -u +%Y-%m-%d)"$'\n'
out+="- command: \`bench/fair.sh\`"
write_section "A fair server (issue 23)" "$out"
