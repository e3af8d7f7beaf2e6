#!/usr/bin/env python3
"""A fair server (issue 23): one hostile or stuck user must not take the server from the
others. Against a demo server (its address and three signed-in cookie headers given),
this measures:

- the cost of one refused and one stored single-entry sync (client time on loopback,
  median of 30 each);
- a second user's page latency (p50, p95 of GET /households/QN000001 and /) alone, then
  while a clerk sends 20 batches of 100 refused entries to /api/sync and a manager runs
  50 parallel XLSX downloads of the member list;
- the server's resident memory before, at the peak and 5 s after the burst.

Prints one line per figure ("- …"), for bench/fair.sh to keep in bench/results.md.
Synthetic: the demo data and made-up entries.
"""
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request

base, clerk, manager, reader, pid = sys.argv[1:6]


def call(method, path, cookie, body=None, headers=None, timeout=300):
    h = {"Cookie": cookie}
    h.update(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except Exception:  # a timeout counts as the slowest answer
        status = 0
    return status, (time.perf_counter() - t) * 1000


def csrf(cookie):
    req = urllib.request.Request(base + "/api/me", headers={"Cookie": cookie})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())["csrf"]


def rss_mb():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


clerk_csrf = csrf(clerk)
me = json.loads(urllib.request.urlopen(
    urllib.request.Request(base + "/api/me", headers={"Cookie": clerk})).read())
unit = me["unit_code"]
seq = [0]


def entry(refused):
    seq[0] += 1
    row = {"date": "2026-03-02", "unit_code": unit, "support_type": "gift",
           "quantity": "1", "value_vnd": "100000"}
    if refused:
        row["support_type"] = "x" * 400  # a value no vocabulary has
    return {"client_id": f"bench-{int(time.time())}-{seq[0]:06d}", "kind": "supports", "row": row}


def cost(refused):
    times = []
    for _ in range(30):
        status, ms = call("POST", "/api/sync", clerk, [entry(refused)],
                          {"X-CSRF-Token": clerk_csrf})
        assert status == 200, status
        times.append(ms)
    return statistics.median(times)


def pages(n, out):
    for i in range(n):
        path = "/households/QN000001" if i % 2 else "/"
        status, ms = call("GET", path, reader, timeout=120)
        out.append(ms if status == 200 else 120_000)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


refused_ms = cost(True)
stored_ms = cost(False)
alone = []
pages(40, alone)
rss_before = rss_mb()

stop = threading.Event()
peak = [rss_before]


def watch():
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb())
        time.sleep(0.2)


sync_ms, download_ms = [], []


def attack_sync(k):
    for _ in range(2):
        status, ms = call("POST", "/api/sync", clerk, [entry(True) for _ in range(100)],
                          {"X-CSRF-Token": clerk_csrf})
        assert status == 200, status
        sync_ms.append(ms)


def attack_download(k):
    status, ms = call("GET", "/records/members?format=xlsx&masked=1", manager)
    assert status == 200, status
    download_ms.append(ms)


threads = [threading.Thread(target=watch)]
threads += [threading.Thread(target=attack_sync, args=(k,)) for k in range(10)]
threads += [threading.Thread(target=attack_download, args=(k,)) for k in range(50)]
attack_started = time.perf_counter()
for t in threads:
    t.start()
# Her pages, one after another, for as long as the attack lasts (40 at least).
under = []
while any(t.is_alive() for t in threads[1:]) or len(under) < 40:
    pages(2, under)
attack_s = time.perf_counter() - attack_started
for t in threads[1:]:
    t.join()
stop.set()
threads[0].join()
time.sleep(5)
rss_after = rss_mb()

print(f"- a refused single-entry sync: {refused_ms:.1f} ms; a stored one: {stored_ms:.1f} ms "
      "(median of 30, client time on loopback)")
print(f"- a second user's page alone: p50 {pct(alone, 50):.0f} ms, p95 {pct(alone, 95):.0f} ms")
print(f"- the same under 20 batches of 100 refused entries and 50 parallel XLSX downloads "
      f"({len(under)} pages over the {attack_s:.1f} s the attack lasted): "
      f"p50 {pct(under, 50):.0f} ms, p95 {pct(under, 95):.0f} ms")
print(f"- the attack's own answers: a batch of 100 refused entries p50 {pct(sync_ms, 50):.0f} ms, "
      f"max {max(sync_ms):.0f} ms; a member-list XLSX (10,000+ rows) p50 {pct(download_ms, 50):.0f} ms, "
      f"max {max(download_ms):.0f} ms (made two at a time)")
print(f"- server memory: {rss_before:.0f} MB before, {peak[0]:.0f} MB at the peak, "
      f"{rss_after:.0f} MB 5 s after")
