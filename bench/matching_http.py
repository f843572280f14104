"""Match latency through HTTP on an existing benchmark database: the shipped gunicorn configuration (two
workers) serving GET /api/v1/match, the evaluation needs sent one after another. Usage:
    python bench/matching_http.py --database var/bench/matching-20000-minilm.sqlite3 [--embeddings minilm]
The database is one made by matching_latency.py (or reembed on a copy of it); nothing is generated here.
`matching_unseen.py --gunicorn PORT` measures the same way over the sets it imports (matching_common.py).
"""

import argparse
import json
import sys
import time
from pathlib import Path

from matching_common import ROOT, http_ranker, percentile, start_gunicorn


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--embeddings", default="off")
    parser.add_argument("--port", type=int, default=8732)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    server = start_gunicorn(args.port, env={
        "GUICHET_DEBUG": "1", "GUICHET_EMBEDDINGS": args.embeddings,
        "GUICHET_DATABASE_URL": f"sqlite:///{Path(args.database).resolve()}",
        "DJANGO_SETTINGS_MODULE": "guichet.config.settings"})
    rank = http_ranker(f"http://127.0.0.1:{args.port}")
    try:
        print(f"  gunicorn ready (both workers warmed at start) in {time.perf_counter() - started:.1f} s")
        needs = json.loads((ROOT / "bench/matching/needs.json").read_text())
        for need in needs[:20]:  # each worker's rarity cache
            rank(need["text"])
        timings = []
        for _ in range(args.rounds):
            for need in needs:
                t0 = time.perf_counter()
                rank(need["text"])
                timings.append((time.perf_counter() - t0) * 1000)
        print(f"  HTTP match latency ({args.embeddings}), {len(timings)} requests: p50 {percentile(timings, 50):.1f} ms, "
              f"p95 {percentile(timings, 95):.1f} ms (goal: p95 <= 100 ms)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
