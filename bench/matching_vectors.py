"""Dense retrieval at scale: the in-process NumPy matrix (matching.vectors) against sqlite-vec's vec0 table.

100k random unit vectors of 384 dimensions (the size of both embedding models); 200 queries; the 100
nearest each time. Prints p50/p95 per query, load time and resident memory of the matrix. sqlite-vec is a
benchmark-only dependency (pip install sqlite-vec); pgvector is measured when the server has the extension.

`--coarse` compares, in the same process and query by query, the exact float32 product with the int8 first
pass + exact re-scoring (matching.vectors.Coarse, needs torch): CPU time per search (time.process_time, p50/p95),
how many answers differ (must be none), the memory of the int8 copy. Queries: half random, half a stored
vector with noise (a need close to some records), as the matching's needs are.

    OPENBLAS_NUM_THREADS=1 python bench/matching_vectors.py --coarse
"""

import argparse
import os
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
    parser.add_argument("--coarse", action="store_true", help="exact vs int8 first pass, side by side")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    import django

    django.setup()  # matching.vectors reads the directory's model
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
    if args.coarse:
        return coarse_against_exact(matrix, queries)
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


def coarse_against_exact(matrix: np.ndarray, queries: np.ndarray) -> int:
    import torch

    from guichet.matching.vectors import Coarse, VectorIndex

    torch.set_num_threads(1)  # as in a web worker (GUICHET_EMBEDDINGS_THREADS)
    ids = np.arange(1, len(matrix) + 1, dtype=np.int64)
    before = rss_mb()
    fast = VectorIndex("bench", ids, matrix, None, Coarse(matrix))
    grown = rss_mb() - before
    exact = VectorIndex("bench", ids, matrix, None)
    exact.coarse = None
    rng = np.random.default_rng(8)
    near = matrix[rng.integers(0, len(matrix), len(queries) // 2)]
    near = near + 0.05 * rng.standard_normal(near.shape, dtype=np.float32)
    near /= np.linalg.norm(near, axis=1, keepdims=True)
    queries = np.vstack([queries[:len(queries) - len(near)], near])
    cpu = {"exact": [], "int8": []}
    differ = 0
    for q in queries:
        answers = {}
        for name, index in (("exact", exact), ("int8", fast)):
            c0 = time.process_time()
            answers[name] = index.nearest(q, 100)
            cpu[name].append((time.process_time() - c0) * 1000)
        differ += [pk for pk, _c in answers["exact"]] != [pk for pk, _c in answers["int8"]]
    codes = fast.coarse
    size = (codes.codes.nbytes + codes.step.nbytes + codes.error.nbytes + codes.norm.nbytes) / 2**20
    print(f"  CPU per search (process_time), same run, {len(queries)} queries: exact p50 {pct(cpu['exact'], 50):.1f} "
          f"ms, p95 {pct(cpu['exact'], 95):.1f} ms; int8 + exact re-scoring p50 {pct(cpu['int8'], 50):.1f} ms, "
          f"p95 {pct(cpu['int8'], 95):.1f} ms; answers differing {differ}; int8 copy {size:.0f} MB "
          f"(+{grown:.0f} MB resident)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
