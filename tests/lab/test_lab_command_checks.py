"""`tinygrad-edu lab` refuses what cannot work before running anything, and a quick run
says when its budget is too small to judge a claim."""

import json

from tinygrad_edu.cli import main as cli_main


def test_quick_run_says_it_cannot_judge_instead_of_a_bare_verdict(tmp_path, capsys):
    # preprocessing holds partly in the full run and not at all with --quick's budget
    assert cli_main(["lab", "--quick", "--out", str(tmp_path), "chain_rule",
                     "preprocessing"]) == 0
    summary = capsys.readouterr().out.split("wrote")[-1]
    lines = {line.split()[0]: line for line in summary.splitlines() if line.strip()[:1].isalpha()
             and not line.startswith(" " * 3)}
    verdicts = {e["name"]: e["verdict"] for e in
                json.loads((tmp_path / "results.json").read_text())["experiments"]}
    assert verdicts["chain_rule"] == "holds" and "--quick" not in lines["chain_rule"]
    assert verdicts["preprocessing"] != "holds"
    assert "not enough steps in --quick to judge" in lines["preprocessing"]


def test_mnist_without_its_files_names_download_before_running(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli_main(["lab", "--quick", "--dataset", "mnist", "--out", str(out)]) == 2
    assert "--download" in capsys.readouterr().err
    assert cli_main(["lab", "--quick", "--dataset", "mnist", "--data-root", str(tmp_path),
                     "--out", str(out), "optimizers"]) == 2
    error = capsys.readouterr().err
    assert "--download" in error and "is not in" in error
    assert not (out / "results.json").exists()  # nothing ran


def test_an_out_folder_that_cannot_be_written_fails_first(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert cli_main(["lab", "--quick", "--out", str(blocker / "lab"), "chain_rule"]) == 2
    captured = capsys.readouterr()
    assert "--out" in captured.err and "cannot write there" in captured.err
    assert "===" not in captured.out  # no experiment started
