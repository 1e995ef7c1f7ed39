"""Text features shared by training and inference: normalised character n-grams, TF-IDF.

Both sides call the same functions, so a model can never see features at run time that
were computed differently at training time.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC (full-width letters, digits and ！？ become ASCII), lower case, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def ngrams(text: str, low: int, high: int) -> Counter[str]:
    """Counts of the character n-grams of ``text`` (already normalised), low ≤ n ≤ high."""
    counts: Counter[str] = Counter()
    length = len(text)
    for n in range(low, high + 1):
        counts.update(text[i:i + n] for i in range(length - n + 1))
    return counts


class Vectoriser:
    """Sublinear TF-IDF over a fixed vocabulary, rows scaled to unit length."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, low: int, high: int) -> None:
        self.terms = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.low = low
        self.high = high

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One text's (columns, weights): sorted columns, unit length. The fast path for one text."""
        index = self.index
        counts: dict[int, int] = {}
        for gram, count in ngrams(normalise(text), self.low, self.high).items():
            column = index.get(gram)
            if column is not None:
                counts[column] = count
        columns = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        values = np.fromiter((1.0 + math.log(counts[c]) for c in columns.tolist()), dtype=np.float64,
                             count=len(counts))
        values *= self.idf[columns]
        norm = math.sqrt(float(values @ values))
        if norm:
            values /= norm
        return columns, values

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        indptr = [0]
        indices: list[np.ndarray] = []
        values: list[np.ndarray] = []
        for text in texts:
            columns, weights = self.row(text)
            indices.append(columns)
            values.append(weights)
            indptr.append(indptr[-1] + len(columns))
        return sparse.csr_matrix(
            (np.concatenate(values) if values else np.zeros(0),
             np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, dtype=np.int32),
             np.asarray(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, len(self.terms)))


def fit_vocabulary(texts: Sequence[str], low: int, high: int, min_df: int) -> Vectoriser:
    """The vocabulary (n-grams in at least ``min_df`` texts, sorted) and its smoothed IDF."""
    df: Counter[str] = Counter()
    for text in texts:
        df.update(ngrams(normalise(text), low, high).keys())
    terms = sorted(term for term, count in df.items() if count >= min_df)
    total = len(texts)
    idf = np.array([math.log((1 + total) / (1 + df[term])) + 1.0 for term in terms], dtype=np.float64)
    return Vectoriser(terms, idf, low, high)
