"""A count in a sentence ("14.827 bưu gửi") is grouped as every other number of the interface."""

from __future__ import annotations

import re
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))
PLURAL_COUNT = re.compile(r"\{% blocktranslate count (\w+)=")


def test_a_count_in_words_has_its_thousands_separator() -> None:
    with translation.override("vi"):
        html = render_to_string("mail/partials/_item_rows.html", {"total": 14827, "page": []})
    assert "14.827 bưu gửi" in html


def test_every_plural_sentence_shows_its_count_grouped() -> None:
    """``blocktranslate count`` puts the raw counter into the sentence ("14827"): the counter
    chooses the plural form, a ``with`` variable shows the number through ``|number``."""
    raw = [
        str(path.relative_to(PACKAGE))
        for path in TEMPLATES
        if any(name != "counter" for name in PLURAL_COUNT.findall(path.read_text("utf-8")))
    ]
    assert TEMPLATES and not raw, (
        f"write {{% blocktranslate count counter=X with n=X|number %}} in {raw}"
    )
