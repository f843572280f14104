"""Fit the calibration of matching scores (weights.LOGISTIC) on the old evaluation set only.

For every need of bench/matching/needs.json, the engine's top 50 candidates with their features; label 1
when the record is relevant. A logistic regression (NumPy, L2-regularised, gradient descent) gives the
coefficients to copy into weights.py, with embeddings (GUICHET_EMBEDDINGS backend) and without. Prints the
cosine quantiles of relevant and irrelevant pairs (for weights.DENSE_RANGE) and the threshold table.
Never run it on the held-out or unseen sets.
"""

import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method (a few exact steps converge; features are in [0, 1])."""
    x = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(x.shape[1])
    ridge = l2 * np.diag(np.r_[0.0, np.ones(x.shape[1] - 1)])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) / len(y) + ridge @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x / len(y) + ridge
        step = np.linalg.solve(hessian, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main() -> int:
    db = ROOT / "var" / "bench" / "matching-fit.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.update(GUICHET_DATABASE_URL=f"sqlite:///{db}", GUICHET_DEBUG="1",
                      DJANGO_SETTINGS_MODULE="guichet.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from guichet.directory.services import directory_import
    from guichet.matching import engine, semantic, vectors

    call_command("migrate", verbosity=0)
    directory_import(actor=None, payload=json.loads((ROOT / "bench/matching/directory.json").read_text()))
    needs = json.loads((ROOT / "bench/matching/needs.json").read_text())
    model = semantic.backend()
    modes = [("plain", False)] + ([("dense", True)] if model else [])
    for mode, flag in modes:
        rows, labels, cos_pos, cos_neg = [], [], [], []
        for need in needs:
            relevant = set(need["relevant"])
            for r in engine.match(need["text"], limit=50, semantic=flag):
                names = ["legacy", "dense"] if mode == "dense" else ["legacy"]
                rows.append([r.features[n] for n in names])
                labels.append(float(r.key in relevant))
        x, y = np.array(rows), np.array(labels)
        np.savez(ROOT / "var" / "bench" / f"fit-{mode}.npz", x=x, y=y)
        w = fit(x, y)
        print(f"{mode}: {len(y)} candidates, {int(y.sum())} relevant; coefficients bias {w[0]:.2f}, "
              + ", ".join(f"{n} {v:.2f}" for n, v in zip(names, w[1:], strict=True)))
        z = np.hstack([np.ones((len(x), 1)), x]) @ w
        p = 1 / (1 + np.exp(-z))
        for t in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
            kept = p >= t
            precision = y[kept].mean() if kept.any() else 0
            print(f"   threshold {t:.2f}: precision {precision:.2f}, recall {y[kept].sum() / y.sum():.2f}")
        if mode == "dense":
            index = vectors.vector_index(model)
            for need in needs[:120]:
                q = semantic.embed_query(need["text"])
                from guichet.directory.models import SearchEntry

                keys = dict(SearchEntry.objects.values_list("id", "key"))
                for pk, c in index.nearest(q, len(index)):
                    (cos_pos if keys[pk] in set(need["relevant"]) else cos_neg).append(c)
            print(f"   {model} cosines: relevant p10/p50/p90 {np.percentile(cos_pos, [10, 50, 90]).round(3)}, "
                  f"irrelevant p50/p90/p99 {np.percentile(cos_neg, [50, 90, 99]).round(3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
