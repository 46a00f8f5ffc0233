"""`tinygrad-edu demo` in both languages: its headers and "Next:" hint are viz's words,
and the hint, as printed, runs in the same language."""

import contextlib
import io
import shlex

import pytest

from tinygrad_edu.cli import main
from viz.demo import demo_words
from viz.words import words_of


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory):
    """The demo's stdout per language (each run trains XOR once: run them once)."""
    printed = {}
    for lang in ("en", "ko"):
        folder = tmp_path_factory.mktemp(f"demo_{lang}")
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert main(["demo", "--lang", lang, "--out", str(folder)]) == 0
        printed[lang] = (buffer.getvalue(), folder)
    return printed


def hint(text: str, lang: str) -> list[str]:
    """The arguments of the demo's last hint, after "Next:"/"다음:" and the program."""
    start = words_of("demo", lang)["next"]
    (line,) = [line for line in text.splitlines() if line.startswith(start)]
    return shlex.split(line)[2:]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_demo_speaks_the_language_asked_for(demo_output, lang):
    text, folder = demo_output[lang]
    lines = text.splitlines()
    words = demo_words(lang)
    assert lines[0] == words["chain"] and words["xor"] in lines
    other = demo_words("ko" if lang == "en" else "en")
    assert other["chain"] not in text and other["xor"] not in text
    # the walk-through and the page are in the same language
    assert ("역전파 시작: f" in text) == (lang == "ko")
    assert ("Backward: start at f" in text) == (lang == "en")
    page = (folder / "fwb_steps.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in page
    assert "accuracy 1.00" in text


def test_demo_words_are_the_word_tables():
    assert demo_words("ko") == {"chain": words_of("demo", "ko")["chain"],
                                "xor": words_of("demo", "ko")["xor"], "next": "다음:"}
    with pytest.raises(ValueError, match="demo: lang must be one of en, ko, got 'fr'"):
        demo_words("fr")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_next_hint_runs_as_printed_in_the_same_language(demo_output, lang, capsys):
    command = hint(demo_output[lang][0], lang)
    assert command[0] == "graph" and ("--lang" in command) == (lang == "ko")
    assert main(command) == 0
    steps = capsys.readouterr().out
    assert "∂f/∂w = 5, ∂f/∂x = -2, ∂f/∂b = 1" in steps and "= 1 × x = 1 × 5 = 5" in steps
    assert ("역전파" in steps) == (lang == "ko")
