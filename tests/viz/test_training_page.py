"""Recording a run and the training page: the numbers are the run's, the page is small,
offline and escaped, and in a real browser it plays, scrubs and opens into steps."""

import base64
import json
import re
import shutil
import zlib

import numpy as np
import pytest

import tinygrad_edu.nn.functional as F
from tinygrad_edu import Tensor, optim
from tinygrad_edu.data import toy_dataset
from tinygrad_edu.lab.models import mlp
from viz.training.page import page_document, training_page
from viz.training.recording import ValueMLP, record_training, snapshot_iterations


def _xor_model(seed=0, sizes=(2, 8, 1)):
    return mlp(list(sizes), activation="tanh", init="xavier", seed=seed, output="sigmoid")


def test_recorded_losses_are_those_of_a_plain_training_loop():
    X, y = toy_dataset("xor")
    recording = record_training(_xor_model(), X, y, optimizer="adam", lr=0.05, steps=40)
    model = _xor_model()
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    for k in range(40):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy(model(Tensor(X)).reshape(-1), y)
        loss.backward()
        assert recording.loss[k] == pytest.approx(loss.item(), rel=1e-6), k
        norm = np.sqrt(sum(np.sum(p.grad.astype(np.float64) ** 2)
                           for name, p in model.named_parameters() if name.startswith("0.")))
        assert recording.grad_norms["layer 1"][k] == pytest.approx(norm, rel=1e-5)
        optimizer.step()
    # a trace holds each iteration's weight before its update
    assert recording.traces["0.weight[0]"][0] == _xor_model()[0].weight.data.reshape(-1)[0]
    assert recording.traces["2.bias"][-1] != model[2].bias.data[0]  # one step behind the end


def test_value_network_is_stepped_like_the_same_tensor_network():
    X, y = toy_dataset("xor")
    net = ValueMLP([2, 2, 1], activation="tanh", seed=3)
    start = {name: v.data for name, v in net.named_values()}
    recording = record_training(net, X, y, optimizer="momentum", lr=0.3, steps=25)
    # the same net written with Tensors, stepped by hand with the lecture's momentum
    W1 = np.array([[start[f"W1[{j},{i}]"] for i in range(2)] for j in range(2)])
    W2 = np.array([[start[f"W2[0,{i}]"] for i in range(2)]])
    b1, b2 = np.zeros(2), np.zeros(1)
    velocity = [np.zeros_like(a) for a in (W1, b1, W2, b2)]
    for k in range(25):
        params = [Tensor(a, requires_grad=True, dtype=np.float64) for a in (W1, b1, W2, b2)]
        hidden = (Tensor(X.astype(np.float64)) @ params[0].T + params[1]).tanh()
        p = (hidden @ params[2].T + params[3]).sigmoid().reshape(-1)
        t = Tensor(y.astype(np.float64))
        loss = -((t * p.log() + (1 - t) * (1 - p).log()).mean())
        loss.backward()
        assert recording.loss[k] == pytest.approx(loss.item(), rel=1e-9)
        for i, param in enumerate(params):  # v ← 0.9 v − η g, w ← w + v (v = −η b)
            velocity[i] = 0.9 * velocity[i] - 0.3 * param.grad
        W1, b1, W2, b2 = (param.data + v for param, v in zip(params, velocity, strict=True))
    assert net.named_values()[0][1].data == pytest.approx(W1[0, 0], rel=1e-9)


def test_snapshots_first_last_evenly_spaced_and_bounded():
    assert snapshot_iterations(5, 12) == [0, 1, 2, 3, 4]
    chosen = snapshot_iterations(2000, 12)
    assert chosen[0] == 0 and chosen[-1] == 1999 and len(chosen) == 12
    gaps = np.diff(chosen)
    assert gaps.max() - gaps.min() <= 1


def test_2000_iterations_of_2_8_1_stay_under_3_mb_and_keep_every_scalar(tmp_path):
    X, y = toy_dataset("xor")
    recording = record_training(_xor_model(), X, y, optimizer="sgd", lr=1.0, steps=2000)
    html = training_page(recording, tmp_path / "page.html")
    assert len(html.encode("utf-8")) < 3_000_000
    document = page_document(recording)
    assert len(document["loss"]) == 2000 and len(document["traces"]["0.weight[0]"]) == 2000
    assert 2 <= len(document["snapshots"]) <= 12 and len(document["frames"]) <= 100
    recorded = {snap["iteration"]: snap for snap in recording.snapshots}
    for snapshot in document["snapshots"]:
        assert "steps" not in snapshot  # the page reads them from the explorer page only
        # its explorer page travels deflated; inflated, it is the explorer of that iteration
        explorer = zlib.decompress(base64.b64decode(snapshot["explorer"])).decode("utf-8")
        assert "default-src 'none'" in explorer
        assert not re.search(r"https?://(?!www\.w3\.org)", explorer)
        block = re.search(r'<script id="tg-doc" type="application/json">(.*?)</script>',
                          explorer, re.S)
        steps = json.loads(block.group(1))["views"]["main"]["steps"]
        updates = [s for s in steps if s["phase"] == "update"]
        assert len(updates) == 4 and all(s["agrees"] for s in updates)
        assert all(s["node"] and f'id="{s["node"]}"' in snapshot["svg"] for s in updates)
        assert [s["title"] for s in updates] == [
            s["title"] for s in recorded[snapshot["iteration"]]["steps"]
            if s["phase"] == "update"]
        assert f"Iteration {snapshot['iteration']}:" in explorer


