"""The words viz uses, in English and in Korean: step titles and notes, the drawing's
legend and node kinds, and the explorer page's controls. Formulas are the same in
both languages; only the words around them change."""

from __future__ import annotations

import re

__all__ = ["WORDS", "words_for", "kind_word", "LANGUAGES", "LOCAL_PHRASES", "check_reason"]

WORDS = {
    "en": {
        "lang": "en",
        # steps
        "forward": "Forward: {name}",
        "forward_leaf": "{name} = {value}  ({kind})",
        "seed_title": "Backward: start at {root}",
        "seed": "∂{root}/∂{root} = {grad}: the output's gradient with respect to itself",
        "backward": "Backward through {symbol} at {name} into {parents}",
        "skipped": "{parent} does not require grad: the engine skips it",
        "constant": "{parent} is a constant: it needs no gradient",
        "used_partial": "{parent} is used {times}: {m} of {k} gradients have arrived, "
                        "so far {total}",
        "used_sum": "{parent} is used {times}: its gradients add, {parts} = {total}",
        "twice": "twice", "times": "{k} times",
        "broadcast": "{parent} has shape {shape} and was broadcast to {out}: its gradient is "
                     "the upstream summed over {axes}",
        "axis": "axis {a}", "axes": "axes {a}", "and": " and ", "kept": " (keeping {a} as size 1)",
        "accumulated": "{name}.grad is {stored}, not {computed}: an earlier backward() added to "
                       "it (leaves accumulate until zero_grad())",
        "second_title": "Second backward() without zero_grad()",
        "second": "Op results start afresh (their gradient is reset at the start of every "
                  "pass); leaves keep what they hold and add the new gradient: {examples}. "
                  "An optimizer would now step twice as far: that is why a training loop "
                  "calls zero_grad() before every backward()",
        "zero_title": "zero_grad(), then backward() again",
        "zero": "zero_grad() sets every leaf's gradient to {zero}, so this pass gives the "
                "same gradients as the first",
        "leaf_adds": "{name}: {old} + {new} = {total}",
        "leaves_title": "The leaves' gradients",
        "summed_rows": "summed over rows",
        # notes
        "forward_only": "backward() has not run yet: only the forward pass is shown; call "
                        "{root}.backward() to see the gradients",
        "freed": "{name} = {op}(…): its rule needs values that backward() freed, so the "
                 "gradients below are the ones stored; backward(retain_graph=True) keeps "
                 "what it needs to show them worked out",
        "no_graph": "{root} was made without a graph (under no_grad(), or from tensors "
                    "without requires_grad=True): there is nothing to walk back through",
        "other_output": "the gradients stored come from a backward() through another output "
                        "(or with another seed), not from {root}: only the forward pass is "
                        "shown; call {root}.backward() to walk back from {root}",
        "released": "intermediate tensors did not keep their gradients (as in PyTorch); call "
                    "backward(keep_all_grads=True) to see every step",
        "folded": "{count:,} nodes: folded into boxes; steps are shown for the visible nodes "
                  "(viz.html(..., expand=True) shows them all)",
        "check_skipped": "gradient check skipped: {why}",
        "needs_backward": "passes=2 shows backward passes, and backward() has not run: call "
                          "{root}.backward() first",
        "group_hint": "{count:,} nodes: too many to expand here; viz.html(root, path, "
                      "expand=[{gid!r}]) draws them",
        # drawing
        "value": "value", "grad": "grad", "forward_value": "forward value", "legend": "legend",
        "grad_of": "∂{root}/∂node",
        "parameter": "parameter", "input": "input", "constant_kind": "constant",
        "intermediate": "intermediate", "output": "output",
        "group": "{count:,} {kind}\ndepth {depth}", "leaves": "leaves",
        "nodes_of": "{symbol} nodes",
        # the page
        "title": "{root}: forward and backward, step by step",
        "next": "Next", "previous": "Previous", "first": "First", "last": "Last",
        "play": "Play", "pause": "Pause", "speed": "Speed", "zoom_in": "Zoom in",
        "zoom_out": "Zoom out", "fit": "Fit", "actual_size": "100%", "step": "Step",
        "steps": "Steps", "answer": "Answer", "check": "Check", "score": "Score",
        "practice": "Practice", "harder": "Hide the local derivative too",
        "right": "Right", "wrong": "Not quite: ", "gradient_check": "Gradient check",
        "numeric": "numeric", "mismatch": "mismatch", "colour_by_grad": "Colour by log |grad|",
        "dead": "dead (gradient 0)", "expand": "Expand", "collapse": "Collapse",
        "show_panel": "Show steps", "hide_panel": "Hide steps",
        # the `tinygrad-edu demo` headers
        "demo_chain": "== The chain rule on f = w*x + b (lecture 10): upstream × local = "
                      "downstream ==",
        "demo_xor": "== A 2-2-1 sigmoid network learns XOR ==",
        "demo_next": "Next:",
    },
    "ko": {
        "lang": "ko",
        "forward": "순전파: {name}",
        "forward_leaf": "{name} = {value}  ({kind})",
        "seed_title": "역전파 시작: {root}",
        "seed": "∂{root}/∂{root} = {grad}: 출력의 자기 자신에 대한 기울기",
        "backward": "역전파: {name}의 {symbol} 게이트 → {parents}",
        "skipped": "{parent}는 기울기가 필요 없어 엔진이 건너뜁니다",
        "constant": "{parent}는 상수라서 기울기가 필요 없습니다",
        "used_partial": "{parent}는 {times} 쓰입니다: {k}개 중 {m}개의 기울기가 도착했고, "
                        "지금까지 합은 {total}",
        "used_sum": "{parent}는 {times} 쓰이므로 기울기를 더합니다: {parts} = {total}",
        "twice": "2번", "times": "{k}번",
        "broadcast": "{parent}의 모양은 {shape}이고 {out}(으)로 브로드캐스트되었습니다: "
                     "기울기는 상위 기울기를 {axes}에 대해 더한 것입니다",
        "axis": "축 {a}", "axes": "축 {a}", "and": ", ", "kept": " ({a}은 크기 1로 유지)",
        "accumulated": "{name}.grad는 {computed}가 아니라 {stored}입니다: 이전 backward()가 "
                       "더해 두었습니다 (잎 노드는 zero_grad() 전까지 누적됩니다)",
        "second_title": "zero_grad() 없이 두 번째 backward()",
        "second": "연산 결과는 새로 시작합니다 (매 역전파마다 기울기가 초기화됨); 잎 노드는 "
                  "가진 값에 새 기울기를 더합니다: {examples}. 이대로면 옵티마이저가 두 배만큼 "
                  "움직입니다: 그래서 학습 루프는 매 backward() 전에 zero_grad()를 부릅니다",
        "zero_title": "zero_grad() 후 다시 backward()",
        "zero": "zero_grad()가 모든 잎 노드의 기울기를 {zero}(으)로 만들므로, 이번 역전파는 "
                "첫 번째와 같은 기울기를 줍니다",
        "leaf_adds": "{name}: {old} + {new} = {total}",
        "leaves_title": "잎 노드의 기울기",
        "summed_rows": "행 방향으로 합",
        "forward_only": "아직 backward()를 실행하지 않았습니다: 순전파만 보입니다; 기울기를 "
                        "보려면 {root}.backward()를 호출하세요",
        "freed": "{name} = {op}(…): 이 규칙에 필요한 값을 backward()가 지웠으므로 아래 "
                 "기울기는 저장된 값입니다; backward(retain_graph=True)로 계산 과정을 볼 수 "
                 "있습니다",
        "no_graph": "{root}는 그래프 없이 만들어졌습니다 (no_grad() 안에서, 또는 "
                    "requires_grad=True가 없는 텐서로): 거슬러 올라갈 것이 없습니다",
        "other_output": "저장된 기울기는 {root}가 아닌 다른 출력의 backward()(또는 다른 "
                        "시작값)에서 왔습니다: 순전파만 보여 줍니다; {root}에서 역전파하려면 "
                        "{root}.backward()를 호출하세요",
        "released": "중간 텐서는 기울기를 보관하지 않았습니다 (PyTorch와 같음); 모든 단계를 "
                    "보려면 backward(keep_all_grads=True)를 호출하세요",
        "folded": "노드 {count:,}개: 상자로 접었습니다; 보이는 노드의 단계만 보여 줍니다 "
                  "(viz.html(..., expand=True)는 모두 그립니다)",
        "check_skipped": "기울기 검사 생략: {why}",
        "needs_backward": "passes=2는 역전파를 보여 주는데 backward()를 실행하지 않았습니다: "
                          "먼저 {root}.backward()를 호출하세요",
        "group_hint": "노드 {count:,}개: 여기서 펼치기에는 너무 많습니다; viz.html(root, path, "
                      "expand=[{gid!r}])로 그리세요",
        "value": "값", "grad": "기울기", "forward_value": "순전파 값", "legend": "범례",
        "grad_of": "∂{root}/∂노드",
        "parameter": "매개변수", "input": "입력", "constant_kind": "상수",
        "intermediate": "중간값", "output": "출력",
        "group": "{kind} {count:,}개\n깊이 {depth}", "leaves": "잎 노드",
        "nodes_of": "{symbol} 노드",
        "title": "{root}: 순전파와 역전파, 한 단계씩",
        "next": "다음", "previous": "이전", "first": "처음", "last": "마지막",
        "play": "재생", "pause": "일시정지", "speed": "속도", "zoom_in": "확대",
        "zoom_out": "축소", "fit": "맞추기", "actual_size": "100%", "step": "단계",
        "steps": "단계 목록", "answer": "답", "check": "확인", "score": "점수",
        "practice": "연습", "harder": "국소 기울기도 숨기기",
        "right": "정답", "wrong": "아쉽습니다: ", "gradient_check": "기울기 검사",
        "numeric": "수치 미분", "mismatch": "불일치", "colour_by_grad": "log |기울기|로 색칠",
        "dead": "죽은 노드 (기울기 0)", "expand": "펼치기", "collapse": "접기",
        "show_panel": "단계 보이기", "hide_panel": "단계 숨기기",
        "demo_chain": "== f = w*x + b의 연쇄 법칙 (10강): 상위 기울기 × 국소 기울기 = "
                      "하위 기울기 ==",
        "demo_xor": "== 2-2-1 시그모이드 신경망이 XOR을 배웁니다 ==",
        "demo_next": "다음:",
    },
}
LANGUAGES = tuple(WORDS)

