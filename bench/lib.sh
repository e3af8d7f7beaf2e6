# Shared by the shell benchmarks (sourced, not run): the binary, a demo server on a free
# port, a signed-in session, and the replacement of a section of bench/results.md.
# Each function sets the variables it names; the caller's `trap` stops the server.

# bin: the release binary (DONGHANH_BIN runs one built elsewhere, e.g. while another
# benchmark uses this one); dir: a scratch folder.
bench_setup() {
  bin=${DONGHANH_BIN:-target/release/donghanh}
  [ -n "${DONGHANH_BIN:-}" ] || cargo build --release -q
  dir=$(mktemp -d)
}

# bench_demo [STDERR-FILE]: bench_setup, the demo data in a SQLite file of $dir, served
# (start_server); the server stops and the folder goes when the script ends.
bench_demo() {
  bench_setup
  trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
  db="$dir/bench.sqlite"
  $bin --db "$db" demo --no-serve > /dev/null
  start_server "$db" "${1:-$dir/serve.log}"
}

# start_server DB [extra serve output redirection target for stderr]
# server: its pid; base: its address. Stdout goes to $dir/serve.log, stderr to $2
# (default: the same log).
start_server() {
  local db=$1 err=${2:-$dir/serve.log}
  if [ "$err" = "$dir/serve.log" ]; then
    $bin --db "$db" serve --addr 127.0.0.1:0 > "$dir/serve.log" 2>&1 &
  else
    $bin --db "$db" serve --addr 127.0.0.1:0 > "$dir/serve.log" 2> "$err" &
  fi
  server=$!
  for _ in $(seq 50); do grep -q http:// "$dir/serve.log" && break; sleep 0.1; done
  base=$(grep -o 'http://[0-9.:]*' "$dir/serve.log" | head -1)
}

# sign_in USER: jar (curl's cookie file) and cookie (the header wrk sends).
sign_in() {
  jar="$dir/cookies"
  local token
  token=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="_login" value="[^"]*"' | sed 's/.*value="//;s/"//')
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "_login=$token&username=$1&password=dong-hanh-demo" "$base/login"
  cookie=$(awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7} /^#HttpOnly_/ {printf "%s=%s; ", $6, $7}' "$jar")
}

# write_section TITLE BODY: replaces the section "## TITLE" of bench/results.md (or adds
# it at the end); BODY may hold literal \n.
write_section() {
  python3 - "$1" "$2" <<'PY'
import sys, re, pathlib
p = pathlib.Path("bench/results.md")
text = p.read_text() if p.exists() else "# Benchmark results\n"
title = "## " + sys.argv[1]
section = title + "\n\n" + sys.argv[2].replace("\\n", "\n").rstrip("\n") + "\n"
text = re.sub(r"\n" + re.escape(title) + r"\n.*?(?=\n## |\Z)", "", text, flags=re.S)
p.write_text(text.rstrip("\n") + "\n\n" + section)
PY
}
