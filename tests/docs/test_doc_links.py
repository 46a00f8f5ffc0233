"""Every link between README and the guides leads somewhere: a file that exists and, for
``#anchor``, a heading of that file."""

from pathlib import Path
from urllib.parse import unquote

import pytest
from markdown_docs import ROOT, anchors, documents, github_anchor, links, name

REMOTE = ("http://", "https://", "mailto:")


def link_cases() -> list[tuple[Path, str]]:
    return [(path, target) for path in documents() for target in links(path)
            if not target.startswith(REMOTE)]


@pytest.mark.parametrize("path,target", link_cases(),
                         ids=lambda case: case.name if isinstance(case, Path) else case)
def test_link_leads_to_a_file_and_heading_that_exist(path, target):
    file_part, _, anchor = unquote(target).partition("#")
    linked = (path.parent / file_part).resolve() if file_part else path
    assert linked.exists(), f"{name(path)}: {target} -> no such file"
    assert linked.is_relative_to(ROOT), f"{name(path)}: {target} leaves the repository"
    if anchor:
        assert linked.suffix == ".md", f"{name(path)}: {target}: an anchor in a non-Markdown file"
        assert anchor in anchors(linked), (
            f"{name(path)}: {target}: no heading with that anchor; {sorted(anchors(linked))}")


def test_there_are_links_to_check():
    cases = link_cases()
    assert len(cases) > 30
    assert any("#" in target for _, target in cases)


def test_github_anchor_drops_punctuation_and_code_marks():
    assert github_anchor("Train networks: `nn` and `optim`") == "train-networks-nn-and-optim"
    assert github_anchor("2. The explorer: every value, every gradient") == (
        "2-the-explorer-every-value-every-gradient")
    assert github_anchor("Data, training, logging, search") == "data-training-logging-search"


def test_remote_links_are_https():
    remote = [target for path in documents() for target in links(path)
              if target.startswith(REMOTE)]
    assert all(target.startswith("https://") for target in remote), remote
