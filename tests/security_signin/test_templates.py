"""No page needs what the Content-Security-Policy forbids: inline scripts, styles or handlers.

Every template of every Anju app, and the JavaScript it loads, is scanned.
"""

from __future__ import annotations

import re
from pathlib import Path

import anju

ROOT = Path(anju.__file__).parent
TEMPLATES = sorted(ROOT.glob("*/templates/**/*.html"))
STATIC_JS = sorted(p for p in ROOT.glob("*/static/**/*.js"))

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
STYLE_TAG = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.I)
HANDLER_ATTRIBUTE = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
HTMX_INLINE = re.compile(r"""\shx-on[:\-]|\shx-vars\s*=|["']js:""", re.I)


def test_there_are_templates_to_scan():
    assert len(TEMPLATES) > 20
    assert any(p.name == "base.html" and "console" in p.parts for p in TEMPLATES)


def test_no_template_has_an_inline_script():
    offenders = []
    for path in TEMPLATES:
        for attributes, body in SCRIPT_TAG.findall(path.read_text()):
            if "application/json" in attributes:
                continue  # data, never run
            if body.strip() or "src=" not in attributes:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_template_has_an_inline_style_or_event_handler():
    offenders = [
        f"{path.relative_to(ROOT)}: {pattern.pattern}"
        for path in TEMPLATES
        for pattern in (STYLE_TAG, STYLE_ATTRIBUTE, HANDLER_ATTRIBUTE, JS_URL, HTMX_INLINE)
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_htmx_injects_no_styles_and_evaluates_nothing():
    base = (ROOT / "console/templates/console/base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
    css = (ROOT / "console/static/console/console.css").read_text()
    assert ".htmx-indicator" in css  # the rules htmx would have injected


def test_our_scripts_do_not_build_code_from_strings():
    for path in STATIC_JS:
        source = path.read_text()
        assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*[\"']", source), path


def test_the_scanner_finds_what_it_looks_for():
    sample = ('<p style="x"></p><a onclick="y()">a</a><script>z()</script>'
              '<a href="javascript:void(0)">b</a><style>p{}</style>')
    assert STYLE_ATTRIBUTE.search(sample) and HANDLER_ATTRIBUTE.search(sample)
    assert STYLE_TAG.search(sample) and JS_URL.search(sample)
    assert SCRIPT_TAG.findall(sample) == [("", "z()")]
