// The stack explorer page: wires the state (the link), the editor, the API and the
// drawings. /stack/embed runs the same module without the editor.

import { computeStack, parseCode } from "./api.js";
import { markError, renderEditor } from "./editor.js";
import { renderInput, renderOutput } from "./field.js";
import { initial, t, tOr, updateLanguageLinks, withLang } from "./i18n.js";
import { readQuery, requestBody, toQuery, writeUrl } from "./state.js";
import { renderCompare, renderFlow, renderTable, shapeText } from "./view.js";

const $ = (id) => document.getElementById(id);
const embed = document.body.dataset.embed === "1";
// The offline file (app/offline/stack_page.py): one stack, no editor, no address bar to keep.
const offline = Boolean(initial.offline);
const presets = initial.presets || [];
const DEFAULT_PRESET = "resnet-stem";

let state;
let result = null;
let step = null; // which entry of the probe list is drawn (after layer step + 1)
let growTimer = null;
let notice = []; // said once after the next answer (offline: why a cell was not probed)
const compared = new Map(); // preset slug → its comparison stack's answer
// the pasted model's head and side branches, shown dimmed after the stack
let leftOut = initial.left_out ?? null;
const SOURCES = { print: "stack_page.read_print", keras_json: "stack_page.read_keras_json" };

function fromPreset(slug) {
  const preset = presets.find((p) => p.slug === slug) || presets[0];
  return {
    input_size: [...preset.input_size],
    in_channels: preset.in_channels,
    layers: structuredClone(preset.layers),
    probe: preset.probe ? structuredClone(preset.probe) : null,
    preset: preset.slug,
  };
}

function showMessages(messages) {
  const root = $("messages");
  root.replaceChildren(...messages.map((text) => {
    const p = document.createElement("p");
    p.className = "message";
    p.textContent = text;
    return p;
  }));
}

function initialState() {
  if (initial.stack) return { state: structuredClone(initial.stack), messages: [] };
  const { state: linked, problems } = readQuery(location.search);
  const messages = problems.map((p) => t("stack_page.bad_link", p));
  if (!linked.layers.length && !linked.input_size) {
    return { state: fromPreset(linked.preset || DEFAULT_PRESET), messages };
  }
  const base = linked.preset ? fromPreset(linked.preset) : fromPreset(DEFAULT_PRESET);
  return {
    state: {
      input_size: linked.input_size || base.input_size,
      in_channels: linked.in_channels ?? base.in_channels,
      layers: linked.layers,
      probe: linked.probe,
      preset: linked.preset && presets.some((p) => p.slug === linked.preset) ? linked.preset : null,
    },
    messages,
  };
}

/** Anything the user changes leaves the preset (its lesson no longer applies). */
function edited(changes) {
  Object.assign(state, changes, { preset: null });
  update();
}

/** The address bar holds the share link of what is on screen (not in the offline file). */
function keepLink() {
  if (offline) return;
  writeUrl(state, withLang);
  updateLanguageLinks();
}

async function update({ redrawEditor = true } = {}) {
  keepLink();
  if (!embed) {
    if (redrawEditor) drawEditor();
    $("preset").value = state.preset || "";
    // never under the cursor of someone typing there ("5," must not become "5")
    if (document.activeElement !== $("input-size")) $("input-size").value = state.input_size.join(",");
    if (document.activeElement !== $("in-channels")) $("in-channels").value = String(state.in_channels);
  }
  const requested = toQuery(state);
  const answer = await computeStack(requestBody(state));
  if (requested !== toQuery(state)) return; // a newer edit is on its way
  if (!answer.ok) {
    const detail = answer.body.detail || [];
    // A stale probe (the layer or cell no longer exists) is dropped, not an error.
    if (detail.some((d) => d.loc?.[1] === "probe")) {
      // Offline, a cell whose field the file does not hold: that layer's centre, and why.
      const layer = offline && result ? result.layers[state.probe?.layer] : null;
      state.probe = layer ? { layer: state.probe.layer, index: layer.output_size.map((s) => Math.floor(s / 2)) } : null;
      notice = offline ? detail.map((d) => d.msg) : [];
      update({ redrawEditor: false });
      return;
    }
    showMessages(detail.map((d) => d.msg_local ?? d.msg));
    if (!embed) markError($("layers"), detail[0]?.loc || []);
    return;
  }
  showMessages(notice);
  notice = [];
  if (!embed) markError($("layers"), []);
  result = answer.body;
  if (!state.probe && result.layers.length) {
    const last = result.layers.length - 1;
    state.probe = { layer: last, index: result.layers[last].output_size.map((s) => Math.floor(s / 2)) };
    keepLink();
    update({ redrawEditor: false });
    return;
  }
  step = result.probe ? result.probe.length - 1 : null;
  drawResults();
  drawCompare();
}

function drawEditor() {
  renderEditor($("layers"), state.layers, (layers, bad, redraw) => {
    if (bad.length) {
      showMessages(bad.map((b) => t("stack_page.bad_field", b)));
      return;
    }
    // The probed cell may no longer exist: the page probes the last layer's centre again.
    Object.assign(state, { layers, preset: null, probe: null });
    update({ redrawEditor: Boolean(redraw) });
  });
}

