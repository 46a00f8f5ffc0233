"""viz.words: every sentence a learner reads lives in viz/words/en.py and ko.py.

Both tables have the same areas and keys with the same {placeholders}; no other source
file holds Korean; every key is read somewhere; the lookup names a wrong language."""

import re
import string
from pathlib import Path

import pytest

from viz.words import (
    AREAS,
    LANGUAGES,
    TABLES,
    check_language,
    check_reason,
    graph_words,
    kind_word,
    words_of,
)

ROOT = Path(__file__).resolve().parents[2]
WORDS = ROOT / "viz" / "words"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
SOURCES = (".py", ".js", ".html", ".css")
# Files that must hold Korean besides viz/words/ko.py:
# - tests/: a test states in Korean what a Korean learner must see, independently of the
#   table it checks (reading the expectation from ko.py would test the table against itself);
# - the notebook builders' lessons: the Korean course (notebooks/ko) is prose of its own,
#   written out by notebooks/build.py, not words the library shows.
# And, in the library, one kind of text: an op's local derivative in Korean, declared with
# the op itself (`local_ko=` of ops.declare), as its English text is (see
# test_korean_in_the_library_is_only_an_ops_own_local_ko).
KOREAN_ALLOWED = [WORDS / "ko.py", ROOT / "tests",
                  ROOT / "notebooks" / "lessons.py", ROOT / "notebooks" / "lesson_own_op.py"]
# Where the words are read: the library's code and the pages' script and template.
READERS = [ROOT / "viz", ROOT / "tinygrad_edu"]
# local_phrases: only the words for an op that declares no text ("_rule")
BY_OP_NAME = "local_phrases"


def source_files(folders):
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in SOURCES and "__pycache__" not in path.parts:
                yield path


def placeholders(text: str) -> set[tuple[str, str]]:
    """The {name:spec} fields of a template (names and formats, not positions)."""
    return {(name, spec) for _, name, spec, _ in string.Formatter().parse(text)
            if name is not None}


def texts(value) -> list[str]:
    return list(value) if isinstance(value, tuple) else [value]


def test_both_languages_have_the_same_areas_and_keys():
    assert LANGUAGES == ("en", "ko") and set(TABLES) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert tuple(TABLES[lang]) == AREAS, lang
    for area in AREAS:
        english, korean = set(TABLES["en"][area]), set(TABLES["ko"][area])
        if area == BY_OP_NAME:
            assert english <= korean and english == {"_rule"}
        else:
            assert english == korean, (area, english ^ korean)
        assert english, area  # no empty area


def test_every_key_keeps_its_placeholders_in_both_languages():
    compared = 0
    for area in AREAS:
        for key, english in TABLES["en"][area].items():
            for en_text, ko_text in zip(texts(english), texts(TABLES["ko"][area][key]),
                                        strict=True):
                assert placeholders(en_text) == placeholders(ko_text), (area, key)
                compared += 1
    assert compared > 150
    # the check catches a translation that drops or renames a placeholder
    assert placeholders("{n} nodes, {count:,} leaves") == {("n", ""), ("count", ",")}
    assert placeholders("노드 {n}개") != placeholders("{n} nodes, {count:,} leaves")


def test_every_text_is_a_string_and_every_template_formats():
    for lang in LANGUAGES:
        for area in AREAS:
            for key, value in TABLES[lang][area].items():
                assert all(isinstance(text, str) and text for text in texts(value)), (area, key)
                for text in texts(value):
                    placeholders(text)  # raises on an unbalanced brace


def test_no_korean_in_the_code_outside_the_korean_table():
    found = []
    folders = [ROOT / "viz", ROOT / "tinygrad_edu", ROOT / "examples", ROOT / "benchmarks",
               ROOT / "notebooks", ROOT / "tests"]
    files = [*source_files(folders), *ROOT.glob("*.py")]
    assert len(files) > 100
    for path in files:
        if any(path == allowed or allowed in path.parents for allowed in KOREAN_ALLOWED):
            continue
        if path in LOCAL_KO_FILES:  # checked line by line in the test below
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HANGUL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "Korean outside viz/words/ko.py:\n" + "\n".join(found)
    assert HANGUL.search((WORDS / "ko.py").read_text(encoding="utf-8"))


