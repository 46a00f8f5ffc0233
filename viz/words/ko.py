"""Every sentence a learner reads, in Korean (한국어): the same areas and keys as `en.py`.

``{name}`` marks a value filled in where the words are used; keep the names as they are.
An op's own local derivative is not here: it is declared with the op, in English and in
Korean (``local=``/``local_ko=`` of `tinygrad_edu.ops.declare`)."""

from __future__ import annotations

WORDS = {
    # the steps of a graph's forward and backward passes (viz.narration, viz.story)
    "steps": {
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
        "twice": "2번",
        "times": "{k}번",
        "broadcast": "{parent}의 모양은 {shape}이고 {out}(으)로 브로드캐스트되었습니다: 기울기는 "
                     "상위 기울기를 {axes}에 대해 더한 것입니다",
        "axis": "축 {a}",
        "axes": "축 {a}",
        "and": ", ",
        "kept": " ({a}은 크기 1로 유지)",
        "accumulated": "{name}.grad는 {computed}가 아니라 {stored}입니다: 이전 backward()가 더해 "
                       "두었습니다 (잎 노드는 zero_grad() 전까지 누적됩니다)",
        "second_title": "zero_grad() 없이 두 번째 backward()",
        "second": "연산 결과는 새로 시작합니다 (매 역전파마다 기울기가 초기화됨); 잎 노드는 가진 "
                  "값에 새 기울기를 더합니다: {examples}. 이대로면 옵티마이저가 두 배만큼 "
                  "움직입니다: 그래서 학습 루프는 매 backward() 전에 zero_grad()를 부릅니다",
        "zero_title": "zero_grad() 후 다시 backward()",
        "zero": "zero_grad()가 모든 잎 노드의 기울기를 {zero}(으)로 만들므로, 이번 역전파는 첫 "
                "번째와 같은 기울기를 줍니다",
        "leaf_adds": "{name}: {old} + {new} = {total}",
        "leaves_title": "잎 노드의 기울기",
        "summed_rows": "행 방향으로 합",
    },
    # notes above the steps and on the drawing (viz.story, viz.explorer_data, viz.dot)
    "notes": {
        "forward_only": "아직 backward()를 실행하지 않았습니다: 순전파만 보입니다; 기울기를 "
                        "보려면 {root}.backward()를 호출하세요",
        "freed": "{name} = {op}(…): 이 규칙에 필요한 값을 backward()가 지웠으므로 아래 기울기는 "
                 "저장된 값입니다; backward(retain_graph=True)로 계산 과정을 볼 수 있습니다",
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
    },
    # the drawing's rows, legend and node kinds (viz.dot, viz.story, viz.explorer_data)
    "drawing": {
        "value": "값",
        "grad": "기울기",
        "forward_value": "순전파 값",
        "legend": "범례",
        "grad_of": "∂{root}/∂노드",
        "parameter": "매개변수",
        "input": "입력",
        "constant_kind": "상수",
        "intermediate": "중간값",
        "output": "출력",
        "group": "{kind} {count:,}개\n깊이 {depth}",
        "leaves": "잎 노드",
        "nodes_of": "{symbol} 노드",
    },
    # the explorer page's controls and labels (viz.html, viz/page/explorer.html)
    "explorer": {
        "untitled": "순전파와 역전파, 한 단계씩",
        "title": "{root}: 순전파와 역전파, 한 단계씩",
        "zoom": "확대/축소",
        "zoom_in": "확대",
        "zoom_out": "축소",
        "fit": "화면에 맞춤",
        "actual": "원래 크기",
        "graph": "그래프 (끌어서 이동, 휠로 확대/축소)",
        "practice": "연습",
        "level": "숨기기",
        "level_1": "기울기",
        "level_2": "기울기와 국소 기울기",
        "gradcheck": "기울기 검산",
        "colour": "|기울기| 색",
        "dead_note": "회색: 기울기 없음 (죽은 노드)",
        "steps": "단계",
        "first": "처음",
        "previous": "이전",
        "next": "다음",
        "last": "마지막",
        "play": "재생",
        "speed": "속도",
        "step": "단계",
        "back": "← 전체 그래프로",
        "answer": "답",
        "check": "확인",
        "all_steps": "모든 단계",
        "groups": "접힌 상자: 열면 그 안의 단계가 보입니다",
        "keys": "키보드: ← → 단계, Home/End 처음/끝, + − 확대/축소, 0 원래 크기. 노드를 누르면 "
                "그 단계로 갑니다.",
    },
    # what the explorer page's script writes at run time (viz/page/*.js)
    "explorer_script": {
        "counter": "단계 {k} / {n}",
        "pass": "{pass}번째 역전파",
        "play": "재생",
        "pause": "일시정지",
        "play_text": "▶ 재생",
        "pause_text": "‖ 일시정지",
        "score": "점수: {right} / {asked}",
        "right": "정답!",
        "wrong": "아쉽네요:",
        "not_a_number": "숫자나 분수를 입력하세요. 예: 0.25, -2/3",
        "no_question": "이 단계에는 물어볼 것이 없습니다.",
        "all_answered": "답했습니다. 다음 → 으로 가세요",
        "dead": "죽음",
        "value": "값",
        "grad": "기울기",
        "rule": "규칙:",
        "check_tensor_ok": "최대 오차 {error} ✓",
        "check_tensor_bad": "최대 오차 {error}",
        "check_ok": "수치 {numeric}\n= 역전파 {backprop} ✓",
        "check_bad": "수치 {numeric}\n≠ 역전파 {backprop}",
        "check_all_ok": "기울기 검산: 잎 노드 {total}개 모두 중앙 차분과 일치합니다.",
        "check_some_bad": "기울기 검산: 잎 노드 {total}개 중 {count}개가 다릅니다: {names}",
    },
    # the optimizer's update step, narrated (viz.training.updates)
    "updates": {
        "title": "갱신: {param} ({optimizer})",
        "first": "첫 단계: 버퍼는 g 로 시작",
        "decay": "가중치 감쇠 λ: 기울기에 λ·w 를 더함",
        "decoupled": "분리된 가중치 감쇠: 먼저 w 를 줄임",
        "step": "단계 t = {t}",
        "no_grad": "{param}: 기울기 없음, 그대로",
        "lecture": "강의 형태: v = −η·b = {v}, w ← w + v",
        "mismatch": "(!) 옵티마이저 결과 {actual}",
        "delta": "전체 {n}개 항목의 Δw: 가장 큰 |Δw| = {top}",
    },
    # the training page (viz.training.page, viz/training/assets/training.js)
    "training_page": {
        "dead": "{layer}: 반복 {since}부터 모든 유닛이 죽어 있다 — 아래 층에는 기울기가 닿지 "
                "않는다; 더 작은 학습률을 써 보라",
        "title": "{dataset} 학습: {model}, {optimizer}",
        "play": "▶ 재생",
        "pause": "❙❙ 일시정지",
        "first": "« 처음",
        "prev": "◀ 이전",
        "next": "다음 ▶",
        "last": "끝 »",
        "iteration": "반복",
        "status": "반복 {k} / {n} · 손실 {loss} · 정확도 {acc}",
        "loss": "손실",
        "boundary": "결정 경계 (모델 출력: 파랑 0 … 빨강 1)",
        "grads": "층별 기울기 크기 (로그 눈금)",
        "params": "시간에 따른 가중치",
        "graph_at": "반복 {k}의 그래프 (값 파랑, 기울기 빨강; 옅은 색 = 작은 기울기)",
        "open": "반복 {k} 열기: 순전파 → 역전파 → 갱신",
        "explorer": "탐색기에서 본 반복 {k}: 순전파 → 역전파 → 갱신 단계 (틀 안에서 ← → 와 단계 "
                    "목록)",
        "explorer_title": "반복 {k}: 순전파 → 역전파 → 갱신",
        "close": "닫기",
        "loading": "반복 {k} 여는 중…",
        "no_graph": "그래프가 기록된 반복: {list}.",
        "stopped": "학습 중단: {why}",
        "keys": "키보드: ← → 이동, 스페이스 재생",
        "summary": "반복 {n}회 · 손실 {first} → {last} · 정확도 {a0} → {a1}",
        "first_name": "처음",
        "prev_name": "이전",
        "play_name": "재생",
        "pause_name": "일시정지",
        "next_name": "다음",
        "last_name": "끝",
        "frame": "탐색기",
    },
    # the optimizer paths page (viz.training.paths, viz/training/assets/paths.js)
    "paths_page": {
        "title": "{f} 위의 옵티마이저, 시작점 {start}",
        "step": "단계",
        "hint": "모든 경로는 같은 점에서 시작; 슬라이더가 모두를 움직인다. 키보드: ← →",
        "first": "« 처음",
        "prev": "◀ 이전",
        "next": "다음 ▶",
        "last": "끝 »",
        "play": "▶ 재생",
        "pause": "❙❙ 일시정지",
        "first_name": "처음",
        "prev_name": "이전",
        "play_name": "재생",
        "pause_name": "일시정지",
        "next_name": "다음",
        "last_name": "끝",
    },
    # a recorded run's steps (viz.training.recording)
    "recording": {
        "too_big": "노드 {n}개: 한 단계씩 보기에는 너무 많음 (데이터를 줄이거나 tensor 엔진 "
                   "사용); 갱신 단계는 아래에",
    },
    # the live view: its widget and its terminal lines (viz.training.live, live_widget.js)
    "live": {
        "dead": "{layer}: 반복 {since}부터 모든 유닛이 죽어 있다 — 아래 층에는 기울기가 닿지 "
                "않는다; 더 작은 학습률을 써 보라",
        "loss": "손실",
        "boundary": "결정 경계",
        "graph": "그래프",
        "status": "단계 {step} · 손실 {loss}",
        "epoch": "에포크 {epoch}: {shown}",
        "no_widget": "라이브 보기: 노트북 위젯에는 anywidget이 필요합니다: 클론에서는 pip "
                     "install -e '.[notebook]', 패키지 색인에서는 pip install "
                     "'tinygrad-edu[notebook]'; 대신 글로 출력합니다",
    },
    # `tinygrad-edu train`'s extra sections (tinygrad_edu.cli_train)
    "cli": {
        "dead": "{layer}: 반복 {since}부터 모든 {unit}가 죽어 있다 — 아래 층에는 기울기가 닿지 "
                "않는다; 더 작은 --lr 을 써 보라",
        "one_layer_title": "한 층 (2-1): 정확도 최대 {best:.2f}",
        "one_layer_line": "손실 {first:.4f} → {last:.4f}; 직선 하나로는 XOR 을 나눌 수 없어서 "
                          "4개 중 많아야 3개만 맞는다",
        "hand_set_title": "강의의 손으로 정한 가중치는 이미 XOR 을 계산한다",
        "layers_title": "층별 기울기 크기 (입력 쪽부터)",
        "layers_ratio": "입력에 가장 가까운 층의 기울기는 마지막 층의 {ratio:.2g} 배 "
                        "({activation})",
    },
    # `tinygrad-edu demo`'s headers (viz.demo, tinygrad_edu.demo)
    "demo": {
        "chain": "== f = w*x + b의 연쇄 법칙 (10강): 상위 기울기 × 국소 기울기 = 하위 기울기 ==",
        "xor": "== 2-2-1 시그모이드 신경망이 XOR을 배웁니다 ==",
        "next": "다음:",
    },
    # why the gradient check skipped (viz.numeric, viz.explorer_data)
    "check_reasons": {
        "loss_no_forward": "{op}은(는) 순전파 함수(forward)를 선언하지 않아 수치 재계산으로 다시 "
                           "돌릴 수 없습니다 (keep_all_grads=True면 그 아래를 검사합니다)",
        "not_declared": "연산 {op}은(는) 선언되지 않았습니다 (ops.declare)",
        "no_forward": "연산 {op}은(는) 순전파 함수를 선언하지 않아 (ops.declare(..., forward=)) "
                      "수치 재계산으로 다시 돌릴 수 없습니다",
        "stopped": "수치 재계산이 멈춘 곳: {where}",
        "not_scalar": "출력이 하나의 수가 아닙니다",
        "too_big": "그래프가 수치 검사에는 너무 큽니다 (연산 {cost}번)",
        "big_leaves": "잎 노드 {count}개는 원소가 {size}개보다 많습니다",
    },
    # local derivatives said in words (viz.narration, viz.opinfo)
    # an op that declares no derivative text for a parent (each op's own text, in English
    # and Korean, is declared with the op: tinygrad_edu.ops.declare(local=, local_ko=))
    "local_phrases": {
        "_rule": "{op} 규칙",
    },
}
