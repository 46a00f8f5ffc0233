"""The training page as a learner reads it: chart labels in plain numbers (powers of ten
on the log scale), big enough and apart, and a Korean page with Korean drawings and
control names."""

import math
import re
import shutil

import pytest
from viz_page_support import browser_fixture, open_page_fixture  # noqa: F401

from tinygrad_edu.data import toy_dataset
from tinygrad_edu.lab.models import mlp
from viz.training.page import page_document, training_page
from viz.training.recording import record_training

SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _recording(lang="en", sizes=(2, 4, 4, 4, 1), activation="sigmoid", steps=120):
    X, y = toy_dataset("xor")
    model = mlp(list(sizes), activation=activation, init="xavier", seed=0, output="sigmoid")
    return record_training(model, X, y, optimizer="sgd", lr=0.5, steps=steps, snapshots=2,
                           frames=4, lang=lang, dataset="xor", description="2-4-4-4-1")


def _number(label: str) -> float:
    if label.startswith("10") and len(label) > 2 and not label[2:].isdigit():
        return 10.0 ** int(label[2:].translate(SUPERSCRIPT))
    return float(label)


def _labels(page, chart: str) -> list[dict]:
    return page.evaluate("""id => Array.from(document.querySelectorAll('#' + id + ' text'))
        .map(t => { const r = t.getBoundingClientRect();
                    return {text: t.textContent, axis: t.getAttribute('class'), left: r.left,
                            right: r.right, top: r.top, bottom: r.bottom,
                            size: parseFloat(getComputedStyle(t).fontSize)
                                  * r.height / t.getBBox().height}; })""", chart)


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_chart_labels_are_readable_numbers_that_do_not_overlap(open_page, tmp_path):
    recording = _recording()
    norms = [v for values in recording.grad_norms.values() for v in values if v > 0]
    path = tmp_path / "page.html"
    training_page(recording, path)
    page = open_page(path).page
    _readable(page)
    page.set_viewport_size({"width": 900, "height": 900})  # a resize draws them again
    page.wait_for_timeout(100)
    _readable(page)
    ticks = [_number(label["text"]) for label in _labels(page, "tg-grads")
             if label["axis"] == "tg-tick-y"]
    # the log scale is labelled at powers of ten, within the gradient norms' range
    for tick in ticks:
        assert tick == pytest.approx(10.0 ** round(math.log10(tick)))
        assert min(norms) / 1.01 <= tick <= max(norms) * 1.01
    assert len(ticks) >= 2


def _readable(page) -> None:
    for chart in ("tg-loss", "tg-grads", "tg-params"):
        labels = _labels(page, chart)
        ys = [label for label in labels if label["axis"] == "tg-tick-y"]
        assert len(ys) >= 2, chart
        for label in labels:
            assert label["size"] >= 11, (chart, label)  # on screen, after the SVG's scaling
            assert not re.search(r"\de[-+]?\d|1e", label["text"]), label["text"]
        for one, other in ((a, b) for i, a in enumerate(labels) for b in labels[i + 1:]):
            apart = (one["right"] <= other["left"] + 0.5 or other["right"] <= one["left"] + 0.5
                     or one["bottom"] <= other["top"] + 0.5
                     or other["bottom"] <= one["top"] + 0.5)
            assert apart, (chart, one["text"], other["text"])
        values = [_number(label["text"]) for label in ys]
        assert values == sorted(values, reverse=True) or values == sorted(values)
        assert len({label["text"] for label in ys}) == len(ys)  # no tick said twice


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_a_korean_page_draws_and_names_its_controls_in_korean(open_page, tmp_path):
    recording = _recording(lang="ko", sizes=(2, 2, 1), steps=20)
    document = page_document(recording, lang="ko")
    for snapshot in document["snapshots"]:
        assert "범례" in snapshot["svg"] and "기울기" in snapshot["svg"]
        drawn = re.findall(r"<text[^>]*>([^<]*)</text>", snapshot["svg"])
        assert not {"legend", "value", "grad", "parameter"} & {t.strip() for t in drawn}
        assert not any("∂node" in t for t in drawn)
    path = tmp_path / "ko.html"
    training_page(recording, path, lang="ko")
    page = open_page(path).page
    for name in ("처음", "이전", "재생", "다음", "끝"):
        assert page.get_by_role("button", name=name, exact=True).count() == 1
    page.get_by_role("button", name="재생", exact=True).click()
    assert page.get_by_role("button", name="일시정지", exact=True).count() == 1
    page.get_by_role("button", name="일시정지", exact=True).click()
    names = page.evaluate("""() => Array.from(document.querySelectorAll(
        'button, input, iframe, [role=img]')).map(e => e.getAttribute('aria-label')
        || e.getAttribute('title') || e.textContent).join(' ')""")
    assert not re.search(r"\b(First|Previous|Play|Pause|Next|Last|explorer)\b", names), names


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
@pytest.mark.parametrize("lang, play, pause", [("en", "Play", "Pause"), ("ko", "재생", "일시정지")])
def test_the_optimizer_paths_page_names_its_buttons_in_its_language(open_page, tmp_path, lang,
                                                                    play, pause):
    from tinygrad_edu.lab.optimizers import FUNCTION_SETTINGS, START, anisotropic
    from viz.training.paths import optimizer_paths, paths_page

    paths = optimizer_paths(anisotropic, START, FUNCTION_SETTINGS, steps=4, lang=lang)
    path = tmp_path / "paths.html"
    paths_page(paths, anisotropic, "f(x, y) = x²/20 + y²", path, lang=lang)
    page = open_page(path).page
    page.get_by_role("button", name=play, exact=True).click()
    page.get_by_role("button", name=pause, exact=True).click()
    assert page.get_by_role("button", name=play, exact=True).count() == 1


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_the_hand_set_drawings_are_shown_at_their_own_size(open_page, tmp_path, capsys):
    from tinygrad_edu.cli import main

    path = tmp_path / "xor.html"
    assert main(["train", "xor", "--steps", "3", "--html", str(path)]) == 0
    capsys.readouterr()
    page = open_page(path).page
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.tg-section-svg svg text')).filter(t => t.getClientRects().length)
        .map(t => parseFloat(getComputedStyle(t).fontSize)
                  * t.getBoundingClientRect().height / t.getBBox().height)""")
    assert sizes and min(sizes) >= 13.5  # the drawing's 14-unit text, not shrunk to fit