# Local derivatives said in words rather than symbols, per language (English is the
# op declarations' own text; see viz.opinfo.local_text).
LOCAL_PHRASES = {
    "en": {},
    "ko": {
        "sum": ("1, 합한 모든 원소로 복사",), "mean": ("1/N, 평균낸 모든 원소로 복사",),
        "max": ("최댓값 위치는 1, 나머지는 0",), "min": ("최솟값 위치는 1, 나머지는 0",),
        "reshape": ("1, 원래 모양으로",), "transpose": ("1, 다시 전치",),
        "index": ("고른 원소는 1, 나머지는 0",),
        "where": ("조건이 참인 곳은 1, 나머지는 0", "조건이 거짓인 곳은 1, 나머지는 0"),
        "cat": ("상위 기울기 중 자기 조각",) * 64, "stack": ("상위 기울기 중 자기 조각",) * 64,
        "linear": ("upstream @ {1}", "upstreamᵀ @ {0}", "upstream을 행 방향으로 합"),
        "_rule": "{op} 규칙",  # an op with no formula
        "relu": ("{0} > 0이면 1, 아니면 0",),
        "leaky_relu": ("{0} > 0이면 1, 아니면 {args[0]:g}",),
        "elu": ("{0} > 0이면 1, 아니면 {out} + {args[0]:g}",),
        "prelu": ("{0} > 0이면 1, 아니면 {1}", "{0} ≤ 0인 곳은 {0}, 나머지는 0"),
        "softmax": ("{out}·(upstream − Σ upstream·{out})",),
        "cross_entropy": ("softmax({0}) − 정답",),
        "binary_cross_entropy": ("({0} − 정답) / ({0}·(1 − {0}))",),
        "binary_cross_entropy_with_logits": ("σ({0}) − 정답",),
    },
}


