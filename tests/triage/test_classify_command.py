"""``anju classify``: JSON lines in, the same lines with triage fields out; bad lines reported."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from anju.triage.training import CATEGORIES

FIELDS = {"category", "urgency", "angry", "in_scope", "confidence", "top_categories", "rules"}
ANJU = str(Path(sys.executable).with_name("anju"))


def run(monkeypatch, lines: list[str], *args: str) -> tuple[list[dict], str]:
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    stdout, stderr = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    call_command("classify", *args)
    return [json.loads(line) for line in stdout.getvalue().splitlines()], stderr.getvalue()


def check_fields(item: dict) -> None:
    assert set(item) >= FIELDS
    assert item["category"] in CATEGORIES
    assert item["urgency"] in {"urgent", "high", "normal", "low"}
    assert isinstance(item["angry"], bool) and isinstance(item["in_scope"], bool)
    assert item["in_scope"] == (item["category"] != "out_of_scope")
    assert 0.0 <= item["confidence"] <= 1.0
    probabilities = [p for _, p in item["top_categories"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert item["top_categories"][0][0] == item["category"] or item["rules"]


def test_it_reads_standard_input_and_passes_other_fields_through(db, monkeypatch):
    out, err = run(monkeypatch, [json.dumps({"id": 7, "text": "楼道的灯坏了好几天", "channel": "wechat"},
                                            ensure_ascii=False)])
    assert len(out) == 1 and err == ""
    assert out[0]["id"] == 7 and out[0]["channel"] == "wechat" and out[0]["text"] == "楼道的灯坏了好几天"
    check_fields(out[0])


def test_it_reads_a_file(db, monkeypatch, tmp_path):
    path = tmp_path / "in.jsonl"
    texts = ["电梯卡在三楼不动了", "物业费为什么又涨了", "楼下广场舞太吵"]
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
                    encoding="utf-8")
    out, _ = run(monkeypatch, [], str(path))
    assert [item["text"] for item in out] == texts
    for item in out:
        check_fields(item)


def test_bad_lines_are_reported_and_the_rest_go_on(db, monkeypatch):
    out, err = run(monkeypatch, ['{"text": "垃圾桶满了没人清"}', "{not json", '{"id": 2}', "[1, 2]",
                                 '{"text": 5}', '{"text": "小区门口着火了"}'])
    assert [item["text"] for item in out] == ["垃圾桶满了没人清", "小区门口着火了"]
    assert "line 2: invalid JSON" in err
    assert "line 3: missing “text”" in err
    assert "line 4: not a JSON object" in err
    assert "line 5: missing “text”" in err
    assert "4 line(s) skipped" in err
    assert out[1]["urgency"] == "urgent"


def test_a_missing_file_is_a_clear_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="cannot read"):
        call_command("classify", "/no/such/file.jsonl")


def test_the_real_command_line_works_on_standard_input(tmp_path):
    # No database at all: the model and the danger words still apply.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/none.sqlite3", "ANJU_DATA_DIR": str(tmp_path)}
    lines = json.dumps({"text": "闻到好大一股煤气味", "n": 1}, ensure_ascii=False) + "\nbroken\n"
    done = subprocess.run([ANJU, "classify"], input=lines.encode(), capture_output=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 1 and out[0]["n"] == 1 and out[0]["urgency"] == "urgent"
    assert out[0]["rules"][0]["rule"] == "danger.gas"
    assert "line 2: invalid JSON" in done.stderr.decode()
