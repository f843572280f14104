"""What guichet[semantic] costs one process: import and model load time, resident memory, time per query."""

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
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    before = rss_mb()
    t0 = time.perf_counter()
    from guichet.matching import semantic

    if not semantic.available():
        print("guichet[semantic] is not installed")
        return 0
    semantic.model()
    load = time.perf_counter() - t0
    semantic.embed(["warm up"])
    t0 = time.perf_counter()
    for _ in range(50):
        semantic.embed(["we need GMP production of a bispecific antibody for a phase I trial"])
    per_query = (time.perf_counter() - t0) / 50 * 1000
    print(f"semantic extra: import + model load {load:.1f} s, resident memory +{rss_mb() - before:.0f} MB, "
          f"one query embedding {per_query:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
