// Wiring of the full page: server-embedded first state → viewer; form and presets →
// API → viewer; the address bar always holds the share link. The only module that
// looks elements up by id.

import { fetchCode, fetchTrace } from "./api.js";
import { readForm, showErrors, watchForm, writeForm } from "./controls.js";
import { renderCode, renderFormulas } from "./formulas.js";
import { inPageLang, t, updateLanguageLinks, withLang } from "./i18n.js";
import { fillPresets, presetById, presetName } from "./presets.js";
import { updateDownloads, wireSharing } from "./share.js";
import { TRACE_FIELDS, initialState, readQuery, shareQuery, toQuery, writeUrl } from "./state.js";
import { startGuides } from "./tours/page.js";
import { Viewer } from "./viewer.js";
import { windowReason } from "./views/common.js";

const $ = (id) => document.getElementById(id);
const state = initialState();
const page = { ...state.page };
let raw = state.trace;
let extra = {}; // fields of a preset or link that the form has no control for (op, …)

const viewerOptions = {
  maxCell: Math.max(44, Math.floor(window.innerHeight / 16)),
  // on a phone the page scrolls: fit the width, not the height
  height: () => (window.innerWidth < 600 ? Infinity : window.innerHeight * 0.7),
};
const viewer = new Viewer($("viewer"), {
  ...viewerOptions,
  onStep: (n) => updateDownloads(inPageLang(raw.query), viewer.viewName, n),
});
// Tours and compare mode (static/js/tours/) hold their own link and follow each diagram shown.
const hooks = { link: (trace, view) => shareQuery(trace.query, { view }), shown: () => {} };

const shape = (channels, size) => (channels > 1 ? [channels, ...size] : size).join("×");

/** "Convolution: 2×4×4 → 3×4×4, 3×3 kernel". */
export function title(trace) {
  const c = trace.config;
  const op = c.op || new URLSearchParams(trace.query).get("op") || "conv";
  const kind = op !== "conv" ? op : c.transposed ? "transposed" : "conv";
  const outChannels = trace.output.length;
  const main = t(`title.${kind}`, {
    input: shape(c.in_channels, c.input_size), output: shape(outChannels, trace.output_size),
  });
  return `${main}, ${t("title.kernel", { kernel: c.kernel_size.join("×") })}`;
}

function showTwin(trace) {
  const line = $("twin-line");
  line.hidden = !trace.twin;
  if (!trace.twin) return;
  const kind = trace.config.transposed ? "transposed" : "direct";
  const link = $("twin");
  link.href = `/?${withLang(trace.twin)}`;
  link.textContent = t(`twin.link.${kind}`);
  const sizes = { input: trace.config.input_size.join("×"), output: trace.output_size.join("×") };
  $("twin-text").textContent = t(`twin.text.${kind}`, sizes);
}

function showLegend(trace) {
  const read = viewer.trace;
  const reasons = new Set();
  read.unused[0].forEach((i) => reasons.add(windowReason(read, i, -1)));
  read.unused[1].forEach((i) => reasons.add(windowReason(read, -1, i)));
  $("legend-unused").hidden = reasons.size === 0;
  $("legend-unused-text").textContent = [...reasons].map((r) => t(`legend.unused.${r}`)).join("; ");
  const dilated = trace.config.dilation.some((d) => d > 1);
  const note = $("span-note");
  note.hidden = !dilated;
  if (dilated) {
    const keff = trace.config.kernel_size.map((k, d) => trace.config.dilation[d] * (k - 1) + 1);
    const same = (list) => (list.every((v) => v === list[0]) ? String(list[0]) : list.join(","));
    const whole = keff.every((k, d) => k === trace.canvas.size[d]);
    note.textContent = t(whole ? "span.note.whole" : "span.note", {
      span: keff.join("×"), dilation: same(trace.config.dilation), keff: same(keff),
    });
  }
}

async function show(trace, { step = 0 } = {}) {
  raw = trace;
  const shown = await viewer.load(trace, { view: page.view || "canvas", step });
  for (const radio of document.querySelectorAll("input[name=view]")) radio.checked = radio.value === shown;
  $("view-scatter").hidden = !trace.config.transposed;
  const op = trace.config.op || "conv";
  $("view-im2col").hidden = op !== "conv" || trace.config.input_size.length === 3;
  $("view-canvas-label").textContent = t(trace.config.transposed ? "view.canvas.transposed" : "view.canvas");
  $("title").textContent = title(trace);
  document.title = t("title.suffix", { title: title(trace) });
  showTwin(trace);
  showLegend(trace);
  renderFormulas($("formulas"), trace);
  renderCode($("code-card"), $("code"), trace, fetchCode);
  writeUrl(withLang(hooks.link(trace, shown)));
  updateLanguageLinks();
  updateDownloads(inPageLang(trace.query), shown, viewer.cur);
  hooks.shown(trace);
}

// The configuration, traced as you type (each new edit cancels the request before it);
// the diagram keeps the last valid one.
const form = $("controls");
let pending = null;
async function update(values) {
  performance.mark("convscope:edit");
  pending?.abort();
  pending = new AbortController();
  const query = toQuery({ ...extra, ...values }, TRACE_FIELDS);
  let result;
  try {
    result = await fetchTrace(query, pending.signal);
  } catch {
    return; // superseded by a newer edit
  }
  const orphans = showErrors(form, result.errors || []);
  if (result.errors) {
    const names = result.errors.map((e) => e.field).join(", ");
    $("form-status").textContent = t("form.not_traced", { names })
      + orphans.map((e) => ` ${e.msg}`).join("");
    return;
  }
  $("form-status").textContent = "";
  $("messages").replaceChildren();
  await show(result.trace);
  performance.measure("convscope:config-change", "convscope:edit"); // edit → new diagram
}
watchForm(form, update);

function withoutFormFields(fields) {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !form.elements[name]));
}

const presets = $("preset");
fillPresets(presets);
function loadPreset(id) {
  const preset = presetById(id);
  if (!preset) return;
  const { fields } = readQuery(preset.query);
  extra = withoutFormFields(fields);
  writeForm(form, fields);
  page.view = preset.view || "canvas";
  const next = preset.next && presetById(preset.next);
  $("preset-next").hidden = !next;
  if (next) {
    $("preset-next").textContent = `${t("preset.next")} ${presetName(next)}`;
    $("preset-next").dataset.preset = next.id;
  }
  update(readForm(form));
}
presets.addEventListener("change", () => loadPreset(presets.value));
$("preset-next").addEventListener("click", () => {
  presets.value = $("preset-next").dataset.preset;
  loadPreset(presets.value);
});

for (const radio of document.querySelectorAll("input[name=view]")) {
  radio.addEventListener("change", () => {
    page.view = radio.value;
    show(raw, { step: 0 });
  });
}

const shared = () => withLang(page.tour || page.compare ? hooks.link(raw, viewer.viewName) : raw.query);
wireSharing({ current: () => ({ query: shared(), title: title(raw) }), diagram: $("diagram-section") });

extra = withoutFormFields(state.fields);
await show(raw, { step: Number(page.step) || 0 });
if (page.speed) viewer.setSpeed(Number(page.speed) || 1);
await startGuides({
  viewer, page, hooks, tour: state.tour, titleOf: title, current: () => raw, embed: false,
  options: viewerOptions,
  show: (trace, { view, step }) => { page.view = view; return show(trace, { step }); },
});
if (page.autoplay === "1") viewer.player.play();
