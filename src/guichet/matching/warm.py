"""Load what matching needs before the first request (issue 15, item 13: the first suggestion took 15 s).

Called once per web process from guichet.config.wsgi (gunicorn workers, runserver) and by the task worker
(`guichet worker`, before its first job), both through core/warm.py (GUICHET_WARM_UP); by MatchingConfig.ready
when db_worker is run directly; not by
other management commands, which do not match.
A failure (no database yet, before `migrate`) is logged and left to the first request.
"""

import logging
import time

logger = logging.getLogger(__name__)


def warm() -> float:
    started = time.perf_counter()
    try:
        from . import concept_index, semantic, vectors
        from .lexicon import lexicon
        from .profile import vocabulary

        vocabulary()
        lexicon()
        concept_index.concept_index()
        model = semantic.backend()
        if model:
            semantic.embed_query("warm up", name=model)  # loads the model and its first buffers
            vectors.vector_index(model)
    except Exception:  # noqa: BLE001 — warming is an optimisation; the first request would do the same work
        logger.warning("matching: warm-up failed, the first request will load the engine", exc_info=True)
    elapsed = time.perf_counter() - started
    logger.info("matching: engine loaded in %.1f s", elapsed)
    return elapsed
