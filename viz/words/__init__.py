"""Every sentence a learner reads, in one place: `en.py` and `ko.py`, one dict each,
keyed by area ("steps", "drawing", "explorer", "training_page", "cli", ...). A
translator edits those two files and nothing else::

    words_of("steps", "en")["forward"].format(name="f")     # 'Forward: f'

Code chooses the words by key; no sentence a learner reads is written in the code.
"""

from __future__ import annotations

import re

from . import en, ko

__all__ = ["words_of", "graph_words", "kind_word", "check_reason", "check_language",
           "LANGUAGES", "AREAS"]

TABLES = {"en": en.WORDS, "ko": ko.WORDS}
LANGUAGES = tuple(TABLES)
AREAS = tuple(en.WORDS)


def check_language(lang: str, who: str = "viz") -> str:
    """``lang`` when it is one of LANGUAGES; else one clear error naming them."""
    if lang not in TABLES:
        raise ValueError(f"{who}: lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


def words_of(area: str, lang: str = "en", who: str = "viz") -> dict:
    """The words of ``area`` in ``lang`` (a dict: key -> text). ``who`` names the caller
    in the error an unknown language gets."""
    table = TABLES[check_language(lang, who)]
    if area not in table:
        raise KeyError(f"viz.words: no area {area!r}; the areas are {', '.join(AREAS)}")
    return table[area]


GRAPH_AREAS = ("steps", "notes", "drawing")
_GRAPH_WORDS: dict[str, dict[str, str]] = {}


def graph_words(lang: str, who: str = "viz") -> dict[str, str]:
    """The words of a graph's steps, notes and drawing in one dict (what `viz.steps`,
    `viz.draw` and the explorer document read), with ``"lang"`` naming the language."""
    check_language(lang, who)
    if lang not in _GRAPH_WORDS:
        merged = {"lang": lang}
        for area in GRAPH_AREAS:
            merged.update(words_of(area, lang))
        _GRAPH_WORDS[lang] = merged
    return _GRAPH_WORDS[lang]


def kind_word(words: dict[str, str], kind: str) -> str:
    """``parameter``/``input``/``constant``/... in the language of ``words``."""
    return words["constant_kind" if kind == "constant" else kind]


def _pattern(template: str) -> re.Pattern:
    """An English template as a pattern that gives back its placeholders' values."""
    parts = re.split(r"\{(\w+)\}", template)  # text, name, text, name, ..., text
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                              for i, part in enumerate(parts)))


def check_reason(why: str, lang: str) -> str:
    """``why``, a reason `viz.numeric.numeric_gradients` gives in English, said in
    ``lang``; a reason that fits none of the English templates stays as it is."""
    english, said = words_of("check_reasons", "en"), words_of("check_reasons", lang)
    for key, template in english.items():
        found = _pattern(template).fullmatch(why)
        if found:
            return said[key].format(**found.groupdict())
    return why