/** Where focus was, as something that survives a redraw: the container's id, the
 * button's class and its layer. */
function focusPlace() {
  const active = document.activeElement;
  const box = active?.closest("[id]");
  if (!active || !box || active === document.body) return null;
  const row = active.closest("[data-layer]");
  return { box: box.id, cls: active.className, layer: row?.dataset.layer ?? active.dataset.layer };
}

function restoreFocus(place) {
  if (!place || document.activeElement !== document.body) return;
  const box = document.getElementById(place.box);
  const candidates = [...(box?.querySelectorAll("button, a, input, select") || [])];
  const found = candidates.find((c) => c.className === place.cls
    && (c.closest("[data-layer]")?.dataset.layer ?? c.dataset.layer) === place.layer);
  found?.focus();
}

async function pickLayer(layer) {
  const place = focusPlace(); // a layer's name is redrawn: keep the keyboard where it was
  const size = result.layers[layer].output_size;
  state.probe = { layer, index: size.map((s) => Math.floor(s / 2)) };
  await update({ redrawEditor: false });
  restoreFocus(place);
}

function drawResults() {
  const selected = state.probe ? state.probe.layer : -1;
  renderFlow($("flow"), result, pickLayer);
  renderTable($("stack-rows"), $("stack-total"), result, selected, pickLayer);
  drawLeftOut();
  const preset = presets.find((p) => p.slug === state.preset);
  $("lesson").hidden = !preset;
  $("lesson").textContent = preset ? tOr(`stack_preset.${preset.slug}.lesson`, preset.lesson) : "";
  if (!embed) {
    $("code-pytorch").textContent = result.code.pytorch;
    $("code-keras").textContent = result.code.keras;
    // the same stack as one file that works offline (app/offline/stack_page.py)
    $("dl-stack-html").href = `/api/stack.html?${withLang(toQuery(state))}`;
  } else if (!offline) {
    $("full-page").href = `/stack?${withLang(toQuery(state))}`;
  }
  const select = $("probe-layer");
  select.replaceChildren(...result.layers.map((layer, i) => {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = `${i + 1}: ${shapeText(layer.out_channels, layer.output_size)}`;
    option.selected = i === selected;
    return option;
  }));
  drawField();
}

/** The classifier head and the side branches of a pasted model: listed, dimmed, left out. */
function drawLeftOut() {
  const root = $("left-out");
  if (!root) return;
  const parts = [];
  const group = (note, items) => {
    const p = document.createElement("p");
    p.textContent = note;
    const list = document.createElement("ul");
    list.append(...items.map((item) => {
      const li = document.createElement("li");
      li.textContent = t("stack_page.line_item", item);
      return li;
    }));
    parts.push(p, list);
  };
  if (leftOut?.head.length) {
    group(t("stack_page.head_note", { line: leftOut.head[0].line }), leftOut.head);
  }
  if (leftOut?.branches.length) group(t("stack_page.branches_note"), leftOut.branches);
  root.replaceChildren(...parts);
  root.hidden = parts.length === 0;
}

function drawField() {
  if (!result.layers.length || !state.probe) {
    $("probe-output").replaceChildren();
    $("field-input").replaceChildren();
    $("field-status").textContent = t("stack_page.no_layers");
    return;
  }
  const layer = result.layers[state.probe.layer];
  renderOutput($("probe-output"), layer.output_size, state.probe.index, (index) => {
    state.probe = { layer: state.probe.layer, index };
    update({ redrawEditor: false });
  }, t("stack_page.output_keys", { layer: state.probe.layer + 1 }));
  $("probe-output-caption").textContent = t("stack_page.output_caption", {
    layer: state.probe.layer + 1, size: layer.output_size.join("×"),
  });
  const slider = $("field-step");
  slider.max = String(result.probe.length);
  slider.value = String(step + 1);
  const probe = result.probe[step];
  $("field-caption").textContent = t("stack_page.input_caption", { size: result.input_size.join("×") });
  $("field-status").textContent = renderInput(
    $("field-input"), result.input_size, probe, result.layers[probe.layer],
  );
}

async function drawCompare() {
  const preset = presets.find((p) => p.slug === state.preset);
  if (!preset?.compare) { renderCompare($("compare"), result, null); return; }
  if (!compared.has(preset.slug)) {
    const answer = await computeStack({
      input_size: preset.input_size, in_channels: preset.in_channels, layers: preset.compare.layers,
    });
    if (!answer.ok) return;
    compared.set(preset.slug, answer.body);
  }
  const title = tOr(`stack_preset.${preset.slug}.compare`, preset.compare.title);
  renderCompare($("compare"), result, compared.get(preset.slug), title);
}

function grow() {
  clearTimeout(growTimer);
  if (!result?.probe) return;
  step = 0;
  const next = () => {
    drawField();
    if (step < result.probe.length - 1) {
      step += 1;
      growTimer = setTimeout(next, 700);
    }
  };
  next();
}

