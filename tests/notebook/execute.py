"""A notebook run as a learner runs it: code cells executed by nbclient in a fresh kernel
(an assert in a cell fails the run), then exported as ``jupyter nbconvert --to html`` does."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[2]


def run_and_export(cells: list[str], path: Path) -> list[str]:
    """Execute ``cells`` (the checkout is the kernel's folder), write the exported HTML to
    ``path``, and give the HTML outputs of the cells in order."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(ROOT)}}).execute()  # fmt: skip
    body, _ = HTMLExporter().from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")
    return [o["data"]["text/html"] for cell in nb.cells for o in cell.get("outputs", [])
            if "text/html" in o.get("data", {})]  # fmt: skip
