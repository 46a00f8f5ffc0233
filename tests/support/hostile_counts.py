"""The hostile-input campaign, counted: ``python tests/support/hostile_counts.py [--quick]``.

For each area it tries many cases and sorts every outcome into: clear error (one line, a
learner's words), accepted (worked, and the result was checked), traceback (any other
exception, or more than one line), wrong result, hang, data lost (something changed or
vanished that should not have), partial file left, evaluated (the CLI ran user text).
The last six should all be 0. Seeded: the same run gives the same counts.
"""

from __future__ import annotations

import argparse
import ast
import io
import math
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
# the repository, these helpers, and tests/hostile (whose child programs two campaigns reuse)
sys.path[:0] = [str(HERE.parents[1]), str(HERE), str(HERE.parent / "hostile")]

from hostile_campaigns import (  # noqa: E402
    BAD,
    NOTES,
    Hang,
    campaign_bombs,
    campaign_idx,
    campaign_interrupts,
    campaign_npz,
    campaign_save,
    one_line,
    watched,
)
from hostile_engine_campaigns import (  # noqa: E402
    campaign_add_graph,
    campaign_apply,
    campaign_declarations,
    campaign_grad_edges,
    campaign_losses_and_states,
    campaign_one_liners,
    campaign_rule_results,
    campaign_special_files,
)

import tinygrad_edu.nn as nn  # noqa: E402
import tinygrad_edu.optim as optim  # noqa: E402
from tinygrad_edu import Tensor  # noqa: E402
from tinygrad_edu.cli import main  # noqa: E402

# ---- the CLI ----

EVENTS: list[str] = []
WATCHING = [False]


def _audit(event, args):
    if not WATCHING[0]:
        return
    if event == "compile":
        caller = sys._getframe(1).f_code
        if not (caller.co_name == "parse" and caller.co_filename.endswith("ast.py")):
            EVENTS.append(event)
    elif event == "exec" and args and getattr(args[0], "co_filename", "").startswith("<") \
            and not args[0].co_filename.startswith("<frozen"):
        EVENTS.append(event)
    elif event in ("os.system", "subprocess.Popen", "os.exec"):
        EVENTS.append(event)


PIECES = ["w", "x", "b", "f", "g", "=", ";", "\n", "#", " ", "+", "-", "*", "/", "**", "(",
          ")", "exp", "log", "tanh", "sigmoid", "relu", "elu", "leaky_relu", ",", ".", "[",
          "]", "'", "__import__", "os", "lambda", ":", "1", "0", "2.5", "0.5", "1e400",
          "9" * 400, "__class__", "open", "eval", "\\", "@", "%", "~", "<", "if", "∂", "{",
          "0x1f", "\x00", "\t"]
VALID = ["w*x + b", "f = w*x + b", "g = w*x; f = g + b", "sigmoid(w*x + b)", "exp(-w) * x",
         "tanh(w) ** 2", "leaky_relu(w - x, 0.1)", "elu(b - 5)", "-w*x", "1/(1 + exp(-w))",
         "log(x) * w", "relu(w) + relu(-b)", "w ** x", "2 ** w"]
FUNCTIONS = {"exp": math.exp, "log": math.log, "tanh": math.tanh, "relu": lambda v: max(v, 0.0),
             "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
             "leaky_relu": lambda v, s=0.01: v if v > 0 else s * v,
             "elu": lambda v, a=1.0: v if v > 0 else a * (math.exp(v) - 1)}


def reference_value(text: str, values: dict[str, float]) -> float:
    """The value computed by Python itself -- only for expressions our parser already
    accepted, in this counting script, never in the CLI."""
    module = ast.parse(text)
    if isinstance(module.body[-1], ast.Expr):
        module.body[-1] = ast.Assign([ast.Name("__result", ast.Store())], module.body[-1].value)
    else:
        module.body.append(ast.Assign([ast.Name("__result", ast.Store())],
                                      ast.Name(module.body[-1].targets[0].id, ast.Load())))
    ast.fix_missing_locations(module)
    env = dict(values)
    exec(compile(module, "<reference>", "exec"), {"__builtins__": {}, **FUNCTIONS}, env)
    return float(env["__result"])


