"""Screenshots of every preset at 1280×800 and 375×800, to look at (issue 21).

Starts ConvScope on a free loopback port, opens every preset of static/presets/layer.json in
Debian's Chromium and writes .tmp/screens/<preset>-1280.png (the viewport) and
<preset>-375.png (the whole page). Prints, per preset and width, where the output's box ends
and whether the page is wider than the screen, so a glance finds the ones to look at.
"""

import json
import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.main import create_app  # noqa: E402
from app.web.settings import Settings  # noqa: E402

OUT = ROOT / ".tmp" / "screens"
PRESETS = json.loads((ROOT / "static" / "presets" / "layer.json").read_text("utf-8"))
BOX = """() => {
  const rects = [...document.querySelectorAll('[data-grid=output]')]
    .map((e) => e.getBoundingClientRect());
  return [Math.max(...rects.map((r) => r.right)), Math.max(...rects.map((r) => r.bottom)),
          document.documentElement.scrollWidth];
}"""
STILL = "() => !document.querySelector('.diagram').getAnimations().length"


def serve() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    app = create_app(Settings(public_url=base))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return base


def main() -> None:
    only = set(sys.argv[1:])
    OUT.mkdir(parents=True, exist_ok=True)
    base = serve()
    items = [p for group in PRESETS["groups"] for p in group["items"]]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for width in (1280, 375):
            page = browser.new_page(viewport={"width": width, "height": 800})
            for preset in items:
                if only and preset["id"] not in only:
                    continue
                view = f"&view={preset['view']}" if preset.get("view") else ""
                page.goto(f"{base}/?{preset['query']}{view}")
                page.wait_for_selector("[data-grid=output]")
                page.wait_for_function(STILL)
                right, bottom, scroll = page.evaluate(BOX)
                path = OUT / f"{preset['id']}-{width}.png"
                page.screenshot(path=str(path), full_page=width < 600)
                fits = right <= width and (width < 600 or bottom <= 800) and scroll <= width
                print(
                    f"{width:5} {preset['id']:28} output ends at x={right:.0f}, y={bottom:.0f}; "
                    f"page {scroll} wide{'' if fits else '  <- look'}"
                )
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
