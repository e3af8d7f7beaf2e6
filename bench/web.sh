#!/usr/bin/env bash
# Web benchmark on the demo data: page weights and median server time of the pages.
# Usage: bench/web.sh [runs]   (needs curl; builds the release binary)
# Prints the figures and replaces the "Web pages" section of bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-25}
bench_demo
sign_in tinh
css=$(curl -s -b "$jar" "$base/static/app.css" | wc -c)
js=$(curl -s -b "$jar" "$base/static/htmx.min.js" | wc -c)
out="- pages on the demo data (signed in as the Đà Nẵng manager, SQLite, release build), median of $runs requests:\n"
pages=("/" "/households" "/households?q=thi" "/households/QN000001" "/households/new" "/activities/new"
  "/records/supports" "/reports?unit=48&from=2023-01-01&to=2023-10-31"
  "/reports?unit=48&from=2023-01-01&to=2023-10-31&by_children=1"
  "/reports?unit=20443&from=2023-01-01&to=2023-10-31"
  "/reports/explain?unit=48&from=2025-01-01&to=2025-12-31&indicator=hh_escaped"
  "/import" "/offline" "/periods" "/targets?year=2026" "/units" "/users" "/audit")
for path in "${pages[@]}"; do
  body=$(curl -s -b "$jar" "$base$path" | wc -c)
  uses_js=$(curl -s -b "$jar" "$base$path" | grep -c htmx.min.js || true)
  weight=$((body + css + (uses_js > 0 ? js : 0)))
  median=$(for _ in $(seq "$runs"); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$base$path"; done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}')
  out+="  - \`$path\`: **$median ms**; weight $weight B (html $body B + css $css B$([ "$uses_js" -gt 0 ] && echo " + htmx $js B" || true))\n"
done
# Downloads: server time and size (not pages; no style sheet added).
for path in "/reports/download?unit=49&from=2023-01-01&to=2023-10-31&s=2023-10-31&format=pdf" \
  "/reports/download?unit=49&from=2023-01-01&to=2023-10-31&s=2023-10-31&format=html" \
  "/import/template/households"; do
  size=$(curl -s -b "$jar" "$base$path" | wc -c)
  median=$(for _ in $(seq "$runs"); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$base$path"; done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]*1000}')
  out+="  - download \`$path\`: **$median ms**; $size B\n"
done
out+="- command: \`bench/web.sh $runs\`\n"
printf "%b" "$out"
write_section "Web pages (issue 5)" "$out"
