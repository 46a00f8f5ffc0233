"""The explorer page's own words (buttons, labels, practice feedback), in English and
Korean. The narration of the steps comes with the explorer document, not from here.

``script`` holds the words the page's script puts in at run time; ``{name}`` marks a
value it fills in."""

from __future__ import annotations

__all__ = ["WORDS"]

WORDS = {
    "en": {
        "untitled": "Forward and backward, step by step",
        "title": "{root}: forward and backward, step by step",
        "zoom": "Zoom", "zoom_in": "Zoom in", "zoom_out": "Zoom out", "fit": "Fit",
        "actual": "Natural size", "graph": "Graph (drag to pan, wheel to zoom)",
        "practice": "Practice", "level": "Hide", "level_1": "the gradient",
        "level_2": "gradient and local derivative", "gradcheck": "Gradient check",
        "colour": "Colour by |grad|", "dead_note": "grey: no gradient (dead)",
        "steps": "Steps", "first": "First", "previous": "Previous", "next": "Next",
        "last": "Last", "play": "Play", "speed": "Speed", "step": "Step",
        "back": "← Back to the whole graph", "answer": "Answer", "check": "Check",
        "all_steps": "All steps", "groups": "Folded boxes: open one to see its steps",
        "keys": "Keys: ← → step, Home/End first/last, + − zoom, 0 natural size. "
                "Click a node to jump to its step.",
        "script": {
            "counter": "Step {k} / {n}", "pass": "pass {pass}",
            "play": "Play", "pause": "Pause", "play_text": "▶ Play", "pause_text": "‖ Pause",
            "score": "Score: {right} / {asked}", "right": "Right!", "wrong": "Not quite:",
            "not_a_number": "Type a number or a fraction, e.g. 0.25 or -2/3",
            "no_question": "Nothing to answer in this step.",
            "all_answered": "Answered. Go on with Next →",
            "dead": "dead", "value": "value", "grad": "grad", "rule": "rule:",
            "check_tensor_ok": "max error {error} ✓", "check_tensor_bad": "max error {error}",
            "check_ok": "numeric {numeric}\n= backprop {backprop} ✓",
            "check_bad": "numeric {numeric}\n≠ backprop {backprop}",
            "check_all_ok": "Gradient check: all {total} leaves agree with central differences.",
            "check_some_bad": "Gradient check: {count} of {total} leaves disagree: {names}",
        },
    },
    "ko": {
        "untitled": "순전파와 역전파, 한 단계씩",
        "title": "{root}: 순전파와 역전파, 한 단계씩",
        "zoom": "확대/축소", "zoom_in": "확대", "zoom_out": "축소", "fit": "화면에 맞춤",
        "actual": "원래 크기", "graph": "그래프 (끌어서 이동, 휠로 확대/축소)",
        "practice": "연습", "level": "숨기기", "level_1": "기울기",
        "level_2": "기울기와 국소 기울기", "gradcheck": "기울기 검산",
        "colour": "|기울기| 색", "dead_note": "회색: 기울기 없음 (죽은 노드)",
        "steps": "단계", "first": "처음", "previous": "이전", "next": "다음",
        "last": "마지막", "play": "재생", "speed": "속도", "step": "단계",
        "back": "← 전체 그래프로", "answer": "답", "check": "확인",
        "all_steps": "모든 단계", "groups": "접힌 상자: 열면 그 안의 단계가 보입니다",
        "keys": "키보드: ← → 단계, Home/End 처음/끝, + − 확대/축소, 0 원래 크기. "
                "노드를 누르면 그 단계로 갑니다.",
        "script": {
            "counter": "단계 {k} / {n}", "pass": "{pass}번째 역전파",
            "play": "재생", "pause": "일시정지", "play_text": "▶ 재생", "pause_text": "‖ 일시정지",
            "score": "점수: {right} / {asked}", "right": "정답!", "wrong": "아쉽네요:",
            "not_a_number": "숫자나 분수를 입력하세요. 예: 0.25, -2/3",
            "no_question": "이 단계에는 물어볼 것이 없습니다.",
            "all_answered": "답했습니다. 다음 → 으로 가세요",
            "dead": "죽음", "value": "값", "grad": "기울기", "rule": "규칙:",
            "check_tensor_ok": "최대 오차 {error} ✓", "check_tensor_bad": "최대 오차 {error}",
            "check_ok": "수치 {numeric}\n= 역전파 {backprop} ✓",
            "check_bad": "수치 {numeric}\n≠ 역전파 {backprop}",
            "check_all_ok": "기울기 검산: 잎 노드 {total}개 모두 중앙 차분과 일치합니다.",
            "check_some_bad": "기울기 검산: 잎 노드 {total}개 중 {count}개가 다릅니다: {names}",
        },
    },
}
