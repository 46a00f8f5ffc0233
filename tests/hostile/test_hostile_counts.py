"""The counting script (tests/support/hostile_counts.py) at a small scale: it runs, and finds no
traceback, wrong result, hang, data loss, partial file or evaluation."""

import sys
from collections import Counter

import hostile_counts as counts


def test_a_small_campaign_finds_no_bad_outcome(tmp_path):
    sys.addaudithook(counts._audit)
    counts.cli_case("f = w*x", ["w=1", "x=2"], Counter())  # imports first
    results = [counts.campaign_cli(60), counts.campaign_idx(25, tmp_path),
               counts.campaign_npz(15, tmp_path), counts.campaign_state(40),
               counts.campaign_training(), counts.campaign_recordings(tmp_path)]
    for result in results:
        assert sum(result[kind] for kind in counts.BAD) == 0, (result, counts.NOTES)
        assert result["clear error"] > 0
    assert results[0]["accepted"] > 0  # some inputs were valid and checked against Python