def cli_case(text: str, settings: list[str], counts: Counter) -> None:
    from viz.expr import build_graph

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    EVENTS.clear()
    WATCHING[0] = True
    try:
        code = watched(lambda: main(["graph", text, "--set", *settings] if settings
                                    else ["graph", text]))
    except SystemExit as exit_:
        code = exit_.code
    except Hang:
        code = "hang"
    except BaseException:
        code = "traceback"
    finally:
        WATCHING[0] = False
        sys.stdout, sys.stderr = saved
    errors = [line for line in err.getvalue().splitlines() if "warning:" not in line]
    if EVENTS:
        counts["evaluated"] += 1
    if code in ("hang", "traceback"):
        counts[code] += 1
    elif code == 2 or (code != 0 and errors and "usage:" in err.getvalue()):
        clear = len([line for line in errors if "error:" in line]) == 1
        counts["clear error" if clear and "Traceback" not in err.getvalue() else "traceback"] += 1
    elif code == 0:
        values = {}
        for item in settings:
            name, _, number = item.partition("=")
            values[name] = float(number)
        try:
            expected = reference_value(text, values)
        except (ArithmeticError, ValueError):
            expected = math.nan
        with np.errstate(all="ignore"):
            got = build_graph(text, values).data
        same = (math.isnan(expected) and math.isnan(got)) or math.isclose(got, expected,
                                                                          rel_tol=1e-9)
        counts["accepted" if same else "wrong result"] += 1
    else:
        counts["traceback"] += 1


def campaign_cli(cases: int) -> Counter:
    counts, rng = Counter(), random.Random(0)
    names = ["w=1.5", "x=-2", "b=3", "w=1e400", "f=1", "z=0", "w", "=2", "x=0.25"]
    for _ in range(cases):
        if rng.random() < 0.25:  # a valid one, its value checked against Python's
            cli_case(rng.choice(VALID), ["w=1.5", "x=0.25", "b=3"], counts)
            continue
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 20)))
        cli_case(text, rng.sample(names, rng.randint(0, 4)), counts)
    for text in ["# c", "", "-w*x", "f = 1" + "0" * 400, "f = '\\d'", "f = 1(2)", "x" * 3000,
                 "(" * 500 + "w" + ")" * 500, "-" * 1000 + "w", "w" + "**w" * 300]:
        cli_case(text, ["w=1", "x=2", "b=3"], counts)
    return counts


# ---- optimizer and model state ----


