"""The engine's hostile campaigns (tests/support/hostile_engine_campaigns.py) at a small
scale: a learner's declarations and rule results, apply's arguments, special files and
links, add_graph on odd models, one-line errors, grad() edge cases, losses and state
casts -- no traceback, wrong result, hang, data loss or partial file."""

import hostile_engine_campaigns as campaigns
from hostile_campaigns import BAD, NOTES


def _clean(result, needs_accepted: bool = True):
    assert sum(result[kind] for kind in BAD) == 0, (result, NOTES[-10:])
    assert result["clear error"] > 0
    if needs_accepted:
        assert result["accepted"] > 0  # some cases were good, and their results checked


def test_declarations_and_rule_results():
    _clean(campaigns.campaign_declarations(80))
    _clean(campaigns.campaign_rule_results(80))
    _clean(campaigns.campaign_apply(60))


def test_special_files_and_links(tmp_path):
    result = campaigns.campaign_special_files(tmp_path)
    _clean(result)
    assert result["clear error"] >= 7 * 4  # every writer refused a FIFO, a folder, a loop, ...


def test_add_graph_one_liners_grad_edges_and_state_casts(tmp_path):
    _clean(campaigns.campaign_add_graph(tmp_path))
    _clean(campaigns.campaign_one_liners(), needs_accepted=False)
    result = campaigns.campaign_grad_edges()
    assert sum(result[kind] for kind in BAD) == 0 and result["accepted"] >= 30, NOTES[-5:]
    _clean(campaigns.campaign_losses_and_states(60))
