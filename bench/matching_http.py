"""Match latency through HTTP: gunicorn (two workers) serving GET /api/v1/match on an existing benchmark
database, the evaluation needs sent one after another. Usage:
    python bench/matching_http.py --database var/bench/matching-20000-minilm.sqlite3 [--embeddings minilm]
The database is one made by matching_latency.py (or reembed on a copy of it); nothing is generated here.
"""

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--embeddings", default="off")
    parser.add_argument("--port", type=int, default=8732)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = dict(os.environ, GUICHET_DEBUG="1", GUICHET_EMBEDDINGS=args.embeddings, PYTHONPATH=str(ROOT / "src"),
               GUICHET_DATABASE_URL=f"sqlite:///{Path(args.database).resolve()}",
               DJANGO_SETTINGS_MODULE="guichet.config.settings")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "guichet.config.wsgi", "--workers", "2",
                               "--bind", f"127.0.0.1:{args.port}", "--timeout", "300"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{args.port}/api/v1/match?"
    try:
        started = time.perf_counter()
        while True:
            try:
                urllib.request.urlopen(base + "q=warm", timeout=300).read()
                break
            except OSError:
                if time.perf_counter() - started > 600:
                    raise
                time.sleep(0.5)
        print(f"  gunicorn ready (both workers warmed at start) in {time.perf_counter() - started:.1f} s")
        needs = json.loads((ROOT / "bench/matching/needs.json").read_text())
        for need in needs[:20]:  # each worker's rarity cache
            urllib.request.urlopen(base + urllib.parse.urlencode({"q": need["text"]})).read()
        timings = []
        for _ in range(args.rounds):
            for need in needs:
                t0 = time.perf_counter()
                urllib.request.urlopen(base + urllib.parse.urlencode({"q": need["text"], "limit": 10})).read()
                timings.append((time.perf_counter() - t0) * 1000)
        print(f"  HTTP match latency ({args.embeddings}), {len(timings)} requests: p50 {percentile(timings, 50):.1f} ms, "
              f"p95 {percentile(timings, 95):.1f} ms (goal: p95 <= 100 ms)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