def campaign_state(cases: int) -> Counter:
    import test_hostile_state as state_tests

    counts, rng = Counter(), random.Random(4)
    for _ in range(cases):
        kind = rng.choice(sorted(state_tests.OPTIMIZERS))
        params, optimizer = state_tests.trained(kind)
        before = state_tests.snapshot(optimizer)
        state = optimizer.state_dict()
        slots = [("group", key) for key in state["param_groups"][0] if key != "params"]
        slots += [("state", (i, key)) for i, b in state["state"].items() for key in b]
        for _ in range(rng.randint(1, 3)):
            where, key = rng.choice(slots)
            choice, number = rng.randint(0, 20), rng.uniform(-10, 10)
            holder = state["param_groups"][0] if where == "group" else state["state"][key[0]]
            name = key if where == "group" else key[1]
            if choice == 20:
                holder.pop(name, None)
            else:
                holder[name] = state_tests.corrupt(holder.get(name), choice, number)
        try:
            optimizer.load_state_dict(state)
        except ValueError as error:
            unchanged = state_tests.same(state_tests.snapshot(optimizer), before)
            counts[("clear error" if one_line(error) else "traceback") if unchanged
                   else "data lost"] += 1
            continue
        except Exception as error:
            NOTES.append(f"{type(error).__name__}: {error}")
            counts["traceback"] += 1
            continue
        for param in params:
            param.grad = np.ones_like(param.data)
        try:
            with np.errstate(all="ignore"):
                optimizer.step()
            counts["accepted"] += 1
        except Exception:
            counts["wrong result"] += 1  # accepted a state that breaks step()
    for _ in range(cases // 2):
        model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        before = model.state_dict()
        state = model.state_dict()
        name = rng.choice(sorted(state))
        change = rng.choice(["shape", "dtype", "drop", "extra", "scalar", "text"])
        if change == "shape":
            state[name] = np.zeros([rng.randint(0, 5) for _ in range(rng.randint(0, 3))])
        elif change == "dtype":
            state[name] = state[name].astype(rng.choice(["int8", "bool", "U3", "complex64"]))
        elif change == "drop":
            del state[name]
        elif change == "extra":
            state["2.gamma"] = np.ones(2)
        elif change == "scalar":
            state[name] = 1.5
        else:
            state[name] = "weights"
        try:
            model.load_state_dict(state, strict=rng.random() < 0.7)
        except ValueError as error:
            unchanged = all(a.tobytes() == before[k].tobytes()
                            for k, a in model.state_dict().items())
            counts[("clear error" if one_line(error) else "traceback") if unchanged
                   else "data lost"] += 1
        except Exception as error:
            NOTES.append(f"{type(error).__name__}: {error}")
            counts["traceback"] += 1
        else:
            shapes_kept = all(a.shape == before[k].shape for k, a in model.state_dict().items())
            counts["accepted" if shapes_kept else "wrong result"] += 1
    return counts


# ---- training guards ----


def campaign_training() -> Counter:
    import tinygrad_edu.nn.functional as F
    from tinygrad_edu.data import DataLoader, TensorDataset
    from tinygrad_edu.train import fit

    counts = Counter()
    X = np.random.default_rng(5).normal(size=(10, 2)).astype(np.float32)
    y = np.arange(10) % 2

    def model_fit(loader, labels=None):
        model = nn.Linear(2, 2)
        return fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), loader,
                   epochs=2, progress=False)

    nan_X = X.copy()
    nan_X[3] = np.nan
    bad_y = y.copy()
    bad_y[4] = 200
    cases = [
        lambda: model_fit(DataLoader(TensorDataset(X, y), batch_size=32, drop_last=True)),
        lambda: DataLoader(TensorDataset(X, y), batch_size=2.5),
        lambda: DataLoader(TensorDataset(X, y), batch_size=0),
        lambda: DataLoader(TensorDataset(X, y), batch_size="8"),
        lambda: model_fit(DataLoader(TensorDataset(X, bad_y), batch_size=5)),
        lambda: model_fit(DataLoader(TensorDataset(nan_X, y), batch_size=5)),
        lambda: DataLoader(7),
        lambda: DataLoader((X, y[:3])),
        lambda: Tensor(np.ones((2, 3))).sum(axis=1.5),
    ]
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                case()
            counts["wrong result"] += 1  # each of these must be refused
        except (ValueError, TypeError, ArithmeticError) as error:
            counts["clear error" if one_line(error) else "traceback"] += 1
        except Exception as error:
            NOTES.append(f"{type(error).__name__}: {error}")
            counts["traceback"] += 1
    ok = DataLoader((X, y), batch_size=4)  # accepted as TensorDataset(X, y)
    counts["accepted" if len(ok) == 3 and len(model_fit(ok).steps["loss"]) == 6
           else "wrong result"] += 1
    return counts


