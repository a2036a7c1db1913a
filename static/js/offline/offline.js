// Wiring of the offline page (app/offline/): one HTML file that carries the diagram, its
// trace and these very modules (an import map of data: URLs), opened from file://, an LMS,
// a slide deck or a notebook's output with no server behind it. Like /embed, plus a view
// chooser; whatever a view would fetch (/api/matrix?…) is answered from the data the file
// embeds, and anything else is refused here, so the page never makes a request.

import { initialState, stepIndex } from "../state.js";
import { t } from "../i18n.js";
import { Viewer } from "../viewer.js";
import { followHeight } from "./frame.js";

const state = initialState();
const embedded = state.data || {};

// No network: the file's own answers (and data: URLs, which are the file's own bytes), or a
// refusal, as a fetch with no connection.
const fetchData = globalThis.fetch.bind(globalThis);
// The page's modules ask in the page's language (&lang=…); the file holds one language's
// answers, keyed without it.
const withoutLang = (url) => url.replace(/&lang=[a-z]+(?=&|$)/, "");
globalThis.fetch = async (url, options) => {
  if (String(url).startsWith("data:")) return fetchData(String(url), options);
  const key = withoutLang(String(url));
  if (key in embedded) {
    return new Response(JSON.stringify(embedded[key]), {
      status: 200, headers: { "Content-Type": "application/json" },
    });
  }
  throw new TypeError(`offline: ${key} is not in this file`);
};

// A link to another configuration of this page (the twin, Cᵀ) needs the server that made
// it: the file has one trace. Such links are hidden (offline.css) and never followed.
document.addEventListener("click", (e) => {
  const link = e.target.closest?.("a[href]");
  if (link && new URL(link.href, location.href).pathname === location.pathname) e.preventDefault();
});

const page = state.page || {};
const root = document.getElementById("viewer");
const diagram = root.querySelector(".diagram");
const below = () => document.body.scrollHeight - diagram.offsetHeight;
// In a frame (a notebook's output, a slide) the diagram gets a fixed height and the frame
// follows it; opened on its own, it fits the window, as /embed does.
const framed = window.self !== window.top;
const viewer = new Viewer(root, {
  loop: true,
  maxCell: 56,
  height: () => (framed ? 520 : Math.max(240, window.innerHeight - below() - 16)),
});

// The views this file offers, and carries the modules of: views.json's rule for this trace,
// less the views that read what the file does not hold (app/offline/views.py).
function viewChooser(names, shown) {
  const box = root.querySelector("[data-part=views]");
  if (!box || names.length < 2) return;
  box.hidden = false;
  for (const name of names) {
    const label = document.createElement("label");
    const radio = Object.assign(document.createElement("input"),
      { type: "radio", name: `view-${root.id}`, value: name, checked: name === shown });
    radio.addEventListener("change", async () => {
      const now = await viewer.load(state.trace, { view: name, step: 0 });
      root.dataset.view = now;
    });
    label.append(radio, ` ${t(`view.${name}`)}`);
    box.append(label);
  }
}


const shown = await viewer.load(state.trace, { view: page.view, step: stepIndex(page) });
root.dataset.view = shown;
viewChooser(state.views || [], shown);
if (page.speed) viewer.setSpeed(Number(page.speed) || 1);
if (page.autoplay === "1") viewer.player.play();
followHeight();
document.documentElement.dataset.ready = "1";