async function copy(text, button) {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t("stack_page.copied");
  } catch {
    button.textContent = t("stack_page.select_copy");
  }
  setTimeout(() => { button.textContent = label; }, 1500);
}

function wireEditor() {
  const select = $("preset");
  const none = document.createElement("option");
  none.value = "";
  none.textContent = t("stack_page.preset_none");
  select.append(none, ...presets.map((p) => {
    const option = document.createElement("option");
    option.value = p.slug;
    option.textContent = tOr(`stack_preset.${p.slug}.title`, p.title);
    return option;
  }));
  select.addEventListener("change", () => {
    if (!select.value) return;
    leftOut = null;
    state = fromPreset(select.value);
    update();
  });
  $("add-layer").addEventListener("click", () => {
    const last = state.layers[state.layers.length - 1];
    const channels = last?.op === "conv" ? last.out_channels ?? 1 : state.in_channels;
    // bias on, as PyTorch's Conv2d has it by default
    edited({ layers: [...state.layers, { op: "conv", kernel_size: 3, padding: 1, out_channels: channels, bias: true }], probe: null });
  });
  const readInput = (event) => {
    const size = $("input-size").value.split(",").map((s) => Number(s.trim()));
    const channels = Number($("in-channels").value.trim());
    if (size.some((s) => !Number.isInteger(s) || s < 1) || !Number.isInteger(channels) || channels < 1) {
      if (event.type === "input") return; // half typed ("224,"): wait for more, or for leaving
      showMessages([t("stack_page.bad_field", { field: "input_size / in_channels", text: `${$("input-size").value} / ${$("in-channels").value}` })]);
      return;
    }
    if (size.join(",") === state.input_size.join(",") && channels === state.in_channels) return;
    edited({ input_size: size, in_channels: channels, probe: null });
  };
  // Every key, like the layers' fields (a short pause first, so typing 224 traces once).
  let typing = null;
  for (const id of ["input-size", "in-channels"]) {
    $(id).addEventListener("input", (e) => { clearTimeout(typing); typing = setTimeout(() => readInput(e), 250); });
    $(id).addEventListener("change", (e) => { clearTimeout(typing); readInput(e); });
  }
  $("paste-apply").addEventListener("click", async () => {
    const out = $("paste-result");
    const answer = await parseCode($("paste-code").value);
    if (!answer.ok) {
      out.classList.add("error");
      out.textContent = (answer.body.detail || []).map((d) => d.msg_local ?? d.msg).join(" ");
      return;
    }
    out.classList.remove("error");
    const parsed = answer.body;
    const source = t(SOURCES[parsed.source]
      || (parsed.framework === "keras" ? "stack_page.read_code_keras" : "stack_page.read_code_pytorch"));
    const said = [t("stack_page.read_as", { source, count: parsed.layers.length })];
    if (parsed.input_size) said.push(t("stack_page.read_input", { size: parsed.input_size.join("×") }));
    const skipped = [...new Set(parsed.skipped.map((s) => s.name))].join(", ");
    if (skipped) said.push(t("stack_page.skipped_names", { names: skipped }));
    out.textContent = said.join("; ");
    out.dataset.source = parsed.source;
    leftOut = { head: parsed.head, branches: parsed.branches };
    const size = fitDimensions(parsed.input_size || state.input_size, parsed.ndim);
    edited({ input_size: size, in_channels: parsed.in_channels ?? state.in_channels, layers: parsed.layers, probe: null });
  });
  $("copy-link").addEventListener("click", (e) => copy(location.href, e.currentTarget));
  $("copy-pytorch").addEventListener("click", (e) => copy($("code-pytorch").textContent, e.currentTarget));
  $("copy-keras").addEventListener("click", (e) => copy($("code-keras").textContent, e.currentTarget));
  $("open-embed").addEventListener("click", () => {
    const src = `${location.origin}/stack/embed?${withLang(toQuery(state))}`.replace(/&/g, "&amp;");
    $("embed-iframe").value = `<iframe src="${src}" width="760" height="720" title="ConvScope stack" `
      + 'style="border:0" loading="lazy"></iframe>';
    $("embed-dialog").showModal();
  });
  $("copy-iframe").addEventListener("click", (e) => copy($("embed-iframe").value, e.currentTarget));
}

/** Pasted 1-D layers on a 2-D input (or back): keep the first size, in the right count. */
function fitDimensions(size, ndim) {
  if (size.length === ndim) return size;
  return Array.from({ length: ndim }, () => size[0]);
}

function wireField() {
  $("probe-layer").addEventListener("change", (e) => pickLayer(Number(e.target.value)));
  $("field-step").addEventListener("input", (e) => {
    clearTimeout(growTimer);
    step = Number(e.target.value) - 1;
    drawField();
  });
  $("field-play").addEventListener("click", grow);
}

const start = initialState();
state = start.state;
if (!embed) wireEditor();
wireField();
update().then(() => { if (start.messages.length) showMessages(start.messages); });
