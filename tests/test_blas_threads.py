"""One rule for NumPy's BLAS threads (issue 17): the operator's OPENBLAS_NUM_THREADS, else the embedding model's
threads, else one — in gunicorn workers (config/wsgi.py) and in the benches' in-process children alike, so that
the CPU a bench measures per match is what a worker spends."""

import os
import subprocess
import sys
from pathlib import Path

from guichet.config.env import blas_threads

ROOT = Path(__file__).resolve().parents[1]


def test_blas_threads_are_the_operator_s_else_the_model_s_else_one():
    assert blas_threads({}) == "1"
    assert blas_threads({"GUICHET_EMBEDDINGS_THREADS": " 2 "}) == "2"
    assert blas_threads({"GUICHET_EMBEDDINGS_THREADS": "2", "OPENBLAS_NUM_THREADS": "3"}) == "3"
    assert blas_threads({"OPENBLAS_NUM_THREADS": " ", "GUICHET_EMBEDDINGS_THREADS": ""}) == "1"


def test_the_matching_benches_run_numpy_on_the_workers_blas_threads():
    # Before, the in-process child of bench/matching_unseen.py left NumPy's BLAS on one thread per core while
    # the gunicorn workers it was compared with had one.
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "GUICHET_EMBEDDINGS_THREADS")}
    env["PYTHONPATH"] = str(ROOT / "src")
    code = ("import sys; sys.path.insert(0, 'bench'); import matching_common, os; "
            "print(os.environ['OPENBLAS_NUM_THREADS'])")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"
    env["GUICHET_EMBEDDINGS_THREADS"] = "2"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "2"
