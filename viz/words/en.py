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
        "cut": "no gradient flows past here (detach)",
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
    # a convolution's or a pool's backward cell by cell (viz.conv_cells, viz/page/conv_panel.js)
    "conv_cells": {
        "region": "Cell by cell",
        "title_conv2d": "Cell by cell: the convolution at {y}",
        "title_max_pool2d": "Cell by cell: the max pooling at {y}",
        "title_avg_pool2d": "Cell by cell: the average pooling at {y}",
        "mode_cell": "∂L/∂x, one cell",
        "mode_weight": "∂L/∂W, one weight",
        "mode_im2col": "im2col",
        "channel_in": "input channel",
        "channel_out": "output channel",
        "prev_cell": "◀ Previous cell",
        "next_cell": "Next cell ▶",
        "prev_weight": "◀ Previous weight",
        "next_weight": "Next weight ▶",
        "grid_input": "input {x}[{n}, {c}]",
        "grid_kernel": "kernel {w}[{o}, {c}]",
        "grid_upstream": "upstream ∂L/∂{y}[{n}, {o}]",
        "grid_output": "output {y}[{n}, {o}]",
        "grid_grad": "∂L/∂{x}[{n}, {c}] from this op",
        "cell_name": "{x}[{n}, {c}, {i}, {j}]",
        "out_name": "{y}[{n}, {o}, {i}, {j}]",
        "weight_name": "{w}[{o}, {c}, {p}, {q}]",
        "sat_in": "{cell} sat in {count} windows:",
        "sat_in_one": "{cell} sat in 1 window:",
        "conv_rule": "each window sends back its upstream × the kernel weight that lay on the cell",
        "sat_in_none": "{cell} sat in no window (stride {stride} jumps over it), so this op sends "
                       "it nothing",
        "term_conv": "window {window}: upstream {up} × {weight} {value}",
        "max_here": "window {window}: the maximum is this cell, so it gets the whole upstream {up}",
        "max_elsewhere": "window {window}: the maximum is {where}, so this cell gets 0",
        "avg_term": "window {window}: upstream {up} × 1/{k}",
        "zero_upstream": "{count} of the {total} terms have upstream 0 (a ReLU or a max pool after "
                         "this op let no gradient through there): they add nothing, so the sum "
                         "leaves them out",
        "zero_terms": "{count} of the {total} terms are 0 (a padding cell or an upstream of 0): "
                      "the sum leaves them out",
        "grid_grad_weight": "∂L/∂{w}[{o}, {c}]",
        "channel_sum": "output channel {o}: {sum}",
        "channels_sum": "all {count} output channels add up: {sum}",
        "fold_total": "∂L/∂{cell} = {total}: what fold (col2im) adds with +=, one contribution "
                      "per window that read the cell",
        "engine_same": "the engine's {x}.grad{where} = {value} ✓",
        "weight_used": "{weight} is used by every window: {count} windows of sample {n}, each "
                       "adding the input cell under the weight × the window's upstream:",
        "weight_on_padding": "{count} of them put this weight on the padding: 0 × upstream, "
                             "nothing to add",
        "weight_term": "window {window}: {cell} {value} × upstream {up}",
        "weight_term_pad": "window {window}: padding 0 × upstream {up}",
        "weight_sample": "sample {n}: {sum}",
        "weight_batch": "the whole batch of {count} samples: {mine} + {rest} from the others = "
                        "{total}",
        "weight_total": "∂L/∂{weight} = {total}",
        "im2col_unroll": "1. unfold (im2col): {x} ({n}, {c}, {h}, {w}) → columns ({n}, {rows}, "
                         "{l}): every window copied out as one column",
        "im2col_matmul": "2. one matrix product: {weight} as ({o}, {rows}) @ columns → ({n}, {o}, "
                         "{l}) → {y} ({n}, {o}, {ho}, {wo})",
        "im2col_back": "backward: {weight}ᵀ ({rows}, {o}) @ upstream ({n}, {o}, {l}) → "
                       "∂L/∂columns ({n}, {rows}, {l})",
        "im2col_fold": "fold (col2im): ∂L/∂columns → ∂L/∂{x} ({n}, {c}, {h}, {w}), each column "
                       "added back where its window was read: +=",
        "im2col_weight": "∂L/∂{weight} = Σ over the batch of upstream @ columnsᵀ → ({o}, {rows})",
        "im2col_matrix": "∂L/∂columns of {x}[{n}]: one row per (channel, kernel row, kernel "
                         "column), one column per window",
        "im2col_cell": "{cell} was copied into {count} entries of the columns {shape}; fold adds "
                       "their gradients back onto it:",
        "im2col_too_big": "the unfolded matrix is too big to draw here",
        "padding": "hatched cells are the padding {padding}: zeros added around the image, not "
                   "inputs, so no gradient is passed on from them",
        "padding_max": "hatched cells are the padding {padding}: −∞, never a maximum, so they get "
                       "no gradient",
        "stride": "stride {stride}: the windows jump, so some cells sit in fewer windows than "
                  "others (or in none)",
        "dilation": "dilation {dilation}: the kernel's cells lie apart, so a window reads cells "
                    "with gaps between them",
        "max_route": "max pooling routes: each window's whole upstream goes to the cell that held "
                     "its maximum; every other cell of the window gets 0",
        "avg_split": "average pooling splits: every cell of a window gets 1/{k} of its upstream "
                     "(padding cells count too)",
        "needs_grads": "this op's upstream gradient was not kept: call "
                       "backward(keep_all_grads=True) to trace its cells",
        "worked_below": "{y} = {op}(…): the gradients it sent, below; the cell view works each "
                        "number out window by window",
        "question": "∂L/∂{cell} = ?  (add what every window that covered it sends back)",
        "worked": "{cell} sat in {count} windows: {sum}",
    },
    # backprop through time on a folded sequence (viz.time_steps, viz.bptt, bptt_panel.js)
    "bptt": {
        "folded": "an unrolled sequence of {steps} time steps: one box per step, t = 1 … "
                  "{steps}, in the order of the recurrence; the weights, used at every step, "
                  "stay outside; open a box to see the cell's ops",
        "box": "t = {t}",
        "box_layer": "t = {t} · layer {layer}",
        "rnn_cell": "{h} = {act}({wx} + {hp} W_hhᵀ)",
        "lstm_cell": "LSTM cell → {h}, {c}",
        "gru_cell": "GRU cell → {h}",
        "box_hint": "this step's box does not open here: the first {first} and the last {last} "
                    "steps do; viz.html(root, path, expand=True) draws every node",
        "lane": "cell state c: its own lane, × f_t at every step",
        "in_layer": " (layer {layer})",
        "forward_title": "Forward: time step t = {t}",
        "forward_rnn": "{h} = {act}({wx} + {hp} W_hhᵀ) = {value}   ({wx} = x W_ihᵀ + b, the "
                       "input's part)",
        "forward_lstm": "gates i, f, g, o from {wx} + {hp} W_hhᵀ;  {c} = {f} ⊙ {cp} + {i} ⊙ {g} "
                        "= {cvalue};  {h} = {o} ⊙ tanh({c}) = {value}",
        "forward_gru": "gates r, z, n from {wx} and {hp} W_hhᵀ;  {h} = (1 − {z}) ⊙ {n} + {z} ⊙ "
                       "{hp} = {value}",
        "open_box": "(open the box t = {t} to see each op of the cell)",
        "backward_title": "Backward through time step t = {t}",
        "receives": "{name} receives {count} gradients, {sources}; they add:",
        "receives_one": "{name} receives 1 gradient, {sources}:",
        "from": "from {source}",
        "and": " and ",
        "part": "  from {source}: {value}",
        "sum": "∂L/∂{name} = {parts} = {total}",
        "sum_norm": "‖∂L/∂{name}‖ = {total}  (the vectors add number by number)",
        "rnn_factor_line": "back to {hp}: × {act}′ then × W_hh, which multiplies a gradient by "
                           "at most ‖W_hhᵀ diag({act}′)‖ = {factor} ({verdict})",
        "lstm_factor_line": "back along the cell lane to {cp}: × {f} number by number, no matrix "
                            "in between; mean {f} = {factor} ({verdict})",
        "gru_factor_line": "back to {hp} along the direct path: × {z} number by number; mean {z} "
                           "= {factor} ({verdict})",
        "shrinks": "below 1: the gradient shrinks going back",
        "grows": "above 1: the gradient can grow going back",
        "rnn_factor": "‖W_hhᵀ diag(tanh′)‖",
        "lstm_factor": "mean f_t",
        "gru_factor": "mean z_t",
        "weight_title": "{weight} is used at every step",
        "weight_line": "{weight} is used at every step: its gradient is the sum of {count} "
                       "contributions, one per step",
        "weight_each": "each is upstreamᵀ @ h_(t−1) at that step's product h_(t−1) W_hhᵀ "
                       "(open a box to see it)",
        "weight_entry": "∂L/∂{weight}{where} = {parts} = {total}",
        "weight_engine": "the engine's {weight}.grad{where} = {value} ✓",
        "weight_engine_other": "the engine's {weight}.grad{where} = {value}: it holds more than "
                               "this backward() (gradients accumulate until zero_grad())",
        "cut_title": "Truncated: a detached state",
        "cut_line": "{name} was detached: no gradient flows past here (detach), so the steps "
                    "before it get nothing from this loss",
        "question_h": "∂L/∂{name}{where} = ?  (add the gradients it receives)",
        "question_w": "∂L/∂{weight}{where} = ?  (add the {count} contributions)",
        "needs_grads": "the states' gradients were not kept: call backward(keep_all_grads=True) "
                       "to see backprop through time step by step",
        "bars_title": "‖∂L/∂h_t‖ per time step",
        "bars_title_c": "‖∂L/∂c_t‖ (the cell lane)",
        "bars_factor": "× factor per step back: {name}",
        "bars_layer": "layer {layer}",
        "bars_hide": "Hide the bars",
        "bars_show": "‖∂L/∂h_t‖ bars",
        "contributions": "The {count} contributions, one per step (upstreamᵀ @ h_(t−1)):",
        "contribution_of": "t = {t}",
        "more_steps": "… {count} more steps …",
        "total": "their sum",
        "engine": "the engine's {weight}.grad",
        "entry": "entry",
        "entry_line": "∂L/∂{weight}{where} = {parts} = {total}",
    },
    # an op that declares no derivative text for a parent (each op declares its own text,
    # in English and Korean: tinygrad_edu.ops.declare(local=, local_ko=))
    "local_phrases": {
        "_rule": "the {op} rule",
    },
}
