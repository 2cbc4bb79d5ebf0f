#!/usr/bin/env python3
"""Executes examples/notebook.ipynb from top to bottom (nbclient), in the
examples/ folder; fails on the first cell that raises."""

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

here = pathlib.Path(__file__).resolve().parent.parent
nb = nbformat.read(here / "notebook.ipynb", as_version=4)
client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(here)}})
client.execute()
cells = [c for c in nb.cells if c.cell_type == "code"]
assert all(c.get("execution_count") for c in cells), "a cell did not run"
out = "".join(o.get("text", "") for c in cells for o in c.get("outputs", []) if o.get("output_type") == "stream")
assert "all checks passed" in out, out[-2000:]
images = sum(1 for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {}))
assert images >= 1, "the prevalence plot was not rendered"
print(f"notebook: {len(cells)} code cells executed, {images} plot(s) rendered")
sys.exit(0)
