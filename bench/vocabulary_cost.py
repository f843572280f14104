"""What the domain vocabulary costs the engine: compiling it (`compile_vocabulary()`, once per process and
after each vocabulary change) and detecting the concepts of a 60-word need (`CompiledVocabulary.detect`).

Its database (SQLite under var/bench/vocabulary unless GUICHET_DATA_DIR says otherwise) is migrated first,
which loads the seed: `GUICHET_DEBUG=1 python bench/vocabulary_cost.py` (part of `make bench`).
"""

import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
os.environ.setdefault("GUICHET_DATA_DIR", os.path.join("var", "bench", "vocabulary"))
django.setup()

from django.core.management import call_command  # noqa: E402

from guichet.matching import engine  # noqa: E402
from guichet.matching.models import Concept  # noqa: E402

# 60 words, French and English mixed, as a requester would write.
NEED = ("Nous cherchons une plateforme capable de trier des lymphocytes T CD8 à partir de sang de patients "
        "atteints de lupus, puis du séquençage single-cell et du répertoire TCR. We need surface plasmon "
        "resonance to measure binding kinetics of our humanized antibody, a mouse model of colitis, and help "
        "with GMP manufacturing, regulatory affairs and seed funding, as soon as possible.")


def timed(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return result, statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def main():
    call_command("migrate", verbosity=0)
    vocabulary, compile_ms, compile_p95 = timed(engine.compile_vocabulary, 5)
    found, detect_ms, detect_p95 = timed(lambda: vocabulary.detect(NEED), 100)
    print(f"concepts {Concept.objects.filter(is_active=True).count()}, usable synonyms {len(vocabulary.synonyms)}, "
          f"need of {len(NEED.split())} words")
    print(f"compile_vocabulary: median {compile_ms:.1f} ms, p95 {compile_p95:.1f} ms")
    print(f"detect: median {detect_ms:.2f} ms, p95 {detect_p95:.2f} ms, {len(found)} concepts found")


if __name__ == "__main__":
    main()
