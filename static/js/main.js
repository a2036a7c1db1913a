// Wiring of the full page: server-embedded first state → viewer; form and presets →
// API → viewer; the address bar always holds the share link. The only module that
// looks elements up by id.

import { fetchCode, fetchTrace, prefetchMatrix } from "./api.js";
import { readForm, showErrors, watchForm, writeForm } from "./controls.js";
import { renderCode, renderFormulas } from "./formulas.js";
import { inPageLang, t, updateLanguageLinks, withLang } from "./i18n.js";
import { fillPresets, presetById, presetName } from "./presets.js";
import { updateDownloads, wireGif, wireSharing } from "./share.js";
import {
  TRACE_FIELDS, initialState, readQuery, shareQuery, stepIndex, toQuery, writeUrl,
} from "./state.js";
import { startGuides } from "./tours/page.js";
import { Viewer } from "./viewer.js";
import { windowReason } from "./views/common.js";
import { applies } from "./views/index.js";

const $ = (id) => document.getElementById(id);
const state = initialState();
const page = { ...state.page };
let raw = state.trace;
let extra = {}; // fields of a preset or link that the form has no control for (op, …)
// A link that opens the matrix view: its matrix is asked for now, while the view's module
// loads, not once the view is built.
if (page.view === "matrix" && raw) prefetchMatrix(raw.query);

// What is on screen as a share query: configuration, view and step ("Step 5" is step=5);
// a tour or compare mode replaces hooks.link with its own link.
// what is on screen as a share link (view, step, and the language when the link named it)
const onScreen = () => withLang(hooks.link(raw, viewer.viewName, viewer.cur));

const viewerOptions = {
  maxCell: Math.max(44, Math.floor(window.innerHeight / 16)),
  // on a phone the page scrolls: fit the width, not the height
  height: () => (window.innerWidth < 600 ? Infinity : window.innerHeight * 0.7),
};
const viewer = new Viewer($("viewer"), {
  ...viewerOptions,
  onStep: (n) => {
    updateDownloads(inPageLang(raw.query), viewer.viewName, n);
    // not 60 times a second, and not while show() loads (it writes, pushing when deliberate)
    if (!viewer.player.playing && viewer.view && !showing) writeUrl(onScreen());
  },
  onPlaying: (playing) => { if (!playing) writeUrl(onScreen()); },
});
// Tours and compare mode (static/js/tours/) hold their own link and follow each diagram shown.
const hooks = {
  link: (trace, view, index = 0) => shareQuery(trace.query, { view, index }), shown: () => {},
};

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
  const kernel = c.kernel_size.length === 1 ? "title.kernel.1d" : "title.kernel"; // "kernel size 2"
  return `${main}, ${t(kernel, { kernel: c.kernel_size.join("×") })}`;
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

/** The legend names only what this picture draws: padding and inserted zeros are cells of
 * the canvas view, and only when the canvas has them (read from the trace's canvas). */
function showCanvasKinds(trace, shown) {
  const { size, origin, step } = trace.canvas;
  const inputs = trace.config.input_size;
  const padded = size.some((n, d) => origin[d] > 0 || n - origin[d] - (inputs[d] - 1) * step[d] - 1 > 0);
  const zeros = trace.config.transposed && step.some((s, d) => s > 1 && inputs[d] > 1);
  $("legend-padding").hidden = shown !== "canvas" || !padded;
  $("legend-zero").hidden = shown !== "canvas" || !zeros;
}

/** The short paragraph the zero-insertion and scatter views get (as the matrix and overlap
 * views have theirs), and why a view asked for is not shown. */
