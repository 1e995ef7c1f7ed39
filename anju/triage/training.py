"""``anju triage train``: fit the classifier on the shipped corpus and write the artifact.

Deterministic by construction: the corpus is read in sorted order and de-duplicated, the
validation split is chosen by a hash of the text, the solvers are deterministic (newton-cg,
one BLAS thread) and the artifact files carry no timestamps. The same inputs give the same
bytes, which ``tests/triage/test_training.py`` checks.

Thresholds (when a text is called urgent, when angry) are chosen on out-of-fold
probabilities of the training files (five folds by hash of the text); the evaluation
files are never read here.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from anju.triage import rules
from anju.triage.model import META, MODEL_DIR, WEIGHTS
from anju.triage.text import Vectoriser, fit_vocabulary

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CATEGORIES = ["repair", "elevator", "utilities", "public_facility", "sanitation", "greening",
              "security", "parking", "noise", "renovation", "pets", "fees", "service_attitude",
              "neighbor_dispute", "out_of_scope"]
URGENCIES = ["urgent", "high", "normal", "low"]

# Chosen on the validation split of the training files (docs/triage.md, "Tuning").
PARAMS: dict[str, Any] = {
    "ngram": [1, 3],
    "min_df": 2,
    "C": {"category": 20.0, "urgency": 20.0, "angry": 20.0, "urgent": 5.0},
    "class_weight": {"category": "balanced", "urgency": None, "angry": "balanced", "urgent": None},
    "urgent_precision": 0.80,  # the urgent threshold keeps at least this out-of-fold precision
    "folds": 5,  # thresholds are chosen on out-of-fold probabilities
    "validation_share": 5,  # bench/triage.py --validation/--tune: one text in five held out
    "top": 3,
}


@dataclass(frozen=True, order=True)
class Example:
    text: str
    category: str
    urgency: str
    angry: bool
    source: str = "corpus"


class CorpusError(ValueError):
    pass


def parse_line(line: str) -> Example:
    """One corpus line; raises ``CorpusError`` with the reason when it is unusable."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"invalid JSON: {exc.msg}") from None
    if not isinstance(item, dict):
        raise CorpusError("not an object")
    text, category, urgency = item.get("text"), item.get("category"), item.get("urgency")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError("no text")
    if category not in CATEGORIES:
        raise CorpusError(f"unknown category {category!r}")
    if urgency not in URGENCIES:
        raise CorpusError(f"unknown urgency {urgency!r}")
    return Example(text=text.strip(), category=category, urgency=urgency, angry=bool(item.get("angry")))


def read_corpus(paths: Iterable[Path]) -> tuple[list[Example], int]:
    """Examples of the given JSON-lines files (sorted, without duplicates) and the count of bad lines."""
    examples: set[Example] = set()
    bad = 0
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                examples.add(parse_line(line))
            except CorpusError:
                bad += 1
    return sorted(examples), bad


def train_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("train_*.jsonl"))


def eval_files(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob("eval_*.jsonl"))


def is_validation(text: str, share: int) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % share == 0


# --------------------------------------------------------------------------- fitting


@dataclass
class Fitted:
    vectoriser: Vectoriser
    arrays: dict[str, np.ndarray]


def _fit_head(x: Any, labels: Sequence[Any], classes: list[Any], c: float, class_weight: Any
              ) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight=class_weight, max_iter=1000, solver="newton-cg")
    model.fit(x, labels)
    if len(classes) == 2:  # binary: one column, the log-odds of the second class
        return model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)
    # Every class gets a column, in our order; a class missing from the data never wins.
    coef = np.zeros((x.shape[1], len(classes)), dtype=np.float32)
    bias = np.full(len(classes), -1e4, dtype=np.float32)
    for column, label in enumerate(classes):
        if label in model.classes_:
            k = list(model.classes_).index(label)
            coef[:, column] = model.coef_[k]
            bias[column] = model.intercept_[k]
    return coef, bias


def fit(examples: Sequence[Example], params: dict[str, Any], step: Callable[[str], None]) -> Fitted:
    texts = [e.text for e in examples]
    low, high = params["ngram"]
    step("vocabulary")
    vectoriser = fit_vocabulary(texts, low, high, params["min_df"])
    x = vectoriser.transform(texts)
    arrays: dict[str, np.ndarray] = {"idf": vectoriser.idf.astype(np.float32)}
    step("category")
    arrays["category_coef"], arrays["category_intercept"] = _fit_head(
        x, [e.category for e in examples], CATEGORIES, params["C"]["category"],
        params["class_weight"]["category"])
    step("urgency")
    arrays["urgency_coef"], arrays["urgency_intercept"] = _fit_head(
        x, [e.urgency for e in examples], URGENCIES, params["C"]["urgency"],
        params["class_weight"]["urgency"])
    step("angry")
    arrays["angry_coef"], arrays["angry_intercept"] = _fit_head(
        x, [e.angry for e in examples], [False, True], params["C"]["angry"],
        params["class_weight"]["angry"])
    # Urgent or not, on its own: sharper than the urgent column of the four-level head.
    arrays["urgent_coef"], arrays["urgent_intercept"] = _fit_head(
        x, [e.urgency == "urgent" for e in examples], [False, True], params["C"]["urgent"],
        params["class_weight"]["urgent"])
    return Fitted(vectoriser, arrays)


