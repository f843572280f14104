"""`make bench`: directory search latency at realistic scale on SQLite and PostgreSQL.

Data is generated once per scale into var/bench/ (SQLite) and the guichet_bench_<scale> PostgreSQL
database, then reused. BENCH_ARGS="--organizations 10000 --people 30000" runs a smaller scale.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from pgbench_db import bench_database

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres", default=os.environ.get("GUICHET_BENCH_POSTGRES",
                                                             "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    scale = f"{args.organizations}o_{args.people}p"
    status = 0
    for backend in args.backends.split(","):
        env = dict(os.environ, GUICHET_DEBUG="1", PYTHONPATH=str(ROOT / "src"))
        if backend == "sqlite":
            path = ROOT / "var" / "bench" / f"directory-{scale}.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            env["GUICHET_DATABASE_URL"] = f"sqlite:///{path}"
        else:
            url = bench_database(f"guichet_bench_{scale}", args.postgres)
            if url is None:
                continue
            env["GUICHET_DATABASE_URL"] = url
        print(f"== directory search, {backend}, {args.organizations} organizations, {args.people} people", flush=True)
        result = subprocess.run([sys.executable, str(ROOT / "bench" / "search_bench.py"), str(args.organizations),
                                 str(args.people), str(args.rounds)], env=env, cwd=ROOT)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
