"""What a learner reads in the drawings and pages: the Korean words, the notes drawn
above a graph, numbers that stay inside their cells, and the explorer's note banner."""

import re
import xml.etree.ElementTree as ET

import numpy as np
from viz_page_support import browser_fixture, open_page_fixture, tensor_xor  # noqa: F401

import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import viz
from tinygrad_edu import Tensor
from viz.demo import lecture_fwb, lecture_sigmoid
from viz.graph import to_networkx
from viz.words import check_reason, words_of

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg[svg.index("<svg"):])
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def graph_label(svg: str) -> list[str]:
    """The lines drawn above the graph (the graph's own label, not a node's)."""
    root = ET.fromstring(svg[svg.index("<svg"):])
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    return ["".join(t.itertext()).strip() for t in graph.findall(f"{SVG}text")]


def graph_label_x(svg: str) -> list[float]:
    """Where each line of the graph's label starts (SVG units from the left edge)."""
    root = ET.fromstring(svg[svg.index("<svg"):])
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    return [float(t.get("x")) for t in graph.findall(f"{SVG}text")]


def plain_xor(backward: bool = True):
    """The training guide's XOR net after a plain backward(): intermediates keep no gradient."""
    np.random.seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    loss = F.binary_cross_entropy(model(Tensor(x)), np.array([[0], [1], [1], [0]], np.float32))
    if backward:
        loss.backward()
    return loss


def blind_xor():
    """The training guide's XOR after a plain backward(), with a learner's op that declares no
    forward on top: two notes (released gradients, and a gradient check that cannot replay it)."""
    from tinygrad_edu import ops

    @ops.declare("double_blind", symbol="2x", math="d(2a)/da = 2", local=("2",))
    def double_rule(node, upstream):
        return (upstream * 2.0,)

    loss = plain_xor(backward=False)
    doubled = ops.apply(double_rule, loss.data * 2.0, (loss,))
    doubled.backward()
    return doubled


def test_a_korean_drawing_has_no_english_word_but_names_and_ops():
    for root in (lecture_sigmoid(), lecture_fwb()):
        svg = viz.svg_text(viz.draw(root, lang="ko"))
        model = to_networkx(root)
        names = {name for _, name in model.nodes(data="name") if name}
        latin = {word for text in texts(svg) for word in re.findall(r"[A-Za-z]{2,}", text)}
        allowed = {w for name in names for w in re.findall(r"[A-Za-z]{2,}", name)} | {"exp"}
        assert latin <= allowed, latin - allowed
        legend = [t for t in texts(svg) if "∂" in t]
        assert legend == [f"∂{model.nodes[model.graph['root']]['name']}/∂노드"]
    english = viz.svg_text(viz.draw(lecture_fwb()))
    assert "∂f/∂node" in texts(english)


def test_the_released_note_is_wrapped_in_the_drawing_and_left_to_the_page_banner():
    loss = plain_xor()
    lines = graph_label(viz.svg_text(viz.draw(loss)))
    said = " ".join(lines)
    assert "did not keep their gradients" in said and "keep_all_grads=True" in said
    assert len(lines) >= 2 and all(len(line) <= 64 for line in lines)
    assert said == words_of("notes", "en")["released"]  # wrapped, not cut
    # at the left edge, where a wide graph's scroll box opens, each line as far left
    starts = graph_label_x(viz.svg_text(viz.draw(loss)))
    assert len(set(starts)) == 1 and 0 <= starts[0] < 40
    korean = graph_label(viz.svg_text(viz.draw(loss, lang="ko")))
    assert len(korean) >= 2 and all(len(line) <= 40 for line in korean)
    assert " ".join(korean) == words_of("notes", "ko")["released"]
    assert graph_label(viz.svg_text(viz.draw(loss, notes=False))) == []
    titled = graph_label(viz.svg_text(viz.draw(loss, notes=False, title="XOR")))
    assert titled == ["XOR"]
    document = viz.explorer_document(loss)
    assert "did not keep" not in document["views"]["main"]["svg"]
    assert any("did not keep" in note["text"] for note in document["notes"])


def test_values_and_gradients_stay_inside_their_cells_and_notes_are_separate(open_page,
                                                                             tmp_path):
    loss, _ = tensor_xor()
    opened = open_page(viz.html(loss, tmp_path / "xor.html"))
    page = opened.page
    # every number lies within the box of the node it belongs to
    spill = page.evaluate("""() => Array.from(document.querySelectorAll('#tg-graph g.value'))
        .flatMap(g => {
            const box = g.querySelector('polygon').getBBox();
            const cells = Array.from(g.querySelectorAll('polygon')).map(p => p.getBBox());
            const right = Math.max(...cells.map(c => c.x + c.width));
            const left = Math.min(...cells.map(c => c.x));
            return Array.from(g.querySelectorAll('text')).filter(t => t.textContent.trim())
                .map(t => t.getBBox()).filter(b => b.x < left - 1 || b.x + b.width > right + 1)
                .map(b => [g.id, b.x, b.width, left, right]); })""")
    assert spill == []
    opened_plain = open_page(viz.html(blind_xor(), tmp_path / "plain.html"))
    notes = opened_plain.page.locator("#tg-note > *")
    assert notes.count() == 2  # the released note and the skipped check, one block each
    assert "did not keep" in notes.nth(0).inner_text()
    assert notes.nth(1).inner_text().startswith("gradient check skipped")
    heights = [notes.nth(i).bounding_box() for i in range(2)]
    assert heights[1]["y"] >= heights[0]["y"] + heights[0]["height"]  # not run together


def test_korean_notes_say_why_the_check_skipped_in_korean_and_the_summary_has_no_rule(
        open_page, tmp_path):
    assert not [note for note in viz.explorer_document(plain_xor())["notes"]
                if note["kind"] == "check-skipped"]  # every op here declares its forward
    notes = viz.explorer_document(blind_xor(), lang="ko")["notes"]
    skipped = [note["text"] for note in notes if note["kind"] == "check-skipped"]
    assert len(skipped) == 1 and "순전파 함수를 선언하지 않아" in skipped[0]
    assert "double_blind" in skipped[0] and "declares no" not in skipped[0]
    loss = plain_xor()
    assert check_reason("something new", "ko") == "something new"
    # the last step sums up the leaves' gradients: no op's rule is at work there
    steps = viz.explorer_document(loss)["views"]["main"]["steps"]
    assert steps[-1]["rule"] is False and all("rule" not in s for s in steps[:-1])
    page = open_page(viz.html(loss, tmp_path / "plain.html")).page
    page.keyboard.press("End")
    assert page.locator("#tg-rule").inner_text() == ""
    page.keyboard.press("ArrowLeft")  # the seed: the root op's rule comes next
    assert page.locator("#tg-rule").inner_text().startswith("rule:")


def test_a_scalar_networks_weights_are_drawn_as_parameters_not_inputs():
    from viz.training.recording import ValueMLP

    net = ValueMLP([2, 3, 2, 1])
    loss = (net([1.0, -0.5]) - 1.0) ** 2
    loss.backward()
    nodes = viz.explorer_document(loss)["nodes"].values()  # net is found among our variables
    kinds = {node["name"]: node["kind"] for node in nodes}
    assert {kinds[name] for name, _ in net.named_values()} == {"parameter"}
    assert kinds["x1"] == kinds["x2"] == "input"
    drawn = viz.svg_text(viz.draw(loss, modules=net))
    assert "cluster_module" not in drawn  # no layer boxes: the net has no layers to box
    assert viz.steps(loss, modules=net)[0].title  # the steps take the same modules