LIBRARY = ROOT / "tinygrad_edu"
LOCAL_KO_FILES = [path for path in LIBRARY.rglob("*.py") if "local_ko" in path.read_text(
    encoding="utf-8")]


def _korean_outside_local_ko(path: Path) -> list[str]:
    """``file:line`` of every str constant with Hangul in ``path`` that is not part of a
    ``local_ko=`` argument (or a ``"local_ko":`` entry of a dict)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = set()
    for node in ast.walk(tree):
        values = []
        if isinstance(node, ast.keyword) and node.arg == "local_ko":
            values.append(node.value)
        elif isinstance(node, ast.Dict):
            values += [value for key, value in zip(node.keys, node.values, strict=True)
                       if isinstance(key, ast.Constant) and key.value == "local_ko"]
        for value in values:
            allowed.update(id(inner) for inner in ast.walk(value))
    return [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and HANGUL.search(node.value) and id(node) not in allowed]


def test_korean_in_the_library_is_only_an_ops_own_local_ko():
    assert LOCAL_KO_FILES  # the ops that say their derivative in words declare it
    found = [place for path in LOCAL_KO_FILES for place in _korean_outside_local_ko(path)]
    assert not found, f"Korean outside local_ko= in the library: {found}"
    # nor in their comments (docstrings are str constants: checked above)
    import io
    import tokenize

    for path in LOCAL_KO_FILES:
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        found += [f"{path.relative_to(ROOT)}:{token.start[0]}" for token in tokens
                  if token.type == tokenize.COMMENT and HANGUL.search(token.string)]
    assert not found, f"Korean in a comment of the library: {found}"


def test_every_key_is_read_somewhere():
    code = "\n".join(path.read_text(encoding="utf-8") for path in source_files(READERS)
                     if path not in (WORDS / "en.py", WORDS / "ko.py"))
    # keys built by a format string, as in words[f"{w}_name"]: read when their stem is
    suffixes = set(re.findall(r'\[f"\{\w+\}(\w+)"\]', code))

    def read(key: str) -> bool:
        if re.search(rf"\b{re.escape(key)}\b", code):
            return True
        return any(key.endswith(suffix) and read(key[:-len(suffix)]) for suffix in suffixes)

    unread = [(area, key) for area in AREAS if area != BY_OP_NAME
              for key in TABLES["en"][area] if not read(key)]
    assert not unread, f"words nothing reads: {unread}"
    for area in AREAS:  # and every area is looked up by name
        assert f'"{area}"' in code, area


def test_the_graph_words_merge_areas_without_hiding_a_key():
    areas = ("steps", "notes", "drawing")
    for lang in LANGUAGES:
        merged = graph_words(lang)
        assert merged["lang"] == lang
        assert len(merged) == 1 + sum(len(words_of(area, lang)) for area in areas)
        for area in areas:
            assert words_of(area, lang).items() <= merged.items()
    assert kind_word(graph_words("ko"), "constant") == words_of("drawing", "ko")["constant_kind"]
    assert kind_word(graph_words("en"), "parameter") == "parameter"


def test_an_unknown_language_or_area_is_one_clear_error():
    assert words_of("updates", "ko")["title"].startswith("갱신")
    assert check_language("ko") == "ko"
    with pytest.raises(ValueError, match=r"^training_page: lang must be one of en, ko, got 'fr'$"):
        words_of("training_page", "fr", who="training_page")
    with pytest.raises(KeyError, match="no area 'nope'; the areas are steps, notes"):
        words_of("nope", "en")


@pytest.mark.parametrize("key", list(TABLES["en"]["check_reasons"]))
def test_each_check_reason_is_said_in_korean_with_its_values(key):
    english, korean = words_of("check_reasons", "en")[key], words_of("check_reasons", "ko")[key]
    values = {name: f"'value {i}'" for i, (name, _) in enumerate(sorted(placeholders(english)))}
    why = english.format(**values)
    assert check_reason(why, "ko") == korean.format(**values)
    assert check_reason(why, "en") == why
    assert not HANGUL.search(why) and HANGUL.search(check_reason(why, "ko"))
    assert check_reason("the numeric replay", "ko") == "the numeric replay"  # whole ones only
