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
        "cut": "여기서부터는 기울기가 흐르지 않습니다 (detach)",
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
    # a convolution's or a pool's backward cell by cell (viz.conv_cells, viz/page/conv_panel.js)
    "conv_cells": {
        "region": "칸 하나씩",
        "title_conv2d": "칸 하나씩: {y}의 합성곱",
        "title_max_pool2d": "칸 하나씩: {y}의 최대 풀링",
        "title_avg_pool2d": "칸 하나씩: {y}의 평균 풀링",
        "mode_cell": "∂L/∂x, 칸 하나",
        "mode_weight": "∂L/∂W, 가중치 하나",
        "mode_im2col": "im2col",
        "channel_in": "입력 채널",
        "channel_out": "출력 채널",
        "prev_cell": "◀ 이전 칸",
        "next_cell": "다음 칸 ▶",
        "prev_weight": "◀ 이전 가중치",
        "next_weight": "다음 가중치 ▶",
        "grid_input": "입력 {x}[{n}, {c}]",
        "grid_kernel": "커널 {w}[{o}, {c}]",
        "grid_upstream": "upstream ∂L/∂{y}[{n}, {o}]",
        "grid_output": "출력 {y}[{n}, {o}]",
        "grid_grad": "이 연산이 보낸 ∂L/∂{x}[{n}, {c}]",
        "cell_name": "{x}[{n}, {c}, {i}, {j}]",
        "out_name": "{y}[{n}, {o}, {i}, {j}]",
        "weight_name": "{w}[{o}, {c}, {p}, {q}]",
        "sat_in": "{cell}는 창 {count}개에 들어 있었습니다:",
        "sat_in_one": "{cell}는 창 1개에 들어 있었습니다:",
        "conv_rule": "창마다 자기 upstream × 그 칸 위에 놓였던 커널 가중치를 돌려보냅니다",
        "sat_in_none": "{cell}는 어떤 창에도 들지 않았습니다 (stride {stride}가 건너뜀): 이 "
                       "연산은 아무것도 보내지 않습니다",
        "term_conv": "창 {window}: upstream {up} × {weight} {value}",
        "max_here": "창 {window}: 최댓값이 이 칸이라 upstream {up}을 전부 받습니다",
        "max_elsewhere": "창 {window}: 최댓값은 {where}라서 이 칸은 0을 받습니다",
        "avg_term": "창 {window}: upstream {up} × 1/{k}",
        "zero_upstream": "{total}개 항 중 {count}개는 upstream이 0입니다 (이 연산 뒤의 ReLU나 "
                         "최대 풀링이 그쪽으로는 기울기를 보내지 않음): 더해도 0이라 합에서 "
                         "뺐습니다",
        "zero_terms": "{total}개 항 중 {count}개는 0입니다 (패딩 칸이거나 upstream이 0): 합에서 "
                      "뺐습니다",
        "grid_grad_weight": "∂L/∂{w}[{o}, {c}]",
        "channel_sum": "출력 채널 {o}: {sum}",
        "channels_sum": "출력 채널 {count}개를 모두 더하면: {sum}",
        "fold_total": "∂L/∂{cell} = {total}: fold(col2im)가 += 로 더하는 값, 이 칸을 읽은 창마다 "
                      "하나씩",
        "engine_same": "엔진의 {x}.grad{where} = {value} ✓",
        "weight_used": "{weight}는 모든 창에 쓰입니다: 표본 {n}의 창 {count}개가 각각 그 가중치 "
                       "아래의 입력 칸 × 창의 upstream을 더합니다:",
        "weight_on_padding": "그중 {count}개는 이 가중치를 패딩 위에 놓습니다: 0 × upstream, "
                             "더할 것이 없습니다",
        "weight_term": "창 {window}: {cell} {value} × upstream {up}",
        "weight_term_pad": "창 {window}: 패딩 0 × upstream {up}",
        "weight_sample": "표본 {n}: {sum}",
        "weight_batch": "배치 전체 {count}개 표본: {mine} + 나머지 표본의 {rest} = {total}",
        "weight_total": "∂L/∂{weight} = {total}",
        "im2col_unroll": "1. unfold(im2col): {x} ({n}, {c}, {h}, {w}) → 열 행렬 ({n}, {rows}, "
                         "{l}): 창 하나를 열 하나로 복사",
        "im2col_matmul": "2. 행렬곱 한 번: ({o}, {rows})로 편 {weight} @ 열 행렬 → ({n}, {o}, "
                         "{l}) → {y} ({n}, {o}, {ho}, {wo})",
        "im2col_back": "역전파: {weight}ᵀ ({rows}, {o}) @ upstream ({n}, {o}, {l}) → "
                       "∂L/∂열 ({n}, {rows}, {l})",
        "im2col_fold": "fold(col2im): ∂L/∂열 → ∂L/∂{x} ({n}, {c}, {h}, {w}), 각 열을 그 창을 "
                       "읽었던 자리에 다시 더함: +=",
        "im2col_weight": "∂L/∂{weight} = 배치 전체에 대한 upstream @ 열ᵀ 의 합 → ({o}, {rows})",
        "im2col_matrix": "{x}[{n}]의 ∂L/∂열: 행은 (채널, 커널 행, 커널 열), 열은 창 하나씩",
        "im2col_cell": "{cell}는 열 행렬 {shape}의 {count}자리에 복사되었습니다; fold가 그 "
                       "기울기들을 이 칸에 더해 돌려놓습니다:",
        "im2col_too_big": "펼친 행렬이 너무 커서 여기에 그리지 않습니다",
        "padding": "빗금 칸은 패딩 {padding}입니다: 이미지 둘레에 덧붙인 0이라 입력이 아니므로, "
                   "여기서는 기울기가 더 전달되지 않습니다",
        "padding_max": "빗금 칸은 패딩 {padding}입니다: −∞라서 최댓값이 될 수 없고 기울기도 받지 "
                       "않습니다",
        "stride": "stride {stride}: 창이 건너뛰며 움직이므로 어떤 칸은 다른 칸보다 적은 창에 "
                  "들어갑니다 (하나도 안 들기도 함)",
        "dilation": "dilation {dilation}: 커널 칸 사이가 벌어져 있어 창이 틈을 두고 칸을 읽습니다",
        "max_route": "최대 풀링은 길을 정합니다: 각 창의 upstream은 최댓값을 가진 칸으로 전부 "
                     "가고, 창의 다른 칸은 모두 0을 받습니다",
        "avg_split": "평균 풀링은 나눕니다: 창의 모든 칸이 upstream의 1/{k}씩 받습니다 (패딩 칸도 "
                     "셉니다)",
        "needs_grads": "이 연산의 upstream 기울기가 남아 있지 않습니다: "
                       "backward(keep_all_grads=True)를 호출하면 칸을 따라가 볼 수 있습니다",
        "worked_below": "{y} = {op}(…): 이 연산이 보낸 기울기는 아래와 같습니다; 칸 보기에서 "
                        "각 수를 창 하나씩 계산해 봅니다",
        "question": "∂L/∂{cell} = ?  (이 칸을 덮었던 창들이 돌려보내는 값을 더하세요)",
        "worked": "{cell}는 창 {count}개에 들어 있었습니다: {sum}",
    },
    # backprop through time on a folded sequence (viz.time_steps, viz.bptt, bptt_panel.js)
    "bptt": {
        "folded": "펼친 시퀀스, 시간 단계 {steps}개: 순환의 순서대로 단계마다 상자 하나, t = 1 … "
                  "{steps}; 모든 단계에서 쓰이는 가중치는 밖에 둡니다; 상자를 열면 셀의 연산이 "
                  "보입니다",
        "box": "t = {t}",
        "box_layer": "t = {t} · 층 {layer}",
        "rnn_cell": "{h} = {act}({wx} + {hp} W_hhᵀ)",
        "lstm_cell": "LSTM 셀 → {h}, {c}",
        "gru_cell": "GRU 셀 → {h}",
        "box_hint": "이 단계의 상자는 여기서 열리지 않습니다: 처음 {first}개와 마지막 {last}개 "
                    "단계가 열립니다; viz.html(root, path, expand=True)는 모든 노드를 그립니다",
        "lane": "셀 상태 c: 따로 그린 길, 단계마다 × f_t",
        "in_layer": " (층 {layer})",
        "forward_title": "순전파: 시간 단계 t = {t}",
        "forward_rnn": "{h} = {act}({wx} + {hp} W_hhᵀ) = {value}   ({wx} = x W_ihᵀ + b, 입력 "
                       "쪽 몫)",
        "forward_lstm": "{wx} + {hp} W_hhᵀ 에서 게이트 i, f, g, o;  {c} = {f} ⊙ {cp} + {i} ⊙ "
                        "{g} = {cvalue};  {h} = {o} ⊙ tanh({c}) = {value}",
        "forward_gru": "{wx}와 {hp} W_hhᵀ 에서 게이트 r, z, n;  {h} = (1 − {z}) ⊙ {n} + {z} ⊙ "
                       "{hp} = {value}",
        "open_box": "(상자 t = {t}를 열면 셀의 연산을 하나씩 볼 수 있습니다)",
        "backward_title": "역전파: 시간 단계 t = {t}",
        "receives": "{name}는 기울기를 {count}개 받습니다 ({sources}): 이들을 더합니다:",
        "receives_one": "{name}는 기울기를 1개 받습니다 ({sources}):",
        "from": "{source}에서",
        "and": ", ",
        "part": "  {source}에서: {value}",
        "sum": "∂L/∂{name} = {parts} = {total}",
        "sum_norm": "‖∂L/∂{name}‖ = {total}  (벡터는 원소끼리 더합니다)",
        "rnn_factor_line": "{hp}로 돌아가며: × {act}′ 다음 × W_hh, 이것은 기울기를 최대 "
                           "‖W_hhᵀ diag({act}′)‖ = {factor}배 합니다 ({verdict})",
        "lstm_factor_line": "셀 상태 길을 따라 {cp}로: 원소마다 × {f}, 사이에 행렬이 없습니다; "
                            "{f} 평균 = {factor} ({verdict})",
        "gru_factor_line": "직접 경로를 따라 {hp}로: 원소마다 × {z}; {z} 평균 = {factor} "
                           "({verdict})",
        "shrinks": "1보다 작음: 거슬러 갈수록 기울기가 줄어듭니다",
        "grows": "1보다 큼: 거슬러 갈수록 기울기가 커질 수 있습니다",
        "rnn_factor": "‖W_hhᵀ diag(tanh′)‖",
        "lstm_factor": "f_t 평균",
        "gru_factor": "z_t 평균",
        "weight_title": "{weight}는 모든 단계에서 쓰입니다",
        "weight_line": "{weight}는 모든 단계에서 쓰입니다: 그 기울기는 단계마다 하나씩, {count}개 "
                       "몫의 합입니다",
        "weight_each": "각 몫은 그 단계의 곱 h_(t−1) W_hhᵀ 에서 upstreamᵀ @ h_(t−1) 입니다 "
                       "(상자를 열면 보입니다)",
        "weight_entry": "∂L/∂{weight}{where} = {parts} = {total}",
        "weight_engine": "엔진의 {weight}.grad{where} = {value} ✓",
        "weight_engine_other": "엔진의 {weight}.grad{where} = {value}: 이번 backward()보다 많은 "
                               "것이 들어 있습니다 (zero_grad() 전까지 기울기가 쌓임)",
        "cut_title": "잘린 역전파: detach된 상태",
        "cut_line": "{name}는 detach되었습니다: 여기서부터는 기울기가 흐르지 않으므로 (detach), "
                    "그 앞의 단계는 이 손실에서 아무것도 받지 않습니다",
        "question_h": "∂L/∂{name}{where} = ?  (받은 기울기들을 더하세요)",
        "question_w": "∂L/∂{weight}{where} = ?  ({count}개 몫을 더하세요)",
        "needs_grads": "상태들의 기울기가 남아 있지 않습니다: backward(keep_all_grads=True)를 "
                       "호출하면 시간 역전파를 단계별로 볼 수 있습니다",
        "bars_title": "시간 단계별 ‖∂L/∂h_t‖",
        "bars_title_c": "‖∂L/∂c_t‖ (셀 상태 길)",
        "bars_factor": "한 단계 거슬러 갈 때의 배율: {name}",
        "bars_layer": "층 {layer}",
        "bars_hide": "막대 숨기기",
        "bars_show": "‖∂L/∂h_t‖ 막대",
        "contributions": "단계마다 하나씩, {count}개 몫 (upstreamᵀ @ h_(t−1)):",
        "contribution_of": "t = {t}",
        "more_steps": "… 단계 {count}개 더 …",
        "total": "몫들의 합",
        "engine": "엔진의 {weight}.grad",
        "entry": "원소",
        "entry_line": "∂L/∂{weight}{where} = {parts} = {total}",
    },
    # local derivatives said in words (viz.narration, viz.opinfo)
    # an op that declares no derivative text for a parent (each op's own text, in English
    # and Korean, is declared with the op: tinygrad_edu.ops.declare(local=, local_ko=))
    "local_phrases": {
        "_rule": "{op} 규칙",
    },
}
