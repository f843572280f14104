"""Load the assessment engine before the first assessment (issue 15: the first one of a process waited ~10 s).

Web processes assess small inputs in the request, the job worker runs batches: both call `warm` once at start
(core/warm.py, from config/wsgi.py and `guichet worker`). Assessing one known antibody loads what a real assessment
loads (AntPack's numbering and germline tools, promb's human 9-mer database, the reference percentiles).
A failure is logged and left to the first assessment, which would do the same work.
"""

import logging
import time

logger = logging.getLogger(__name__)

# Trastuzumab's variable domains (public: the INN list, DrugBank DB00072).
HEAVY = ("EVQLVESGGGLVQPGGSLRLSCAASGFNIKDTYIHWVRQAPGKGLEWVARIYPTNGYTRYADSVKGRFTISADTSKNTAYLQMNSLRAEDTAVYY"
         "CSRWGGDGFYAMDYWGQGTLVTVSS")
LIGHT = ("DIQMTQSPSSLSASVGDRVTITCRASQDVNTAVAWYQQKPGKAPKLLIYSASFLYSGVPSRFSGSRSGTDFTLTISSLQPEDFATYYCQQHYTTP"
         "PTFGQGTKVEIK")


def warm() -> float:
    started = time.perf_counter()
    try:
        from .engine import assess

        assess("warm-up", HEAVY, LIGHT)
    except Exception:  # noqa: BLE001 — warming is an optimisation; the first assessment would do the same work
        logger.warning("antibodies: warm-up failed, the first assessment will load the engine", exc_info=True)
    elapsed = time.perf_counter() - started
    logger.info("antibodies: engine loaded in %.1f s", elapsed)
    return elapsed
