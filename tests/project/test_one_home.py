"""One concept, one home: viz shows what tinygrad_edu.train recorded and trains nothing;
the gradient norm, the boundary grid, the page shell and the charts exist once."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VIZ = REPO / "viz"


def source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_viz_runs_no_training_and_defines_no_model():
    assert not (VIZ / "training_runs.py").exists()
    for name in ("training/recording.py", "training/paths.py", "training/page.py",
                 "training/live.py"):
        text = source(VIZ / name)
        code = "\n".join(line for line in text.splitlines()
                         if not line.lstrip().startswith(("#", "*", "...")))
        assert not re.search(r"\.backward\(|\.zero_grad\(|optimizer\.step\(|\boptim\.", code), name
        assert not re.search(r"^class \w+\((nn\.)?Module\)|def forward\(", code, re.M), name


def test_one_gradient_norm_and_one_grid():
    """`train.gradient_norms` and `train.boundary_grid` are the only ones: the views and
    the lab call them instead of measuring again."""
    norm = re.compile(r"(np\.(vdot|dot|square)|linalg\.norm)\([^)]*(grad|flat)")
    grid = re.compile(r"np\.linspace\(low")
    places = {"norm": [], "grid": []}
    for path in [*VIZ.rglob("*.py"), *(REPO / "tinygrad_edu" / "train").rglob("*.py"),
                 *(REPO / "tinygrad_edu" / "lab").rglob("*.py")]:
        text = source(path)
        if norm.search(text):
            places["norm"].append(path.relative_to(REPO).as_posix())
        if grid.search(text):
            places["grid"].append(path.relative_to(REPO).as_posix())
    assert places == {"norm": ["tinygrad_edu/train/measures.py"],
                      "grid": ["tinygrad_edu/train/measures.py"]}
    assert "gradient_norms(" in source(VIZ / "training" / "live.py")
    assert "gradient_norms(" in source(REPO / "tinygrad_edu" / "lab" / "vanishing_gradient.py")
    assert "boundary_grid(" in source(VIZ / "training" / "live.py")


def test_one_page_shell_one_escaper_one_chart_script():
    pages = [VIZ / "html.py", VIZ / "training" / "page.py", VIZ / "training" / "paths.py"]
    for path in pages:
        text = source(path)
        assert re.search(r"from \.+shell import", text) and "<!DOCTYPE" not in text, path.name
        assert '<meta http-equiv="Content-Security-Policy"' not in text, path.name
        assert "json.dumps" not in text, path.name
    for path in [*VIZ.rglob("*.py"), *VIZ.rglob("*.html"), *VIZ.rglob("*.js")]:
        assert "unsafe-inline" not in source(path).replace("no ``'unsafe-inline'``", ""), path
    scripts = {path.name: source(path) for path in (VIZ / "training" / "assets").glob("*.js")}
    drawing = [name for name, text in scripts.items() if "createElementNS" in text
               or "fillRect" in text]
    assert drawing == ["charts.js"]  # the page and the widget both draw through it
    assert "tgCharts.lineChart" in scripts["training.js"]
    assert "tgCharts.lineChart" in scripts["live_widget.js"]
