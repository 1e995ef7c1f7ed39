"""``anju triage train`` reproduces its artifact byte for byte, and the artifact loads safely."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from django.core.management import call_command

from anju.triage import training
from anju.triage.model import META, MODEL_DIR, WEIGHTS, Model
from anju.triage.services import correction_examples, suggestion_correct, suggestion_create

CORPUS = Path(__file__).resolve().parent / "corpus"


def test_training_twice_gives_the_same_bytes(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    call_command("triage", "train", "--corpus", str(CORPUS), "--out", str(first))
    call_command("triage", "train", "--corpus", str(CORPUS), "--out", str(second))
    for name in (META, WEIGHTS):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    meta = json.loads((first / META).read_text(encoding="utf-8"))
    assert meta["corpus"]["examples"] == 48 and "vocabulary" in meta
    model = Model.load(first)
    assert model.version == Model.load(second).version
    assert model.predict(["三号楼电梯困人了，快来"])[0].category == "elevator"


def test_the_order_of_corpus_lines_does_not_matter(tmp_path):
    lines = (CORPUS / "train_mini.jsonl").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "corpus"
    shuffled.mkdir()
    (shuffled / "train_b.jsonl").write_text("\n".join(lines[::2]) + "\nnot json\n", encoding="utf-8")
    (shuffled / "train_a.jsonl").write_text("\n".join(reversed(lines[1::2])) + "\n", encoding="utf-8")
    call_command("triage", "train", "--corpus", str(CORPUS), "--out", str(tmp_path / "one"))
    call_command("triage", "train", "--corpus", str(shuffled), "--out", str(tmp_path / "two"))
    assert (tmp_path / "one" / WEIGHTS).read_bytes() == (tmp_path / "two" / WEIGHTS).read_bytes()


def test_the_shipped_artifact_is_plain_arrays_small_and_quick_to_load():
    with np.load(MODEL_DIR / WEIGHTS, allow_pickle=False) as npz:  # raises on pickled objects
        assert all(npz[name].dtype.kind == "f" for name in npz.files)
    size = sum((MODEL_DIR / name).stat().st_size for name in (META, WEIGHTS))
    assert size < 20 * 1024 * 1024
    started = time.perf_counter()
    Model.load()
    assert time.perf_counter() - started < 2.0  # < 1 s on a quiet machine (bench/triage.py)


def test_corrections_become_training_examples(tmp_path, new_complaint, agent, categories):
    complaint = new_complaint(description="物业管家说话很冲，问什么都不耐烦")
    suggestion_create(complaint_id=complaint.pk)
    suggestion_correct(actor=agent, complaint_id=complaint.pk, category=categories["service_attitude"],
                       urgency="normal")
    new_complaint(description="还没人看过的投诉")  # no decision yet: not an example
    examples = correction_examples()
    assert [(e.category, e.urgency, e.source) for e in examples] == [("service_attitude", "normal",
                                                                      "corrections")]
    call_command("triage", "train", "--include-corrections", "--corpus", str(CORPUS),
                 "--out", str(tmp_path))
    meta = json.loads((tmp_path / META).read_text(encoding="utf-8"))
    assert meta["corpus"]["sources"] == {"corpus": 48, "corrections": 1}


def test_unusable_corpus_lines_are_counted_not_fatal():
    examples, bad = training.read_corpus([CORPUS / "train_mini.jsonl"])
    assert len(examples) == 48 and bad == 0
    for line in ('{"text": "x", "category": "nope", "urgency": "low"}', "{", '{"category": "fees"}'):
        try:
            training.parse_line(line)
        except training.CorpusError:
            continue
        raise AssertionError(line)


def test_the_shipped_artifact_was_trained_on_the_shipped_corpus():
    """Retrain (``anju triage train``) after changing a training file, or this fails."""
    examples, bad = training.read_corpus(training.train_files())
    meta = json.loads((MODEL_DIR / META).read_text(encoding="utf-8"))
    assert bad == 0
    assert meta["corpus"]["examples"] == len(examples)
    assert meta["corpus"]["digest"] == training.corpus_digest(examples)
    assert meta["params"] == json.loads(json.dumps(training.PARAMS))
