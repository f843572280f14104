"""Matching quality on the labelled evaluation set (bench/matching/): Guichet vs BM25 alone vs MiniLM alone.

Prints hit@5, recall@10, MRR and nDCG@10, overall and for French and English needs. Runs in its own
SQLite database under var/bench/. `--directory` and `--needs` evaluate another labelled set.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from matching_common import bm25_ranker, dense_ranker, metrics, record_texts

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "matching"


def summarize(rows: list[tuple[str, dict]]) -> dict[str, dict[str, float]]:
    out = {}
    for group in ("all", "fr", "en"):
        chosen = [m for lang, m in rows if group == "all" or lang == group]
        out[group] = {k: sum(m[k] for m in chosen) / len(chosen) for k in chosen[0]} if chosen else {}
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--directory", default=str(HERE / "directory.json"))
    parser.add_argument("--needs", default=str(HERE / "needs.json"))
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--no-translate", action="store_true", help="lever off: the general lexicon")
    parser.add_argument("--no-evidence", action="store_true", help="lever off: learning from the desk")
    parser.add_argument("--no-vocabulary", action="store_true",
                        help="ablation: the domain vocabulary switched off (what the other levers bring alone)")
    parser.add_argument("--no-intent", action="store_true", help="lever off: the kind of provider asked for")
    parser.add_argument("--intent-logit", type=float, help="try another weights.INTENT_LOGIT")
    parser.add_argument("--quick", action="store_true", help="Guichet rows only, no baselines")
    args = parser.parse_args()
    db = ROOT / "var" / "bench" / f"matching-eval-{os.getpid()}.sqlite3"  # runs in parallel do not collide
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.update(GUICHET_DATABASE_URL=f"sqlite:///{db}", GUICHET_DEBUG="1",
                      DJANGO_SETTINGS_MODULE="guichet.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from guichet.directory.services import directory_import
    from guichet.matching import engine, semantic

    call_command("migrate", verbosity=0)
    if args.no_intent or args.intent_logit is not None:
        from guichet.matching import weights

        weights.INTENT_LOGIT = 0.0 if args.no_intent else args.intent_logit
    if args.no_vocabulary:
        from guichet.matching.models import Concept

        Concept.objects.update(is_active=False)
        engine.reset_cache()
    payload = json.loads(Path(args.directory).read_text(encoding="utf-8"))
    needs = json.loads(Path(args.needs).read_text(encoding="utf-8"))
    started = time.perf_counter()
    directory_import(actor=None, payload=payload)
    import atexit

    atexit.register(lambda: [Path(f"{db}{x}").unlink(missing_ok=True) for x in ("", "-wal", "-shm")])
    print(f"directory: {len(record_texts(payload))} records imported and indexed in "
          f"{time.perf_counter() - started:.1f} s; {len(needs)} needs "
          f"({sum(n['lang'] == 'fr' for n in needs)} French, {sum(n['lang'] == 'en' for n in needs)} English)")

    texts = record_texts(payload)
    options = {"translate": not args.no_translate, "use_evidence": not args.no_evidence}
    backend = semantic.backend()
    systems = [("guichet, no embeddings", lambda q: [r.key for r in engine.match(q, limit=10, semantic=False,
                                                                                   **options)])]
    if backend:
        systems.append((f"guichet + {backend}", lambda q: [r.key for r in engine.match(q, limit=10, semantic=True,
                                                                                         **options)]))
    if not args.quick:
        systems.append(("baseline: BM25 alone (rank-bm25)", bm25_ranker(texts)))
        dense = dense_ranker(texts)
        if dense:
            systems.append((f"baseline: {backend} alone", dense))
        else:
            print("no embedding backend (GUICHET_EMBEDDINGS): dense rows are skipped")

    header = f"{'system':<36} {'needs':<5} " + " ".join(f"{m:>9}" for m in ("hit@5", "recall@10", "MRR", "nDCG@10"))
    print(header)
    print("-" * len(header))
    for name, rank in systems:
        rows, misses, empty = [], [], 0
        for need in needs:
            ranked = rank(need["text"])
            empty += not ranked
            m = metrics(ranked, {k: 1 for k in need["relevant"]})
            rows.append((need["lang"], m))
            if not m["hit@5"]:
                misses.append((need, ranked[:5]))
        for group, values in summarize(rows).items():
            print(f"{name:<36} {group:<5} " + " ".join(f"{values[k]:>9.3f}" for k in values))
        print(f"{name:<36} empty answers: {empty}")
        if args.show_misses and name.startswith("guichet"):
            for need, ranked in misses:
                print(f"   miss {need['id']}: {need['text']!r} -> {ranked} (want {need['relevant']})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