def _probabilities(fitted: Fitted, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    x = fitted.vectoriser.transform(texts)
    a = fitted.arrays
    urgent = 1.0 / (1.0 + np.exp(-(np.asarray(x @ a["urgent_coef"]).ravel() + a["urgent_intercept"][0])))
    angry = 1.0 / (1.0 + np.exp(-(np.asarray(x @ a["angry_coef"]).ravel() + a["angry_intercept"][0])))
    return urgent, angry


def fold_of(text: str, folds: int) -> int:
    return int(hashlib.sha256(("fold:" + text).encode()).hexdigest()[:8], 16) % folds


def out_of_fold(examples: Sequence[Example], params: dict[str, Any], step: Callable[[str], None]
                ) -> tuple[np.ndarray, np.ndarray]:
    """P(urgent) and P(angry) of every example from a model that did not see it (k folds by hash)."""
    folds = params["folds"]
    which = np.array([fold_of(e.text, folds) for e in examples])
    p_urgent, p_angry = np.zeros(len(examples)), np.zeros(len(examples))
    for fold in range(folds):
        held = np.flatnonzero(which == fold)
        rest = [e for e, f in zip(examples, which, strict=True) if f != fold]
        if len(held) and rest:
            fitted = fit(rest, params, lambda name: None)
            p_urgent[held], p_angry[held] = _probabilities(fitted, [examples[int(i)].text for i in held])
        step(f"fold {fold + 1}/{folds}")
    return p_urgent, p_angry


def choose_thresholds(examples: Sequence[Example], p_urgent: np.ndarray, p_angry: np.ndarray,
                      params: dict[str, Any]) -> dict[str, float]:
    """Urgent: the lowest threshold (the most recall) at which urgent calls, danger rules
    included, are still precise enough, or the best F2 if none is; angry: the threshold
    with the best F1. The probabilities come from models that did not see the texts
    (``out_of_fold``)."""
    if not examples:
        return {"urgent": 0.5, "angry": 0.5}
    danger = np.array([bool(rules.danger_matches(e.text)) for e in examples])
    is_urgent = np.array([e.urgency == "urgent" for e in examples])
    is_angry = np.array([e.angry for e in examples])
    grid = [round(t, 2) for t in np.arange(0.05, 0.96, 0.01)]
    urgent_threshold, best_f2 = None, -1.0
    for t in grid:  # the lowest threshold (most recall) whose precision is high enough
        predicted = (p_urgent >= t) | danger
        tp = (predicted & is_urgent).sum()
        if predicted.sum() and tp / predicted.sum() >= params["urgent_precision"]:
            urgent_threshold = t
            break
    if urgent_threshold is None:
        urgent_threshold = 0.5
        for t in grid:
            predicted = (p_urgent >= t) | danger
            tp = (predicted & is_urgent).sum()
            f2 = 5 * tp / (4 * is_urgent.sum() + predicted.sum()) if predicted.sum() else 0.0
            if f2 > best_f2:
                best_f2, urgent_threshold = f2, t
    best_f1, angry_threshold = -1.0, 0.5
    for t in grid:
        predicted = p_angry >= t
        tp = (predicted & is_angry).sum()
        f1 = 2 * tp / (predicted.sum() + is_angry.sum()) if (predicted.sum() + is_angry.sum()) else 0.0
        if f1 > best_f1:
            best_f1, angry_threshold = f1, t
    return {"urgent": float(urgent_threshold), "angry": float(angry_threshold)}


# --------------------------------------------------------------------------- artifact


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz without timestamps (numpy's own writer stamps the current time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.save(member, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return buffer.getvalue()


def corpus_digest(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for e in examples:
        digest.update(json.dumps([e.text, e.category, e.urgency, e.angry], ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def train(examples: Sequence[Example], *, out_dir: Path = MODEL_DIR, params: dict[str, Any] | None = None,
          progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Fit on ``examples`` and write ``meta.json`` and ``weights.npz`` into ``out_dir``."""
    from threadpoolctl import threadpool_limits

    params = params or PARAMS
    step = progress or (lambda name: None)
    examples = sorted(set(examples))
    with threadpool_limits(limits=1):
        thresholds = choose_thresholds(examples, *out_of_fold(examples, params, step), params)
        step("thresholds")
        fitted = fit(examples, params, step)
    meta = {
        "format": 1,
        "ngram": params["ngram"],
        "params": params,
        "thresholds": thresholds,
        "top": params["top"],
        "heads": {"category": CATEGORIES, "urgency": URGENCIES, "angry": [False, True],
                  "urgent": [False, True]},
        "corpus": {"examples": len(examples), "digest": corpus_digest(examples),
                   "sources": {s: sum(1 for e in examples if e.source == s)
                               for s in sorted({e.source for e in examples})}},
        "vocabulary": fitted.vectoriser.terms,
    }
    step("write")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / META).write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n",
                                encoding="utf-8")
    (out_dir / WEIGHTS).write_bytes(_npz_bytes(fitted.arrays))
    return meta
