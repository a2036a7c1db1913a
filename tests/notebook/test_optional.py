"""torch, Keras and the notebook packages stay optional: the server, the command and
``import convscope`` load none of them (only a PyTorch layer or ``stack`` brings torch in)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_server_the_command_and_convscope_import_no_framework() -> None:
    code = (
        "import sys, app.main, app.cli, convscope\n"
        "convscope.show('input_size=5,5&stride=2')\n"
        "loaded = [m for m in ('torch', 'keras', 'nbformat', 'nbclient', 'IPython', 'ipykernel')"
        " if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
