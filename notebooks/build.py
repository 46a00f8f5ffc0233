"""Write the course notebooks, each in English (``en/``) and Korean (``ko/``).

The notebooks are generated from this one file so that both languages run the same
code: only the text cells are translated. Run it after editing:

    .venv/bin/python notebooks/build.py

tests/docs/test_notebooks.py checks that the committed notebooks are what this writes, then
executes every one in a real Jupyter kernel and checks its key outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lessons import LESSONS  # noqa: E402  (the lessons sit beside this file)

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def notebook(cells: list[tuple], lang: str) -> nbformat.NotebookNode:
    """A notebook from ``("md", english, korean)`` and ``("code", source)`` cells."""
    book = nbformat.v4.new_notebook()
    book.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    for number, cell in enumerate(cells):
        if cell[0] == "md":
            text = cell[1] if lang == "en" else cell[2]
            new = nbformat.v4.new_markdown_cell(text.strip())
        else:
            new = nbformat.v4.new_code_cell(cell[1].strip().replace("{LANG}", lang))
        new.id = f"{lang}-{number:02d}"  # fixed ids: rebuilding changes nothing
        book.cells.append(new)
    return book


def build(folder: Path = HERE) -> list[Path]:
    written = []
    for name, cells in LESSONS.items():
        for lang in ("en", "ko"):
            path = folder / lang / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            text = nbformat.writes(notebook(cells, lang)) + "\n"
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(HERE))