function showNote(trace, shown) {
  const note = $("page-note");
  const c = trace.config;
  let text = "";
  if (page.view === "matrix" && shown !== "matrix" && viewer.trace.op === "max_pool") {
    text = t("view.note.matrix.max_pool");
  } else if (c.transposed && (shown === "canvas" || shown === "scatter")) {
    text = t(shown === "canvas" ? "view.note.canvas.transposed" : "view.note.scatter");
    if (trace.padding.some(([b, a]) => b || a)) {
      // PyTorch's padding of a transposed convolution: cells cropped from the full output
      const same = (list) => (list.every((v) => v === list[0]) ? String(list[0]) : list.join("×"));
      const full = trace.output_size.map((o, d) => o + trace.padding[d][0] + trace.padding[d][1]);
      text += ` ${t("padding.crop", {
        padding: same(trace.padding.map(([b, a]) => (b === a ? b : `${b}:${a}`))),
        crop: same(trace.padding.map(([b]) => b)), full: full.join("×"),
      })}.`;
    }
  }
  note.hidden = !text;
  note.textContent = text;
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

/** Run work once the next frame is painted (a task queued from requestAnimationFrame runs
 * after that frame); in a hidden tab, which paints no frame, after a moment. */
function afterPaint(work) {
  let done = false;
  const once = () => {
    if (!done) work();
    done = true;
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 250);
}

let showing = false;
let panels = null; // the show() whose formulas and code are due
async function show(trace, { step = 0, push = false } = {}) {
  raw = trace;
  showing = true;
  const shown = await viewer.load(trace, { view: page.view || "canvas", step })
    .finally(() => { showing = false; });
  // the views offered are those views.json's rule lets show this trace (views/index.js);
  // in 3-D the first choice, "canvas", shows the volume view (viewFor), named for it
  const volume = applies("volume", viewer.trace);
  let offered = 0;
  for (const radio of document.querySelectorAll("input[name=view]")) {
    radio.checked = radio.value === (shown === "volume" ? "canvas" : shown);
    const fits = applies(radio.value, viewer.trace) || (radio.value === "canvas" && volume);
    radio.closest("label").hidden = !fits;
    offered += fits ? 1 : 0;
  }
  $("view-toggle").hidden = offered < 2;
  showCanvasKinds(trace, shown);
  showNote(trace, shown);
  $("view-canvas-label").textContent = t(
    volume ? "view.volume" : trace.config.transposed ? "view.canvas.transposed" : "view.canvas",
  );
  $("title").textContent = title(trace);
  document.title = t("title.suffix", { title: title(trace) });
  showTwin(trace);
  showLegend(trace);
  // below the diagram: drawn after its first paint, not before it (the last show() wins)
  const token = (panels = {});
  afterPaint(() => {
    if (panels !== token) return;
    renderFormulas($("formulas"), trace);
    renderCode($("code-card"), $("code"), trace, fetchCode);
  });
  writeUrl(withLang(hooks.link(trace, shown, viewer.cur)), { push });
  updateLanguageLinks();
  updateDownloads(inPageLang(trace.query), shown, viewer.cur);
  hooks.shown(trace);
}

// The configuration, traced as you type (each new edit cancels the request before it);
// the diagram keeps the last valid one.
const form = $("controls");
let pending = null;
async function update(values, { step = 0, push = false } = {}) {
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
  await show(result.trace, { step, push });
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
  update(readForm(form), { push: true }); // a deliberate change: Back returns here
}
presets.addEventListener("change", () => loadPreset(presets.value));
$("preset-next").addEventListener("click", () => {
  presets.value = $("preset-next").dataset.preset;
  loadPreset(presets.value);
});

for (const radio of document.querySelectorAll("input[name=view]")) {
  radio.addEventListener("change", () => {
    page.view = radio.value;
    show(raw, { step: 0, push: true });
  });
}

wireSharing({ current: () => ({ query: onScreen(), title: title(raw) }), diagram: $("diagram-section") });
$("copy-code").addEventListener("click", async (e) => {
  const open = $("code").querySelector("details[open] code") || $("code").querySelector("code");
  const button = e.currentTarget;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(open.textContent);
    button.textContent = t("copy.done");
  } catch {
    button.textContent = t("copy.failed");
  }
  setTimeout(() => { button.textContent = label; }, 1500);
});
wireGif({ current: () => ({ index: viewer.cur, count: viewer.view.count }) });

// Back and Forward: the entry's configuration, view and step come back (a tour's or a
// comparison's entries are theirs: the page reloads them).
window.addEventListener("popstate", () => {
  const { fields, page: shown } = readQuery(location.search);
  if (page.tour || page.compare || shown.tour || shown.compare) {
    location.reload();
    return;
  }
  extra = withoutFormFields(fields);
  writeForm(form, fields);
  presets.value = "";
  page.view = shown.view || "canvas";
  update(readForm(form), { step: stepIndex(shown) });
});

extra = withoutFormFields(state.fields);
await show(raw, { step: stepIndex(page) }); // the link's step=N is "Step N of …"
if (page.speed) viewer.setSpeed(Number(page.speed) || 1);
await startGuides({
  viewer, page, hooks, tour: state.tour, titleOf: title, current: () => raw, embed: false,
  options: viewerOptions,
  show: (trace, { view, step }) => { page.view = view; return show(trace, { step }); },
});
if (page.autoplay === "1") viewer.player.play();
