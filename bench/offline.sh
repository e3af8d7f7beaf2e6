#!/usr/bin/env bash
# Offline entry (issue 16): the bundle a phone downloads to work without a network
# (compressed) and the time 50 queued entries take to send on Chrome's "Slow 3G" profile,
# in real Chromium (installed as for the tests). Prints the figures and replaces the
# "Offline entry" section of bench/results.md.
# Usage: bench/offline.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
out=$(cargo test -q -p donghanh --test it -- --ignored --exact browser_offline::offline_bundle_and_a_slow_3g_sync --nocapture 2>/dev/null | grep '^- ')
out+=$'\n'"- in-process demo server (debug build, SQLite) and Chromium $(chromium --version 2>/dev/null | awk '{print $2}'), 2 cores"
out+=$'\n'"- command: \`bench/offline.sh\`"
printf "%s\n" "$out"
write_section "Offline entry (issue 16)" "$out"$'\n'
