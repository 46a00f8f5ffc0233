"""README and the guides in docs/, read the way the doc tests need them: their code
blocks, shell commands, links and headings."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
INDEX = DOCS / "README.md"
GUIDE_NAME = re.compile(r"^(\d\d)-[a-z0-9-]+\.md$")
FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
INLINE_CODE = re.compile(r"`([^`\n]+)`")


def guides() -> list[Path]:
    """The guides in reading order: docs/NN-name.md, sorted by their number."""
    return sorted(path for path in DOCS.glob("*.md") if GUIDE_NAME.match(path.name))


def documents() -> list[Path]:
    """README, the index of the guides, and every guide."""
    return [README, INDEX, *guides()]


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def code_blocks(path: Path, language: str) -> list[str]:
    return code_blocks_in(path.read_text(encoding="utf-8"), language)


def code_blocks_in(text: str, language: str) -> list[str]:
    """The bodies of the fenced blocks of ``language`` (``python``, ``sh``) in ``text``."""
    return [body for lang, body in FENCE.findall(text) if lang == language]


def python_blocks(path: Path) -> list[str]:
    return code_blocks(path, "python")


def shell_commands(path: Path) -> list[str]:
    """Every command line of the ``sh`` blocks, exactly as printed (comment lines left out)."""
    return [line.rstrip() for block in code_blocks(path, "sh") for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def prose(path: Path) -> str:
    """The text outside fenced code blocks."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def inline_code(path: Path) -> list[str]:
    return INLINE_CODE.findall(prose(path))


def links(path: Path) -> list[str]:
    """The targets of the Markdown links and images outside code blocks."""
    return LINK.findall(prose(path))


def section(path: Path, title: str) -> str:
    """The text from ``## title`` to the next ``## `` heading."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def github_anchor(title: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as '-'."""
    text = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of every heading (a repeated one gets -1, -2, ... as on GitHub)."""
    found: set[str] = set()
    for title in re.findall(r"^#{1,6} (.+)$", prose(path), re.M):
        anchor = base = github_anchor(title)
        count = 0
        while anchor in found:
            count += 1
            anchor = f"{base}-{count}"
        found.add(anchor)
    return found


def run_blocks(blocks: list[str], path: Path, namespace: dict | None = None) -> dict:
    """Run Python blocks one after another in one namespace, as pasted into one session."""
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    for block in blocks:
        exec(compile(block, name(path), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace


def not_ignored_by_git(folder: Path) -> list[str]:
    """The names in ``folder`` that git would not ignore if they were written at the top of
    a clone (what a reader's run of the docs leaves there must not show in git status)."""
    names = sorted(path.name + ("/" if path.is_dir() else "") for path in folder.iterdir()
                   if not path.is_symlink())
    if not names or not (ROOT / ".git").exists():
        return []
    checked = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=ROOT,
                             input="\n".join(names), capture_output=True, text=True)
    ignored = set(checked.stdout.split())
    return [entry for entry in names if entry not in ignored]


def venv_path() -> str:
    """PATH with this Python's scripts first, as after `. .venv/bin/activate`."""
    import os

    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
