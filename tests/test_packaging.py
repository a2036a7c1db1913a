"""The wheel is a library: built from the checkout, installed elsewhere (its dependencies from
this environment), ``convscope --help`` and ``convscope render`` work outside the checkout and
find the templates, static files, catalogues and presets inside the installed package."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist, target, elsewhere = tmp_path / "dist", tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(dist)],
                   check=True,
                   env={**os.environ, "TMPDIR": str(tmp_path)})  # fmt: skip
    (wheel,) = dist.glob("convscope-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("convscope/__init__.py", "app/templates/offline.html",
                    "app/static/js/offline/offline.js", "app/static/i18n/en/page.json",
                    "app/static/presets/layer.json", "app/static/css/views.css"):  # fmt: skip
        assert shipped in names, shipped
    assert not any(n.startswith(("tests/", "static/")) for n in names)
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True)  # fmt: skip
    # the installed package first, then this environment's dependencies; never the checkout
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONSAFEPATH": "1"}
    script = target / "bin" / "convscope"
    run = [sys.executable, str(script)]
    shown = subprocess.run([*run, "--help"], cwd=elsewhere, env=env, capture_output=True,
                           text=True, check=True)  # fmt: skip
    assert "serve" in shown.stdout and "figures" in shown.stdout
    rendered = subprocess.run([*run, "render", "input_size=4,4&kernel_size=3", "--format", "html"],
                              cwd=elsewhere, env=env, capture_output=True, text=True)  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    page = (elsewhere / "conv2d-4x4-k3.html").read_text(encoding="utf-8")
    assert '<script type="importmap">' in page
    # the offline stack explorer too: /stack's own modules, from the installed package
    stack = subprocess.run([*run, "stack", "input_size=32,32&in_channels=3&layer=conv,c8,k3",
                            "-o", "stack.html"], cwd=elsewhere, env=env, capture_output=True,
                           text=True)  # fmt: skip
    assert stack.returncode == 0, stack.stderr
    assert "stack/offline.js" in (elsewhere / "stack.html").read_text(encoding="utf-8")
    where = subprocess.run(
        [sys.executable, "-c", "import app, convscope; print(app.__file__, convscope.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    app_file, convscope_file = where.split()
    assert app_file.startswith(str(target)) and convscope_file.startswith(str(target))
    assert not app_file.startswith(str(ROOT / "app"))
