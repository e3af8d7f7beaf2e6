"""The national one-year question answered by DuckDB over the benchmark's CSV files.

Loads supports, activities and assignments into DuckDB's own tables (in memory), then
times the same roll-up that `donghanh report --unit VN` answers for one year. Prints one
JSON object: load seconds, query timings and the sums, which `donghanh-bench run`
compares with its own. Synthetic data only (written by `donghanh-bench gen`).

usage: python3 bench/duckdb_national.py DIR YEAR RUNS
"""
import json
import statistics
import sys
import time

import duckdb

directory, year, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = duckdb.connect()
started = time.perf_counter()
con.execute(f"""
CREATE TABLE supports AS SELECT * FROM read_csv('{directory}/supports.csv', header = true,
  columns = {{'record_id': 'VARCHAR', 'date': 'DATE', 'unit_code': 'VARCHAR', 'support_type': 'VARCHAR',
  'household_code': 'VARCHAR', 'member_no': 'BIGINT', 'quantity': 'BIGINT', 'value_vnd': 'BIGINT',
  'programme': 'VARCHAR', 'funding': 'VARCHAR', 'item': 'VARCHAR'}})""")
con.execute(f"""
CREATE TABLE activities AS SELECT * FROM read_csv('{directory}/activities.csv', header = true,
  columns = {{'record_id': 'VARCHAR', 'date': 'DATE', 'unit_code': 'VARCHAR', 'activity_type': 'VARCHAR',
  'sessions': 'BIGINT', 'participants': 'BIGINT'}})""")
con.execute(f"""
CREATE TABLE assignments AS SELECT * FROM read_csv('{directory}/assignments.csv', header = true,
  columns = {{'household_code': 'VARCHAR', 'unit_code': 'VARCHAR', 'year': 'BIGINT', 'assigned_on': 'DATE'}})""")
load_s = time.perf_counter() - started
rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("supports", "activities", "assignments"))

first, last = f"{year}-01-01", f"{year}-12-31"
queries = {
    "supports": f"SELECT support_type, SUM(quantity), SUM(value_vnd), COUNT(*) FROM supports "
                f"WHERE date BETWEEN DATE '{first}' AND DATE '{last}' GROUP BY support_type",
    "activities": f"SELECT activity_type, SUM(sessions), SUM(participants), COUNT(*) FROM activities "
                  f"WHERE date BETWEEN DATE '{first}' AND DATE '{last}' GROUP BY activity_type",
    "assignments": f"SELECT 'hh_assisted', COUNT(DISTINCT household_code), 0, COUNT(*) FROM assignments "
                   f"WHERE year = {year} AND assigned_on <= DATE '{last}'",
}


def ask():
    return {name: [list(r) for r in con.execute(q).fetchall()] for name, q in queries.items()}


answer = ask()  # the first run warms DuckDB's caches
samples = []
for _ in range(runs):
    t = time.perf_counter()
    ask()
    samples.append((time.perf_counter() - t) * 1000)
print(json.dumps({
    "duckdb": duckdb.__version__,
    "rows": rows,
    "load_s": load_s,
    "median_ms": statistics.median(samples),
    "answer": answer,
}))
