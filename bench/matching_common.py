"""What the matching benchmarks share: the metrics, the records' texts and the two baselines (BM25 alone,
one embedding model alone), percentiles and a gunicorn serving the API. matching_eval.py, matching_latency.py,
matching_http.py and matching_unseen.py import from here, so that a figure of one and of the other are computed
the same way."""

import json
import math
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from guichet.config.env import blas_threads  # noqa: E402  (no NumPy, no Django settings)

# NumPy's BLAS threads as in a gunicorn worker (config/wsgi.py): one per process unless the operator says
# otherwise. Set before NumPy is imported, here and in every child a bench starts (their environment inherits
# it), so that the CPU a bench measures per match in process predicts the HTTP figure (issue 17).
os.environ["OPENBLAS_NUM_THREADS"] = blas_threads()

ROOT = Path(__file__).resolve().parents[1]

METRICS = ("hit@5", "recall@10", "MRR", "nDCG@10")


def metrics(ranked: list[str], grades: dict[str, int]) -> dict[str, float]:
    """hit@5 and MRR on any relevant key; recall@10 on the relevant set; nDCG@10 with gain 2^grade - 1
    (an ungraded set gives every relevant key grade 1: plain binary nDCG)."""
    relevant = set(grades)
    hit5 = float(any(k in relevant for k in ranked[:5]))
    recall10 = len(relevant & set(ranked[:10])) / len(relevant)
    rr = next((1 / (i + 1) for i, k in enumerate(ranked) if k in relevant), 0.0)
    dcg = sum((2 ** grades[k] - 1) / math.log2(i + 2) for i, k in enumerate(ranked[:10]) if k in relevant)
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return {"hit@5": hit5, "recall@10": recall10, "MRR": rr, "nDCG@10": dcg / idcg}


def record_texts(payload: dict) -> dict[str, str]:
    """Each record's text for the baselines, keyed by record key (a directory-v1 payload)."""
    texts = {}
    for o in payload.get("organizations", []):
        texts[o["key"]] = " ".join([o["name"], o.get("description", ""), " ".join(o.get("keywords", []))])
    for p in payload.get("people", []):
        texts[p["key"]] = " ".join([p["name"], p.get("title", ""), p.get("expertise", "")])
    for pl in payload.get("platforms", []):
        texts[pl["key"]] = " ".join([pl["name"], pl.get("description", "")])
        for r in pl.get("services", []) + pl.get("instruments", []):
            texts[r["key"]] = " ".join([r["name"], r.get("description", ""), pl["name"]])
    return texts


def bm25_ranker(texts: dict[str, str]):
    """BM25 alone (rank-bm25) over the records' words, lower-cased: the floor."""
    from rank_bm25 import BM25Okapi

    def tok(text):
        return re.findall(r"\w+", text.lower())
    keys = list(texts)
    bm25 = BM25Okapi([tok(texts[k]) for k in keys])

    def rank(query):
        scores = bm25.get_scores(tok(query))
        order = sorted(range(len(keys)), key=lambda i: -scores[i])
        return [keys[i] for i in order[:10] if scores[i] > 0]
    return rank


def dense_ranker(texts: dict[str, str]):
    """The configured embedding model alone (GUICHET_EMBEDDINGS), or None when there is none."""
    from guichet.matching import semantic

    if not semantic.available():
        return None
    keys = list(texts)
    matrix = semantic.embed([texts[k] for k in keys])

    def rank(query):
        scores = matrix @ semantic.embed_query(query)
        order = sorted(range(len(keys)), key=lambda i: -scores[i])
        return [keys[i] for i in order[:10]]
    return rank


# --- latency and HTTP: shared by matching_latency.py, matching_http.py and matching_unseen.py ---------------

def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def start_gunicorn(port: int, env: dict | None = None):
    """The shipped gunicorn configuration (two workers, which warm the engine at start) on this process's
    database (or the one `env` names); returns the server process once GET /api/v1/match answers."""
    env = dict(os.environ, **(env or {}), GUICHET_BIND=f"127.0.0.1:{port}", GUICHET_WORKERS="2",
               GUICHET_TIMEOUT="300", GUICHET_MAX_REQUESTS="0", GUICHET_GUNICORN_LOG_LEVEL="warning",
               PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:guichet.config.gunicorn_conf",
                               "--access-logfile", "/dev/null"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=sys.stderr)
    started = time.perf_counter()
    probe = f"http://127.0.0.1:{port}/api/v1/match?q=warm"
    while True:
        try:
            urllib.request.urlopen(probe, timeout=300).read()
            return server
        except OSError:
            pass
        if server.poll() is not None or time.perf_counter() - started > 600:
            server.kill()
            raise SystemExit(f"gunicorn on port {port} did not start")
        time.sleep(0.5)


def http_ranker(base: str):
    def rank(query):
        url = f"{base.rstrip('/')}/api/v1/match?" + urllib.parse.urlencode({"q": query, "limit": 10})
        with urllib.request.urlopen(url, timeout=60) as response:
            return [item["key"] for item in json.load(response)]
    return rank