def test_page_is_offline_and_escapes_what_it_shows(tmp_path):
    X, y = toy_dataset("moons", n=40)
    recording = record_training(_xor_model(), X, y, steps=5, dataset="</script><b>x</b>",
                                description="<img src=x onerror=alert(1)>")
    html = training_page(recording)
    assert "default-src 'none'" in html
    assert "<img src=x" not in html and "</script><b>" not in html
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    with pytest.raises(ValueError, match="lang"):
        training_page(recording, lang="fr")


# ---- in a real browser ----


def _browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium"):
        pytest.skip("chromium is not installed")
    return playwright


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    X, y = toy_dataset("moons", n=60, seed=1)
    recording = record_training(_xor_model(), X, y, optimizer="adam", lr=0.05, steps=300,
                                dataset="moons", description="2-8-1")
    path = tmp_path_factory.mktemp("page") / "training.html"
    training_page(recording, path)
    return path, recording


def test_in_chromium_plays_scrubs_and_opens_steps(page_file):
    playwright = _browser()
    path, recording = page_file
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors, requests = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        status = page.get_by_role("status")
        assert "loss" in status.inner_text()

        def boundary():
            return page.eval_on_selector("#tg-boundary", "c => c.toDataURL()")

        first_image = boundary()
        for k in (0, 37, 150, 299):  # scrub: the status shows the recorded loss
            page.eval_on_selector("#tg-slider", "(e, v) => { e.value = v; "
                                  "e.dispatchEvent(new Event('input')); }", str(k))
            text = status.inner_text()
            shown = float(re.search(r"loss ([-0-9.e]+)", text).group(1))
            assert shown == pytest.approx(recording.loss[k], rel=1e-3), (k, text)
            assert f"{k} / 299" in text
        assert boundary() != first_image  # the boundary bent
        page.get_by_role("button", name="First").click()
        page.get_by_role("button", name="Next", exact=True).click()
        assert page.get_attribute("body", "data-iteration") == "1"
        page.get_by_role("button", name="Previous", exact=True).click()
        assert page.get_attribute("body", "data-iteration") == "0"
        page.get_by_role("button", name="Play").click()
        for _ in range(100):  # (the page's CSP forbids wait_for_function's eval)
            if int(page.get_attribute("body", "data-iteration")) > 20:
                break
            page.wait_for_timeout(50)
        page.get_by_role("button", name="Pause").click()
        stopped_at = page.get_attribute("body", "data-iteration")
        page.wait_for_timeout(200)
        assert page.get_attribute("body", "data-iteration") == stopped_at
        # an iteration opens into the explorer: forward → backward → update
        j = 5  # a recorded iteration that is not the last: the next one's weights exist
        snapshot = recording.snapshots[j]
        k = snapshot["iteration"]
        page.eval_on_selector("#tg-slider", "(e, v) => { e.value = v; "
                              "e.dispatchEvent(new Event('input')); }", str(k))
        page.locator("#tg-open").click()
        for _ in range(100):
            if page.get_attribute("body", "data-explorer") == str(k):
                break
            page.wait_for_timeout(50)
        assert page.get_attribute("body", "data-explorer") == str(k)
        frame = page.frame_locator("#tg-explorer")
        assert f"Iteration {k}" in frame.locator("h1").inner_text()
        # the frame has the keys: → steps the explorer, not the training page's iteration
        frame.get_by_role("status").wait_for()
        page.keyboard.press("ArrowRight")
        assert frame.get_by_role("status").inner_text().startswith("Step 2 /")
        assert page.get_attribute("body", "data-iteration") == str(k)
        listed = frame.locator("#tg-list button")
        phases = [c.split("tg-phase-")[1] for c in listed.evaluate_all(
            "buttons => buttons.map(b => b.className)")]
        first_update = phases.index("update")
        assert phases[0] == "forward" and "backward" in phases[:first_update]
        assert set(phases[first_update:]) == {"update"} and phases.count("update") == 4
        page.screenshot(path=str(path.parent / "explorer-forward.png"))
        # 2.bias is traced whole: its weight before this update and the next iteration's
        before = recording.traces["2.bias"][k]
        after = recording.traces["2.bias"][k + 1]
        listed.filter(has_text="2.bias").filter(has_text="Adam").click()
        assert frame.locator("#tg-title").inner_text().startswith("Update 2.bias")
        assert frame.get_by_role("status").inner_text().startswith(f"Step {len(phases)} /")
        text = frame.locator("#tg-text").inner_text()
        assert "2.bias ← 2.bias − η·m̂ / (√v̂ + ε)" in text  # named, not "w"
        formula = [line for line in text.splitlines() if line.strip().startswith("2.bias ←")][-1]
        numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?",
                                                formula.split("=", 1)[1])]
        assert numbers[0] == pytest.approx(before, rel=1e-3, abs=1e-6)
        assert numbers[-1] == pytest.approx(after, rel=1e-3, abs=1e-6)
        # the drawing shows the new weight from this step on, and the old one before it
        value = frame.locator("g.value.tg-current text[fill='#1f5fbf']")
        assert float(value.text_content().strip("[]")) == pytest.approx(after, rel=1e-3)
        frame.get_by_role("button", name="Previous", exact=True).click()
        frame.get_by_role("button", name="Previous", exact=True).click()
        bias = frame.locator("g.value", has=frame.locator("text", has_text="2.bias"))
        assert float(bias.locator("text[fill='#1f5fbf']").text_content().strip("[]")) == \
            pytest.approx(before, rel=1e-3, abs=1e-6)
        # a tensor weight's update shows w, ∂L/∂w, Δw and the new w as tables
        listed.filter(has_text="0.weight").filter(has_text="Adam").click()
        assert frame.locator(".tg-update-views table").count() == 4
        page.screenshot(path=str(path.parent / "explorer-update.png"))
        # practice mode asks nothing of an update: its text stays whole
        frame.get_by_label("Practice").check()
        listed.filter(has_text="2.bias").filter(has_text="Adam").click()
        assert "2.bias ← 2.bias − η·m̂ / (√v̂ + ε)" in frame.locator("#tg-text").inner_text()
        page.get_by_role("button", name="Close").click()
        assert page.locator("#tg-explorer-box").is_hidden()
        browser.close()
    assert errors == []
    assert all(url.startswith("file:") for url in requests), requests


