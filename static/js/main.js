// Wiring of the full page: server-embedded first state → viewer; form and presets →
// API → viewer; the address bar always holds the share link.

import { fetchTrace } from "./api.js";
import { readForm, showErrors, watchForm, writeForm } from "./controls.js";
import { renderCode, renderFormulas } from "./formulas.js";
import { fillPresets } from "./presets.js";
import { updateDownloads, wireSharing } from "./share.js";
import { TRACE_FIELDS, initialState, readQuery, shareQuery, toQuery, writeUrl } from "./state.js";
import { Viewer } from "./viewer.js";

const $ = (id) => document.getElementById(id);
const state = initialState();
const page = { ...state.page };
let raw = state.trace;

const viewer = new Viewer({
  maxCell: Math.max(44, Math.floor(window.innerHeight / 16)),
  onStep: (n) => updateDownloads(raw.query, viewer.view === "scatter" ? 0 : n),
});

function title(trace) {
  const c = trace.config;
  const kind = c.transposed ? "Transposed convolution" : "Convolution";
  return `${kind}: ${c.input_size.join("×")} input, ${c.kernel_size.join("×")} kernel `
    + `→ ${trace.output_size.join("×")} output`;
}

function show(trace, { step = 0 } = {}) {
  raw = trace;
  $("scatter-choice").hidden = !trace.config.transposed;
  const view = ["matrix", "overlap"].includes(page.view) ? page.view
    : trace.config.transposed && page.view === "scatter" ? "scatter" : "canvas";
  document.querySelector(`input[name=view][value=${view}]`).checked = true;
  viewer.load(trace, { view, step });
  $("title").textContent = title(trace);
  document.title = `${title(trace)} · ConvScope`;
  renderFormulas($("formulas"), trace);
  renderCode($("code-card"), $("code"), trace);
  writeUrl(shareQuery(trace.query, view === "canvas" ? {} : { view }));
}

// The configuration, validated as you type; the diagram keeps the last valid one.
const form = $("controls");
let pending = null;
async function update(values) {
  pending?.abort();
  pending = new AbortController();
  const query = toQuery(values, TRACE_FIELDS);
  let result;
  try {
    result = await fetchTrace(query, pending.signal);
  } catch {
    return; // superseded by a newer edit
  }
  const orphans = showErrors(form, result.errors || []);
  if (result.errors) {
    const names = result.errors.map((e) => e.field).join(", ");
    $("form-status").textContent = `Not traced: check ${names}. The diagram shows the last valid configuration.`
      + orphans.map((e) => ` ${e.msg}`).join("");
    return;
  }
  $("form-status").textContent = "";
  $("messages").replaceChildren();
  show(result.trace);
}
watchForm(form, update);

const presets = $("preset");
fillPresets(presets);
presets.addEventListener("change", () => {
  if (!presets.value) return;
  writeForm(form, readQuery(presets.value).fields);
  update(readForm(form));
});

for (const radio of document.querySelectorAll("input[name=view]")) {
  radio.addEventListener("change", () => {
    page.view = radio.value;
    show(raw);
  });
}

wireSharing({ current: () => ({ query: raw.query, title: title(raw) }) });

show(raw, { step: Number(page.step) || 0 });
if (page.speed) viewer.setSpeed(Number(page.speed) || 1);
if (page.autoplay === "1") viewer.player.play();