def words_for(lang: str, who: str = "viz") -> dict[str, str]:
    """The words of ``lang`` ("en" or "ko"); any other value is one clear error."""
    if lang not in WORDS:
        raise ValueError(f"{who}: lang must be one of {', '.join(sorted(WORDS))}, got {lang!r}")
    return WORDS[lang]


def kind_word(words: dict[str, str], kind: str) -> str:
    """``parameter``/``input``/``constant``/... in the page's language."""
    return words["constant_kind" if kind == "constant" else kind]


# Why the gradient check skipped, said in Korean: `viz.numeric` writes its reasons in
# English; a reason not listed here stays as it is.
CHECK_REASONS = {
    "ko": (
        (r"(\S+) declares no forward, so the numeric replay cannot run it "
         r"\(keep_all_grads=True lets it check below\)",
         "{0}은(는) 순전파 함수(forward)를 선언하지 않아 수치 재계산으로 다시 돌릴 수 없습니다 "
         "(keep_all_grads=True면 그 아래를 검사합니다)"),
        (r"the op (.+) is not declared \(ops\.declare\)",
         "연산 {0}은(는) 선언되지 않았습니다 (ops.declare)"),
        (r"the op (.+) declares no forward \(ops\.declare\(\.\.\., forward=\)\), so the "
         r"numeric replay cannot run it",
         "연산 {0}은(는) 순전파 함수를 선언하지 않아 (ops.declare(..., forward=)) 수치 재계산으로 "
         "다시 돌릴 수 없습니다"),
        (r"the numeric replay stopped at (.+)", "수치 재계산이 멈춘 곳: {0}"),
        (r"the output is not a single number", "출력이 하나의 수가 아닙니다"),
        (r"the graph is too big for a numeric check \((.+) op evaluations\)",
         "그래프가 수치 검사에는 너무 큽니다 (연산 {0}번)"),
        (r"(\d+) leaves have more than (\d+) numbers", "잎 노드 {0}개는 원소가 {1}개보다 많습니다"),
    ),
}


def check_reason(why: str, lang: str) -> str:
    """``why`` (a reason of `viz.numeric.numeric_gradients`) in the page's language."""
    for pattern, text in CHECK_REASONS.get(lang, ()):
        found = re.fullmatch(pattern, why)
        if found:
            return text.format(*found.groups())
    return why
