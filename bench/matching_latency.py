"""Match latency (p50/p95) and index build time at 100k directory records, without and with embeddings.

Each mode runs in its own process and SQLite database under var/bench/: the evaluation directory is
imported, the generator adds synthetic records (index build time measured), then the evaluation needs
are matched several times.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from matching_common import percentile

ROOT = Path(__file__).resolve().parents[1]


def run_mode(records: int, rounds: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from guichet.directory.models import SearchEntry
    from guichet.directory.services import directory_import
    from guichet.matching import engine, semantic

    call_command("migrate", verbosity=0)
    backend = semantic.backend()
    mode = f"with {backend} embeddings" if backend else "without embeddings"
    if SearchEntry.objects.count() < records:
        directory_import(actor=None, payload=json.loads((ROOT / "bench/matching/directory.json").read_text()))
        missing = records - SearchEntry.objects.count()
        started = time.perf_counter()
        call_command("generate", organizations=missing // 4, people=missing - missing // 4, verbosity=0,
                     stdout=open(os.devnull, "w"))
        build = time.perf_counter() - started
        print(f"  index build ({mode}): {missing} records generated and indexed in {build:.0f} s "
              f"({missing / build:.0f} records/s)", flush=True)
    needs = json.loads((ROOT / "bench/matching/needs.json").read_text())
    from guichet.matching.warm import warm

    print(f"  warm-up (vocabulary, lexicon, model, vector matrix): {warm():.1f} s", flush=True)
    for need in needs[:10]:
        engine.match(need["text"])  # warm the rarity cache
    timings = []
    for _ in range(rounds):
        for need in needs:
            t0 = time.perf_counter()
            engine.match(need["text"], limit=10)
            timings.append((time.perf_counter() - t0) * 1000)
    print(f"  match latency ({mode}) over {SearchEntry.objects.count()} records, {len(timings)} needs: "
          f"p50 {percentile(timings, 50):.1f} ms, p95 {percentile(timings, 95):.1f} ms (goal: p95 <= 100 ms); "
          f"process resident memory {rss_mb():.0f} MB", flush=True)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", choices=["both", "plain", "semantic"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_mode(args.records, args.rounds)
        return 0
    print(f"== matching at {args.records} records")
    modes = {"plain": "off", "semantic": os.environ.get("GUICHET_EMBEDDINGS", "") or "auto"}
    for mode, flag in modes.items():
        if args.mode not in ("both", mode):
            continue
        db = ROOT / "var" / "bench" / f"matching-{args.records}-{mode}.sqlite3"
        db.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, GUICHET_DEBUG="1", GUICHET_EMBEDDINGS=flag, GUICHET_DATABASE_URL=f"sqlite:///{db}",
                   DJANGO_SETTINGS_MODULE="guichet.config.settings", PYTHONPATH=str(ROOT / "src"))
        subprocess.run([sys.executable, __file__, "--child", "--records", str(args.records), "--rounds",
                        str(args.rounds)], env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
