"""The own-op guide's "Write your own op" and "Higher-order gradients" sections run on
their own, print what they say, and their numbers are right."""

import numpy as np
import pytest
from markdown_docs import DOCS, code_blocks_in, run_blocks, section

GUIDE = DOCS / "07-own-ops.md"


def section_blocks(title: str) -> list[str]:
    return code_blocks_in(section(GUIDE, title), "python")


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    def run_sections(*titles):
        monkeypatch.chdir(tmp_path)
        namespace: dict = {}
        for title in titles:
            blocks = section_blocks(title)
            assert blocks, title
            run_blocks(blocks, GUIDE, namespace)
        return namespace, capsys.readouterr().out.splitlines()

    return run_sections


def test_write_your_own_op(run, tmp_path):
    namespace, printed = run("Write your own op")
    assert printed == ["[0.1192 0.5    0.9526]", "True True"]
    x = namespace["x"]
    np.testing.assert_allclose(x.grad, 1 / (1 + np.exp(-x.data)), rtol=1e-12)
    np.testing.assert_allclose(namespace["softplus"](x).data, x.softplus().data, rtol=1e-12)
    from tinygrad_edu import ops

    spec = ops.spec_of(namespace["softplus"](x))
    assert spec.symbol == "softplus" and spec.local[0].format("x") == "σ(x)"
    assert spec.forward is namespace["softplus_data"]
    import viz  # as the section says: the explorer's gradient check covers the op

    nodes = viz.explorer_document(namespace["loss"])["nodes"].values()
    check = next(n["check"] for n in nodes if n["name"] == "x")
    assert check["ok"]
    np.testing.assert_allclose(check["numeric"], x.grad, rtol=1e-5)
    svg = (tmp_path / "softplus.svg").read_text(encoding="utf-8")
    assert "softplus" in svg


def test_higher_order_gradients(run, tmp_path):
    namespace, printed = run("Higher-order gradients")  # its block imports what it uses
    assert printed == ["0.786448 -0.726862", "1.0", "[ 2.5652 -2.      0.    ]"]
    assert (tmp_path / "tanh_slope.svg").exists()
    # the Hessian column against central differences of an independent gradient formula
    w = namespace["w"].data

    def gradient(w):
        t = np.tanh(w)
        g = 2 * t * (1 - t * t)
        g[0] += 2 * w[0] * w[1] ** 2
        g[1] += 2 * w[1] * w[0] ** 2
        return g

    step = 1e-6
    column = (gradient(w + [step, 0, 0]) - gradient(w - [step, 0, 0])) / (2 * step)
    np.testing.assert_allclose(namespace["hv"].data, column, rtol=1e-6, atol=1e-8)