def test_document_round_trips_as_json(page_file):
    _, recording = page_file
    document = page_document(recording)
    assert json.loads(json.dumps(document))["loss"][5] == pytest.approx(recording.loss[5], rel=1e-4)


def test_replayed_snapshots_narrate_the_step_the_run_took():
    X, y = toy_dataset("circles", n=30, seed=2)
    model = _xor_model()
    recording = record_training(model, X, y, optimizer="rmsprop", lr=0.02, steps=60,
                                snapshots=4)
    final = model[0].weight.data.copy()
    snapshots = recording.snapshots
    assert [s["iteration"] for s in snapshots] == [0, 20, 39, 59]
    np.testing.assert_array_equal(model[0].weight.data, final)  # the trained weights are back
    for snapshot in snapshots[:-1]:
        k = snapshot["iteration"]
        forward = [s for s in snapshot["steps"] if s["phase"] == "forward"]
        assert len(forward) == len({s["node"] for s in forward})  # one per graph node
        (update,) = [s for s in snapshot["steps"] if s.get("param") == "0.weight"]
        for entry in update["entries"]:
            if entry["index"] < 4:  # traced: the weight the next iteration used
                assert entry["after"] == pytest.approx(
                    recording.traces[f"0.weight[{entry['index']}]"][k + 1], rel=1e-6)
            assert entry["agrees"]


def test_the_recording_benchmark_compares_the_same_run():
    from benchmarks.bench_training import plain_loop, recorded

    assert recorded(50).loss[-1] == pytest.approx(plain_loop(50), rel=1e-6)


def test_explorer_of_an_iteration_has_its_weights_and_its_update_steps():
    X, y = toy_dataset("xor")
    recording = record_training(_xor_model(), X, y, optimizer="momentum", lr=0.5, steps=30,
                                snapshots=3)
    for snapshot, (k, weights, _) in zip(recording.snapshots, recording.saved, strict=True):
        document = snapshot["explorer"]
        steps = document["views"]["main"]["steps"]
        phases = [s["phase"] for s in steps]
        first_update = phases.index("update")
        assert phases[0] == "forward" and phases[first_update - 1] == "backward"
        assert phases[first_update:] == ["update"] * 4
        names = {entry["name"]: node for node, entry in document["nodes"].items()}
        for step, weight in zip(steps[first_update:], weights, strict=True):
            node = document["nodes"][step["node"]]
            assert names[step["param"]] == step["node"] and node["kind"] == "parameter"
            # the drawing's numbers are the weights this iteration's forward pass used
            shown = node["value_view"]
            rows = np.array(shown["rows"] if shown["kind"] == "table" else [[shown["value"]]])
            np.testing.assert_allclose(rows.reshape(-1), weight.reshape(-1), rtol=1e-5)
            # ... and the update step's views are the step the run took to the next ones
            (same,) = [s for s in snapshot["steps"] if s.get("param") == step["param"]]
            if k + 1 < recording.iterations:
                name = f"{step['param']}[0]" if weight.size > 1 else step["param"]
                assert recording.traces[name][k + 1] == pytest.approx(
                    weight.reshape(-1)[0] + _first(step["update_views"]["delta"]), rel=1e-4)
            assert step["lines"] == same["lines"] and step["show"]


def _first(quantity):
    return quantity["rows"][0][0] if quantity["kind"] == "table" else quantity["value"]
