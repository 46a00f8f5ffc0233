"""Every sentence a learner reads, in English: one dict per area, keyed as in `ko.py`.

``{name}`` marks a value filled in where the words are used (Python's str.format, or the
page's script); a translation keeps the same names. Formulas are the same in every
language; only the words around them change. Read through `viz.words.words`."""

from __future__ import annotations

WORDS = {
    # the steps of a graph's forward and backward passes (viz.narration, viz.story)
    "steps": {
        "forward": "Forward: {name}",
        "forward_leaf": "{name} = {value}  ({kind})",
        "seed_title": "Backward: start at {root}",
        "seed": "∂{root}/∂{root} = {grad}: the output's gradient with respect to itself",
        "backward": "Backward through {symbol} at {name} into {parents}",
        "skipped": "{parent} does not require grad: the engine skips it",
        "constant": "{parent} is a constant: it needs no gradient",
        "used_partial": "{parent} is used {times}: {m} of {k} gradients have arrived, so far "
                        "{total}",
        "used_sum": "{parent} is used {times}: its gradients add, {parts} = {total}",
        "twice": "twice",
        "times": "{k} times",
        "broadcast": "{parent} has shape {shape} and was broadcast to {out}: its gradient is the "
                     "upstream summed over {axes}",
        "axis": "axis {a}",
        "axes": "axes {a}",
        "and": " and ",
        "kept": " (keeping {a} as size 1)",
        "accumulated": "{name}.grad is {stored}, not {computed}: an earlier backward() added to "
                       "it (leaves accumulate until zero_grad())",
        "second_title": "Second backward() without zero_grad()",
        "second": "Op results start afresh (their gradient is reset at the start of every pass); "
                  "leaves keep what they hold and add the new gradient: {examples}. An optimizer "
                  "would now step twice as far: that is why a training loop calls zero_grad() "
                  "before every backward()",
        "zero_title": "zero_grad(), then backward() again",
        "zero": "zero_grad() sets every leaf's gradient to {zero}, so this pass gives the same "
                "gradients as the first",
        "leaf_adds": "{name}: {old} + {new} = {total}",
        "leaves_title": "The leaves' gradients",
        "summed_rows": "summed over rows",
    },
    # notes above the steps and on the drawing (viz.story, viz.explorer_data, viz.dot)
    "notes": {
        "forward_only": "backward() has not run yet: only the forward pass is shown; call "
                        "{root}.backward() to see the gradients",
        "freed": "{name} = {op}(…): its rule needs values that backward() freed, so the "
                 "gradients below are the ones stored; backward(retain_graph=True) keeps what it "
                 "needs to show them worked out",
        "no_graph": "{root} was made without a graph (under no_grad(), or from tensors without "
                    "requires_grad=True): there is nothing to walk back through",
        "other_output": "the gradients stored come from a backward() through another output (or "
                        "with another seed), not from {root}: only the forward pass is shown; "
                        "call {root}.backward() to walk back from {root}",
        "released": "intermediate tensors did not keep their gradients (as in PyTorch); call "
                    "backward(keep_all_grads=True) to see every step",
        "folded": "{count:,} nodes: folded into boxes; steps are shown for the visible nodes "
                  "(viz.html(..., expand=True) shows them all)",
        "check_skipped": "gradient check skipped: {why}",
        "needs_backward": "passes=2 shows backward passes, and backward() has not run: call "
                          "{root}.backward() first",
        "group_hint": "{count:,} nodes: too many to expand here; viz.html(root, path, "
                      "expand=[{gid!r}]) draws them",
    },
    # the drawing's rows, legend and node kinds (viz.dot, viz.story, viz.explorer_data)
    "drawing": {
        "value": "value",
        "grad": "grad",
        "forward_value": "forward value",
        "legend": "legend",
        "grad_of": "∂{root}/∂node",
        "parameter": "parameter",
        "input": "input",
        "constant_kind": "constant",
        "intermediate": "intermediate",
        "output": "output",
        "group": "{count:,} {kind}\ndepth {depth}",
        "leaves": "leaves",
        "nodes_of": "{symbol} nodes",
    },
    # the explorer page's controls and labels (viz.html, viz/page/explorer.html)
    "explorer": {
        "untitled": "Forward and backward, step by step",
        "title": "{root}: forward and backward, step by step",
        "zoom": "Zoom",
        "zoom_in": "Zoom in",
        "zoom_out": "Zoom out",
        "fit": "Fit",
        "actual": "Natural size",
        "graph": "Graph (drag to pan, wheel to zoom)",
        "practice": "Practice",
        "level": "Hide",
        "level_1": "the gradient",
        "level_2": "gradient and local derivative",
        "gradcheck": "Gradient check",
        "colour": "Colour by |grad|",
        "dead_note": "grey: no gradient (dead)",
        "steps": "Steps",
        "first": "First",
        "previous": "Previous",
        "next": "Next",
        "last": "Last",
        "play": "Play",
        "speed": "Speed",
        "step": "Step",
        "back": "← Back to the whole graph",
        "answer": "Answer",
        "check": "Check",
        "all_steps": "All steps",
        "groups": "Folded boxes: open one to see its steps",
        "keys": "Keys: ← → step, Home/End first/last, + − zoom, 0 natural size. Click a node to "
                "jump to its step.",
    },
    # what the explorer page's script writes at run time (viz/page/*.js)
    "explorer_script": {
        "counter": "Step {k} / {n}",
        "pass": "pass {pass}",
        "play": "Play",
        "pause": "Pause",
        "play_text": "▶ Play",
        "pause_text": "‖ Pause",
        "score": "Score: {right} / {asked}",
        "right": "Right!",
        "wrong": "Not quite:",
        "not_a_number": "Type a number or a fraction, e.g. 0.25 or -2/3",
        "no_question": "Nothing to answer in this step.",
        "all_answered": "Answered. Go on with Next →",
        "dead": "dead",
        "value": "value",
        "grad": "grad",
        "rule": "rule:",
        "check_tensor_ok": "max error {error} ✓",
        "check_tensor_bad": "max error {error}",
        "check_ok": "numeric {numeric}\n= backprop {backprop} ✓",
        "check_bad": "numeric {numeric}\n≠ backprop {backprop}",
        "check_all_ok": "Gradient check: all {total} leaves agree with central differences.",
        "check_some_bad": "Gradient check: {count} of {total} leaves disagree: {names}",
    },
    # the optimizer's update step, narrated (viz.training.updates)
    "updates": {
        "title": "Update {param} ({optimizer})",
        "first": "first step: the buffer starts as g",
        "decay": "weight decay λ adds λ·w to the gradient",
        "decoupled": "decoupled weight decay shrinks w first",
        "step": "step t = {t}",
        "no_grad": "{param} got no gradient: unchanged",
        "lecture": "lecture form: v = −η·b = {v}, w ← w + v",
        "mismatch": "(!) the optimizer wrote {actual}",
        "delta": "Δw of all {n} entries: largest |Δw| = {top}",
    },
    # the training page (viz.training.page, viz/training/assets/training.js)
    "training_page": {
        "dead": "{layer}: every unit is dead since iteration {since} — no gradient reaches the "
                "layers below; try a smaller learning rate",
        "title": "Training {model} on {dataset} with {optimizer}",
        "play": "▶ Play",
        "pause": "❙❙ Pause",
        "first": "« First",
        "prev": "◀ Prev",
        "next": "Next ▶",
        "last": "Last »",
        "iteration": "Iteration",
        "status": "Iteration {k} / {n} · loss {loss} · accuracy {acc}",
        "loss": "Loss",
        "boundary": "Decision boundary (model output: blue 0 … red 1)",
        "grads": "Gradient norm per layer (log scale)",
        "params": "Weights over time",
        "graph_at": "Graph at iteration {k} (values blue, gradients red; faint fill = small "
                    "gradient)",
        "open": "Open iteration {k}: forward → backward → update",
        "explorer": "Iteration {k} in the explorer: forward → backward → update steps (← → and "
                    "the step list inside the frame)",
        "explorer_title": "Iteration {k}: forward → backward → update",
        "close": "Close",
        "loading": "Opening iteration {k}…",
        "no_graph": "Graphs were recorded for iterations {list}.",
        "stopped": "Training stopped at {why}",
        "keys": "Keys: ← → move, space plays",
        "summary": "{n} iterations · loss {first} → {last} · accuracy {a0} → {a1}",
        "first_name": "First",
        "prev_name": "Previous",
        "play_name": "Play",
        "pause_name": "Pause",
        "next_name": "Next",
        "last_name": "Last",
        "frame": "Explorer",
    },
    # the optimizer paths page (viz.training.paths, viz/training/assets/paths.js)
    "paths_page": {
        "title": "Optimizers on {f}, from {start}",
        "step": "Step",
        "hint": "Each path starts at the same point; the slider moves all of them. Keys: ← →",
        "first": "« First",
        "prev": "◀ Prev",
        "next": "Next ▶",
        "last": "Last »",
        "play": "▶ Play",
        "pause": "❙❙ Pause",
        "first_name": "First",
        "prev_name": "Previous",
        "play_name": "Play",
        "pause_name": "Pause",
        "next_name": "Next",
        "last_name": "Last",
    },
    # a recorded run's steps (viz.training.recording)
    "recording": {
        "too_big": "{n} nodes: too many to walk through one by one here (use fewer data points, "
                   "or the tensor engine); the update steps follow",
    },
    # the live view: its widget and its terminal lines (viz.training.live, live_widget.js)
    "live": {
        "dead": "{layer}: every unit is dead since iteration {since} — no gradient reaches the "
                "layers below; try a smaller learning rate",
        "loss": "Loss",
        "boundary": "Decision boundary",
        "graph": "Graph",
        "status": "step {step} · loss {loss}",
        "epoch": "epoch {epoch}: {shown}",
        "no_widget": "live view: the notebook widget needs anywidget: pip install -e "
                     "'.[notebook]' in a clone, pip install 'tinygrad-edu[notebook]' from an "
                     "index; printing instead",
    },
    # `tinygrad-edu train`'s extra sections (tinygrad_edu.cli_train)
    "cli": {
        "dead": "{layer}: every {unit} is dead since iteration {since} — no gradient reaches "
                "the layers below; try a smaller --lr",
        "one_layer_title": "One layer (2-1): accuracy {best:.2f} at best",
        "one_layer_line": "loss {first:.4f} → {last:.4f}; a straight line cannot split XOR, so "
                          "at most 3 of 4 points are right",
        "hand_set_title": "The notes' hand-set weights already compute XOR",
        "layers_title": "Gradient norm per layer, input side first",
        "layers_ratio": "the layer nearest the input gets {ratio:.2g} × the gradient of the last "
                        "one ({activation})",
    },
    # `tinygrad-edu demo`'s headers (viz.demo, tinygrad_edu.demo)
    "demo": {
        "chain": "== The chain rule on f = w*x + b (lecture 10): upstream × local = downstream ==",
        "xor": "== A 2-2-1 sigmoid network learns XOR ==",
        "next": "Next:",
    },
    # why the gradient check skipped (viz.numeric, viz.explorer_data)
    "check_reasons": {
        "loss_no_forward": "{op} declares no forward, so the numeric replay cannot run it "
                           "(keep_all_grads=True lets it check below)",
        "not_declared": "the op {op} is not declared (ops.declare)",
        "no_forward": "the op {op} declares no forward (ops.declare(..., forward=)), so the "
                      "numeric replay cannot run it",
        "stopped": "the numeric replay stopped at {where}",
        "not_scalar": "the output is not a single number",
        "too_big": "the graph is too big for a numeric check ({cost} op evaluations)",
        "big_leaves": "{count} leaves have more than {size} numbers",
    },
    # an op that declares no derivative text for a parent (each op declares its own text,
    # in English and Korean: tinygrad_edu.ops.declare(local=, local_ko=))
    "local_phrases": {
        "_rule": "the {op} rule",
    },
}
