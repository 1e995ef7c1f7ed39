"""What other apps call: ``classify_text(text) -> Result`` and ``classify_texts(texts)``.

The model's prediction with the rules on top (``anju.triage.rules``). Vectorised: a batch
costs one sparse product, so classify many texts at once when you have them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from anju.triage import rules
from anju.triage.model import get_model

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Result:
    category: str
    urgency: str
    angry: bool
    in_scope: bool
    confidence: float
    top_categories: list[tuple[str, float]]
    rules: list[dict[str, str]] = field(default_factory=list)
    model_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"category": self.category, "urgency": self.urgency, "angry": self.angry,
                "in_scope": self.in_scope, "confidence": self.confidence,
                "top_categories": [[code, p] for code, p in self.top_categories],
                "rules": self.rules}


def classify_texts(texts: Sequence[str], *, keyword_rules: bool = True) -> list[Result]:
    """One ``Result`` per text, in order. ``keyword_rules=False`` skips the database rules
    (the danger words always apply)."""
    model = get_model()
    results = []
    for text, predicted in zip(texts, model.predict(texts), strict=True):
        fired = rules.all_matches(text) if keyword_rules else rules.danger_matches(text)
        category, urgency, by_rule = rules.decide(fired, predicted.category, predicted.urgency)
        confidence = 1.0 if by_rule else predicted.confidence
        results.append(Result(
            category=category, urgency=urgency, angry=predicted.angry,
            in_scope=category != OUT_OF_SCOPE, confidence=confidence,
            top_categories=predicted.top_categories, rules=[f.as_dict() for f in fired],
            model_version=model.version))
    return results


def classify_text(text: str) -> Result:
    return classify_texts([text])[0]
