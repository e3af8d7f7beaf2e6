#!/usr/bin/env bash
# Sign-in under attack: 200 concurrent forged logins (a made-up form token), then 200
# concurrent guesses of the administrator's password with real form tokens, against the
# release build on the demo data (SQLite); meanwhile a signed-in manager loads her
# dashboard every 50 ms. Prints the server's memory, her response times, how the
# attempts were answered, and whether the administrator can still sign in afterwards:
# from her own device (127.0.0.2, where she signed in before the attack) and from a new
# one (127.0.0.3). Replaces the "Sign-in under attack" section of bench/results.md.
# Usage: bench/login_flood.sh [attempts]   (needs curl and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
n=${1:-200}
bench_demo "$dir/serve.err"
idle_kb=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
out=$(python3 - "$base" "$n" "$server" <<'PY'
import http.client, re, statistics, sys, threading, time, urllib.parse

base, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def memory():
    status = open(f"/proc/{pid}/status").read()
    kb = lambda k: int(re.search(rf"{k}:\s+(\d+)", status).group(1)) // 1024
    return f"{kb('VmRSS')} MB now, peak {kb('VmHWM')} MB"
host, port = base.removeprefix("http://").split(":")
port = int(port)

def request(method, path, body=None, headers=None, source="127.0.0.1"):
    c = http.client.HTTPConnection(host, port, timeout=120, source_address=(source, 0))
    h = dict(headers or {})
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    cookies = [v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie"]
    c.close()
    return r.status, data, cookies

def form_token(source="127.0.0.1"):
    _, page, cookies = request("GET", "/login", source=source)
    token = re.search(r'name="_login" value="([^"]*)"', page).group(1)
    return token, "; ".join(cookies)

def login(user, password, source="127.0.0.1", device=""):
    token, cookie = form_token(source)
    body = urllib.parse.urlencode({"_login": token, "username": user, "password": password})
    return request("POST", "/login", body, {"Cookie": "; ".join(c for c in [cookie, device] if c)}, source)

status, _, cookies = login("tinh", "dong-hanh-demo")
assert status == 303, status
session = "; ".join(cookies)

def dashboard_ms():
    t = time.perf_counter()
    s, _, _ = request("GET", "/", headers={"Cookie": session})
    assert s == 200, s
    return (time.perf_counter() - t) * 1000

quiet = [dashboard_ms() for _ in range(20)]
mem_quiet = memory()
# The administrator signed in from her own device before the attack.
_, _, admin_cookies = login("quantri", "dong-hanh-demo", source="127.0.0.2")
device = "; ".join(c for c in admin_cookies if c.startswith("dh_device="))

def during(flood):
    samples, done = [], threading.Event()
    def probe():
        while not done.is_set():
            samples.append(dashboard_ms())
            time.sleep(0.05)
    p = threading.Thread(target=probe)
    p.start()
    answers = flood()
    done.set()
    p.join()
    return samples, answers

def run_all(make):
    answers = [None] * n
    gate = threading.Barrier(n)
    def one(i):
        gate.wait()
        try:
            s, page, _ = make(i)
            if "hết hạn" in page: answers[i] = "token refused"
            elif "quá nhiều" in page: answers[i] = "throttled"
            elif "đang bận" in page: answers[i] = "busy"
            elif "không đúng" in page: answers[i] = "wrong password"
            else: answers[i] = f"status {s}"
        except Exception as e:
            answers[i] = f"error {type(e).__name__}"
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    t0 = time.perf_counter()
    for t in ts: t.start()
    for t in ts: t.join()
    counts = {}
    for a in answers: counts[a] = counts.get(a, 0) + 1
    return counts, (time.perf_counter() - t0)

forged_body = urllib.parse.urlencode({"_login": "made-up", "username": "quantri", "password": "x"})
forged = lambda i: request("POST", "/login", forged_body, {"Cookie": "dh_login=made-up"})
tokens = [form_token() for _ in range(n)]
def guess(i):
    token, cookie = tokens[i]
    body = urllib.parse.urlencode({"_login": token, "username": "quantri", "password": f"guess-{i}"})
    return request("POST", "/login", body, {"Cookie": cookie})

def fmt(samples):
    return f"median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms over {len(samples)} loads"

s1, (a1, t1) = during(lambda: run_all(forged))
mem_forged = memory()
s2, (a2, t2) = during(lambda: run_all(guess))
mem_guessed = memory()
def outcome(status, page):
    return "signed in" if status == 303 else ("throttled" if "quá nhiều" in page else f"HTTP {status}")
own = outcome(*login("quantri", "dong-hanh-demo", source="127.0.0.2", device=device)[:2])
new = outcome(*login("quantri", "dong-hanh-demo", source="127.0.0.3")[:2])
here = outcome(*login("quantri", "dong-hanh-demo")[:2])
print(f"- quiet: the manager's dashboard {fmt(quiet)}; server {mem_quiet}")
print(f"- {n} concurrent forged logins (made-up token) in {t1:.2f} s: {a1}; dashboard meanwhile {fmt(s1)}; server {mem_forged}")
print(f"- {n} concurrent guesses of quantri's password (real tokens, one address) in {t2:.2f} s: {a2}; dashboard meanwhile {fmt(s2)}; server {mem_guessed}")
print(f"- then quantri with the right password: from her own device (127.0.0.2): {own}; from a new device (127.0.0.3): {new}; from the guessing address: {here}")
PY
)
peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
now_kb=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
out+="\n- server memory: $((idle_kb / 1024)) MB before, peak $((peak_kb / 1024)) MB (VmHWM), $((now_kb / 1024)) MB after"
out+="\n- machine: $(nproc) cores; the attackers, the probe and the server share it"
out+="\n- command: \`bench/login_flood.sh $n\`"
printf "%b\n" "$out"
write_section "Sign-in under attack (issue 12)" "$out"
