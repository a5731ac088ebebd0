"""The Vietnamese catalogues: Django merges every app's catalogue and the project's into one
per language, so a message id (with its context) translated two ways in two catalogues
would silently take one app's wording everywhere. Each message has one translation, none
is left untranslated or fuzzy, and the interface words follow docs/glossary.md."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2]
GLOSSARY = PACKAGE.parent / "docs" / "glossary.md"
CATALOGUES = sorted(PACKAGE.glob("**/locale/vi/LC_MESSAGES/django.po"))
GLOSSARY_SECTION = "## Words of the interface"
NO_CONTEXT = "—"

Key = tuple[str | None, str]


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@cache
def _catalogue(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def _key(message: Message) -> Key:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def _strings(message: Message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


@cache
def _translations() -> dict[Key, dict[str, tuple[str, ...]]]:
    """(context, msgid) -> catalogue -> its translation (every plural form)."""
    found: dict[Key, dict[str, tuple[str, ...]]] = defaultdict(dict)
    for path in CATALOGUES:
        for message in _catalogue(path):
            if message.id:
                found[_key(message)][_name(path)] = _strings(message)
    return found


def _glossary_rows() -> list[tuple[str | None, str, str]]:
    """(context, msgid, Vietnamese) from the glossary's table of interface words."""
    text = GLOSSARY.read_text(encoding="utf-8")
    assert GLOSSARY_SECTION in text, f"{GLOSSARY} has no section {GLOSSARY_SECTION!r}"
    section = text.split(GLOSSARY_SECTION, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or set(cells[0]) <= {"-", " "}:
            continue
        if cells[0] == "English msgid":
            continue
        msgid, context, vietnamese = (re.sub(r"^`(.*)`$", r"\1", cell) for cell in cells)
        rows.append((None if context == NO_CONTEXT else context, msgid, vietnamese))
    return rows


def test_every_catalogue_is_found() -> None:
    apps = {path.parts[len(PACKAGE.parts)] for path in CATALOGUES}
    assert {"locale", "agency", "cashdesk", "cashless", "collection", "mail", "payouts"} <= apps


def test_no_message_is_translated_two_ways() -> None:
    clashes = {
        key: by_catalogue
        for key, by_catalogue in _translations().items()
        if len({strings for strings in by_catalogue.values() if any(strings)}) > 1
    }
    assert not clashes, (
        "Translated differently in two catalogues (one wording would win everywhere): "
        "give them one wording, or a context (pgettext) where the meanings differ:\n"
        + "\n".join(f"{key!r}: {by_catalogue!r}" for key, by_catalogue in clashes.items())
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_no_message_is_untranslated_or_fuzzy(path: Path) -> None:
    catalogue = _catalogue(path)
    assert not catalogue.fuzzy, f"{_name(path)}: the header is marked fuzzy"
    untranslated = [_key(m) for m in catalogue if m.id and not all(_strings(m))]
    fuzzy = [_key(m) for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"{_name(path)}: untranslated {untranslated}"
    assert not fuzzy, f"{_name(path)}: fuzzy (check and fix the wording) {fuzzy}"


def test_the_glossary_lists_the_interface_words() -> None:
    rows = _glossary_rows()
    assert len(rows) >= 25
    keys = [(context, msgid) for context, msgid, _ in rows]
    assert len(keys) == len(set(keys)), "a word is listed twice in the glossary"


@pytest.mark.parametrize(
    ("context", "msgid", "vietnamese"),
    _glossary_rows(),
    ids=lambda value: str(value),
)
def test_the_interface_words_follow_the_glossary(
    context: str | None, msgid: str, vietnamese: str
) -> None:
    by_catalogue = _translations().get((context, msgid))
    assert by_catalogue, f"no catalogue has {msgid!r} (context {context!r}): a stale row?"
    wrong = {name: strings[0] for name, strings in by_catalogue.items() if strings[0] != vietnamese}
    assert not wrong, f"{msgid!r} (context {context!r}) should be {vietnamese!r}: {wrong}"


# The tone mark sits where the legal texts and the reviews put it ("hóa", "hủy", "ủy ban",
# "khỏe"), never on the second vowel of an open oa/oe/uy ("hoá", "huỷ", "uỷ"): one spelling
# for each word. "quý" is not such a pair ("qu" is its consonant).
SECOND_VOWEL_TONE = re.compile(r"(?<![qQ])(?:[oO][áàảãạéèẻẽẹ]|[uU][ýỳỷỹỵ])(?![a-zA-Zà-ỹÀ-Ỹđ])")
TEMPLATES = sorted(PACKAGE.glob("*/templates/**/*.html"))


@pytest.mark.parametrize("path", CATALOGUES + TEMPLATES, ids=_name)
def test_one_spelling_for_each_word(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = sorted({m.group(0) for m in SECOND_VOWEL_TONE.finditer(text)})
    assert not found, f"{_name(path)}: write {found} as the reviews do (hóa, hủy, ủy)"
