"""Match latency and answers over an existing database, to compare two trees of the engine on the same data.

Ranks the old set's needs (needs.json, then needs-holdout.json: the only needs diagnosed on) over the
database of GUICHET_DATABASE_URL with the code on PYTHONPATH, prints wall and CPU time per need (p50, p95,
CPU mean) with the load average, and writes the answers (keys, scores, reasons) to --out; with --against, the
count of needs whose answers differ from another run's file. `--profile` prints the cProfile of the run.
`--set unseen-1` ranks that set's needs instead (latency only: never diagnosed on). `--exact-too` matches every
need twice in the same run, with the int8 first pass over the vectors and with the exact product alone
(matching.vectors), alternating, and prints both CPU figures and how many answers differ (issue 17).

    GUICHET_DATABASE_URL=sqlite:///var/bench/matching-unseen-unseen-1-minilm-syn100000.sqlite3 \\
    GUICHET_EMBEDDINGS=minilm OPENBLAS_NUM_THREADS=1 PYTHONPATH=src \\
        python bench/matching_compare.py --needs 60 --out var/bench/after.json --against var/bench/before.json
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

from matching_common import percentile

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "matching"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--needs", type=int, default=60, help="how many of the old needs (default 60)")
    parser.add_argument("--out", help="write the answers to this JSON file")
    parser.add_argument("--against", help="compare the answers with this file of another run")
    parser.add_argument("--profile", action="store_true", help="print the cProfile (CPU time) of the matches")
    parser.add_argument("--set", help="rank the needs of bench/matching/<SET>/needs.json instead of the old ones")
    parser.add_argument("--exact-too", action="store_true",
                        help="also match each need with the exact vector product alone, side by side")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    import django

    django.setup()
    from guichet.directory.models import SearchEntry
    from guichet.matching import engine, semantic
    from guichet.matching.warm import warm

    warm()
    files = [HERE / args.set / "needs.json"] if args.set else [HERE / "needs.json", HERE / "needs-holdout.json"]
    needs = [n["text"] for f in files for n in json.loads(f.read_text(encoding="utf-8"))][:args.needs]
    for text in needs[:5]:
        engine.match(text, limit=10)  # rarities cached, as in a running server
    profile = cProfile.Profile(time.process_time) if args.profile else None
    answers, wall, cpu = [], [], []
    for text in needs:
        t0, c0 = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        results = engine.match(text, limit=10)
        if profile:
            profile.disable()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        answers.append([r.as_dict() for r in results])
    print(f"{len(needs)} needs over {SearchEntry.objects.count()} records, embeddings {semantic.backend() or 'off'}: "
          f"wall p50 {percentile(wall, 50):.0f} ms, p95 {percentile(wall, 95):.0f} ms; CPU p50 "
          f"{percentile(cpu, 50):.0f} ms, p95 {percentile(cpu, 95):.0f} ms, mean {sum(cpu) / len(cpu):.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f}")
    if args.exact_too:
        exact_side_by_side(needs, answers, cpu)
    if args.out:
        Path(args.out).write_text(json.dumps(answers), encoding="utf-8")
    if args.against:
        other = json.loads(Path(args.against).read_text(encoding="utf-8"))
        differ = sum(1 for a, b in zip(answers, other, strict=False) if a != b)
        print(f"answers differing from {args.against}: {differ} of {min(len(answers), len(other))}")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    return 0


def exact_side_by_side(needs: list[str], answers: list, first_cpu: list[float]) -> None:
    """Each need again, the int8 pass switched off (its copy set aside) then on, alternating: CPU per match of
    both in the same run and the needs whose answers (keys, scores, reasons) differ."""
    from guichet.matching import engine, semantic, vectors, weights

    index = vectors.vector_index(semantic.backend())
    coarse = index.coarse
    if coarse is None:
        print("no int8 copy in this process (no torch): nothing to compare")
        return
    cpu = {"int8": [], "exact": []}
    differ = top_differ = 0
    for text, answer in zip(needs, answers, strict=True):
        # The dense candidates themselves: the 100 nearest records, by both passes.
        q_vec = engine.embed_need(engine.build_profile(text), semantic.backend())
        tops = []
        for kept in (None, coarse):
            index.coarse = kept
            tops.append({pk for pk, _c in index.nearest(q_vec, weights.DENSE_CANDIDATES)})
        top_differ += tops[0] != tops[1]
        for name in ("exact", "int8"):
            index.coarse = None if name == "exact" else coarse
            c0 = time.process_time()
            results = engine.match(text, limit=10)
            cpu[name].append((time.process_time() - c0) * 1000)
            differ += [r.as_dict() for r in results] != answer
    index.coarse = coarse
    for name, values in cpu.items():
        print(f"  {name}: CPU per match p50 {percentile(values, 50):.1f} ms, p95 {percentile(values, 95):.1f} ms, "
              f"mean {sum(values) / len(values):.1f} ms")
    print(f"  needs whose {weights.DENSE_CANDIDATES} nearest records differ, exact vs int8: {top_differ} of "
          f"{len(needs)}")
    print(f"  answers differing from the first pass's: {differ} of {2 * len(needs)}; load average "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
