"""Dense retrieval at scale: the in-process NumPy matrix (matching.vectors) against sqlite-vec's vec0 table.

100k random unit vectors of 384 dimensions (the size of both embedding models); 200 queries; the 100
nearest each time. Prints p50/p95 per query, load time and resident memory of the matrix. sqlite-vec is a
benchmark-only dependency (pip install sqlite-vec); pgvector is measured when the server has the extension.
"""

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values, p):
    return float(np.percentile(values, p))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from guichet.matching.vectors import VectorIndex

    rng = np.random.default_rng(7)
    before = rss_mb()
    matrix = rng.standard_normal((args.records, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index = VectorIndex("bench", np.arange(1, args.records + 1, dtype=np.int64), matrix, None)
    print(f"== dense retrieval over {args.records} vectors; matrix + id map: +{rss_mb() - before:.0f} MB resident")
    queries = rng.standard_normal((args.queries, 384), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    timings = []
    for q in queries:
        t0 = time.perf_counter()
        index.nearest(q, 100)
        timings.append((time.perf_counter() - t0) * 1000)
    print(f"  numpy matrix: p50 {pct(timings, 50):.1f} ms, p95 {pct(timings, 95):.1f} ms per query (100 nearest)")
    try:
        import sqlite_vec
    except ImportError:
        print("  sqlite-vec not installed: skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "vec.sqlite3")
        if not hasattr(db, "enable_load_extension"):
            print("  sqlite-vec: this Python's sqlite3 cannot load extensions (built without it): skipped")
            return 0
        db.enable_load_extension(True)
        sqlite_vec.load(db)
        db.execute("CREATE VIRTUAL TABLE v USING vec0(embedding float[384])")
        t0 = time.perf_counter()
        db.executemany("INSERT INTO v(rowid, embedding) VALUES (?, ?)",
                       ((i + 1, matrix[i].tobytes()) for i in range(args.records)))
        db.commit()
        print(f"  sqlite-vec {sqlite_vec.__version__ if hasattr(sqlite_vec, '__version__') else ''}: "
              f"{args.records} vectors inserted in {time.perf_counter() - t0:.1f} s")
        timings = []
        for q in queries:
            t0 = time.perf_counter()
            db.execute("SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = 100 ORDER BY distance",
                       [q.tobytes()]).fetchall()
            timings.append((time.perf_counter() - t0) * 1000)
        print(f"  sqlite-vec vec0: p50 {pct(timings, 50):.1f} ms, p95 {pct(timings, 95):.1f} ms per query")
    return 0


if __name__ == "__main__":
    sys.exit(main())
