"""The shipped classifier: loading the artifact and predicting with numpy and scipy only.

The artifact (``anju/triage/model/``) is two files written by ``anju triage train``:
``meta.json`` (vocabulary, class lists, thresholds, training figures) and ``weights.npz``
(plain float arrays, read with ``allow_pickle=False``). Nothing executable is loaded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from anju.triage.text import Vectoriser

MODEL_DIR = Path(__file__).resolve().parent / "model"
META = "meta.json"
WEIGHTS = "weights.npz"
HEADS = ("category", "urgency", "angry", "urgent")


@dataclass(frozen=True)
class Prediction:
    """What the model alone says about one text (rules come on top, see ``anju.triage.api``)."""

    category: str
    urgency: str
    angry: bool
    confidence: float
    top_categories: list[tuple[str, float]]
    urgent_probability: float
    angry_probability: float


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=1, keepdims=True)
    return shifted


class Model:
    def __init__(self, meta: dict, arrays: dict[str, np.ndarray], version: str) -> None:
        self.meta = meta
        self.version = version
        low, high = meta["ngram"]
        self.vectoriser = Vectoriser(meta["vocabulary"], arrays["idf"], low, high)
        self.categories: list[str] = meta["heads"]["category"]
        self.urgencies: list[str] = meta["heads"]["urgency"]
        self.thresholds: dict[str, float] = meta["thresholds"]
        # One weight matrix for every head: one sparse × dense product per batch.
        self.weights = np.hstack([arrays["category_coef"], arrays["urgency_coef"],
                                  arrays["angry_coef"], arrays["urgent_coef"]]).astype(np.float32)
        self.bias = np.concatenate([arrays["category_intercept"], arrays["urgency_intercept"],
                                    arrays["angry_intercept"], arrays["urgent_intercept"]]).astype(np.float32)
        self.top = int(meta.get("top", 3))

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> Model:
        meta_bytes = (directory / META).read_bytes()
        weights_bytes = (directory / WEIGHTS).read_bytes()
        version = hashlib.sha256(meta_bytes + weights_bytes).hexdigest()[:12]
        with np.load(directory / WEIGHTS, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        return cls(json.loads(meta_bytes), arrays, version)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        if len(texts) == 1:  # one text: gather its rows of the weights, no sparse matrix
            columns, values = self.vectoriser.row(texts[0])
            logits = (values.astype(np.float32) @ self.weights[columns] + self.bias)[np.newaxis, :]
        else:
            logits = np.asarray(self.vectoriser.transform(texts) @ self.weights) + self.bias
        n_cat, n_urg = len(self.categories), len(self.urgencies)
        category = _softmax(logits[:, :n_cat].astype(np.float64))
        urgency = _softmax(logits[:, n_cat:n_cat + n_urg].astype(np.float64))
        angry = 1.0 / (1.0 + np.exp(-logits[:, n_cat + n_urg].astype(np.float64)))
        urgent = 1.0 / (1.0 + np.exp(-logits[:, n_cat + n_urg + 1].astype(np.float64)))
        urgent_column = self.urgencies.index("urgent")
        urgent_threshold = self.thresholds["urgent"]
        angry_threshold = self.thresholds["angry"]
        order = np.argsort(-category, axis=1, kind="stable")[:, : self.top]
        results = []
        for i in range(len(texts)):
            p_urgent = float(urgent[i])
            if p_urgent >= urgent_threshold:
                level = "urgent"
            else:
                others = urgency[i].copy()
                others[urgent_column] = -1.0
                level = self.urgencies[int(others.argmax())]
            top = [(self.categories[j], round(float(category[i, j]), 4)) for j in order[i]]
            results.append(Prediction(
                category=top[0][0], urgency=level, angry=bool(angry[i] >= angry_threshold),
                confidence=top[0][1], top_categories=top, urgent_probability=round(p_urgent, 4),
                angry_probability=round(float(angry[i]), 4)))
        return results


_loaded: Model | None = None
_lock = threading.Lock()


def get_model() -> Model:
    """The shipped model, loaded once per process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = Model.load()
    return _loaded