def campaign_recordings(folder: Path) -> Counter:
    """record_training's inputs, the pages of odd runs, `train`'s numbers, and `train
    --html` interrupted: refused in one line, or a page that parses with no NaN in it."""
    import json
    import re
    import signal as signals

    import hostile_support as support

    import viz
    from tinygrad_edu.data import toy_dataset

    counts = Counter()
    X, y = toy_dataset("xor")
    nan_X = X.astype(np.float64).copy()
    nan_X[1, 0] = np.nan
    bad = [dict(X=nan_X), dict(X=X * np.inf), dict(y=y[:3]), dict(y=y + 2), dict(lang="fr"),
           dict(steps=1e23), dict(steps=-1), dict(steps=10**12), dict(lr=-1.0),
           dict(lr=float("inf")), dict(optimizer="<script>"), dict(X=X[:, 0])]
    for case in bad:
        arguments = {"X": X, "y": y, "steps": 3, **case}
        try:
            watched(lambda arguments=arguments: viz.record_training(
                nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), **arguments))
            counts["wrong result"] += 1
        except ValueError as error:
            counts["clear error" if one_line(error) else "traceback"] += 1
        except Exception as error:
            NOTES.append(f"record_training {case}: {type(error).__name__}: {error}")
            counts["traceback"] += 1
    for lr, name in [(1e300, "0.weight"), (0.5, "<!--<script>"), (0.5, "</script>")]:
        model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1), nn.Sigmoid())
        recording = viz.record_training(model, X, y, lr=lr, steps=20, snapshots=2,
                                        description=name)
        html = viz.training_page(recording, title=name)
        block = re.search(r'id="tg-data" type="application/json">(.*?)</script>', html, re.S)
        def refuse(constant):  # bare NaN / Infinity: JavaScript's JSON.parse would fail
            raise ValueError(f"bare {constant} in the page's JSON")

        try:
            data = json.loads(block.group(1), parse_constant=refuse)
        except ValueError as error:
            NOTES.append(f"training page {name!r}: {error}")
            counts["wrong result"] += 1
            continue
        clean = ("unsafe-inline" not in html
                 and html.count("<script") == 2 and len(data["loss"]) == recording.iterations)
        counts["accepted" if clean else "wrong result"] += 1
    for argument in (["--steps", "1e23"], ["--layers", "100000"],
                     ["--layers", "3", "--width", "99999"],
                     ["--steps", "0"], ["--lr", "nan"], ["--model", "2-999999-1"]):
        stderr = io.StringIO()
        old, sys.stderr = sys.stderr, stderr
        try:
            code = watched(lambda argument=argument: main(["train", "xor", *argument]))
        finally:
            sys.stderr = old
        lines = stderr.getvalue().strip().splitlines()
        counts["clear error" if code == 2 and len(lines) == 1 else "traceback"] += 1
    script = ("import signal, sys\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
              "from tinygrad_edu.cli import main\nprint('running', flush=True)\n"
              "sys.exit(main(['train', 'xor', '--steps', '3000', '--html', {path!r}]))\n")
    for number, (signum, delay) in enumerate([(signals.SIGINT, 0.5), (signals.SIGTERM, 1.0),
                                              (signals.SIGKILL, 1.5), (signals.SIGKILL, 3.0)]):
        target = folder / f"train{number}.html"
        target.write_text("old", encoding="utf-8")
        process = support.start(script.format(path=str(target)))
        try:
            support.wait_for(process, "running")
            time.sleep(delay)
            support.interrupt(process, signum, timeout=60)
        except AssertionError:
            counts["hang"] += 1
            continue
        text = target.read_text(encoding="utf-8")
        whole = text == "old" or (text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n"))
        counts["intact" if whole else "partial file left"] += 1
    return counts


def main_counts(argv: list[str] | None = None) -> dict[str, Counter]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer generated cases")
    options = parser.parse_args(argv)
    scale = 0.2 if options.quick else 1.0
    sys.addaudithook(_audit)
    cli_case("f = w*x", ["w=1", "x=2"], Counter())  # imports done before watching
    results: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, call in [
            ("CLI input (generated + hand-picked)", lambda: campaign_cli(int(2000 * scale))),
            ("IDX files (mutated + bomb)", lambda: campaign_idx(int(500 * scale), root)),
            (".npz model files (mutated)", lambda: campaign_npz(int(300 * scale), root)),
            ("memory bombs under a cap", lambda: campaign_bombs(root)),
            ("kill -9 / SIGTERM during save", lambda: campaign_save(int(12 * scale) or 3, root)),
            ("interrupted fit/search/lab", lambda: campaign_interrupts(root)),
            ("optimizer + model state fuzz", lambda: campaign_state(int(600 * scale))),
            ("training guards", campaign_training),
            ("recordings, training pages, train --html", lambda: campaign_recordings(root)),
            ("ops.declare: declarations", lambda: campaign_declarations(int(400 * scale))),
            ("ops.declare: rule results", lambda: campaign_rule_results(int(400 * scale))),
            ("ops.apply: arguments", lambda: campaign_apply(int(300 * scale))),
            ("special files and symlinks", lambda: campaign_special_files(root / "special")),
            ("add_graph on odd models", lambda: campaign_add_graph(root)),
            ("one-line errors", campaign_one_liners),
            ("grad() edge cases", campaign_grad_edges),
            ("losses and state casts", lambda: campaign_losses_and_states(int(300 * scale))),
        ]:
            start = time.perf_counter()
            results[name] = call()
            results[name]["seconds"] = round(time.perf_counter() - start, 1)
    columns = ["clear error", "accepted", "kept", "intact", *BAD]
    print(f"{'area':38s} {'cases':>6s} " + " ".join(f"{c[:12]:>12s}" for c in columns))
    for name, counts in results.items():
        cases = sum(v for k, v in counts.items() if k != "seconds")
        print(f"{name:38s} {cases:6d} " + " ".join(f"{counts.get(c, 0):12d}" for c in columns)
              + f"   ({counts['seconds']} s)")
    bad = sum(counts.get(c, 0) for counts in results.values() for c in BAD)
    for note in NOTES[:20]:
        print("  bad:", note[:300])
    print(f"\nbad outcomes (traceback, wrong result, hang, data lost, partial file, evaluated): "
          f"{bad}")
    return results


if __name__ == "__main__":
    main_counts()
