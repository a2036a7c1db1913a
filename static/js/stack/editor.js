// The layer list: add, remove, reorder and edit layers. Each field is typed in the
// trace's notation ("3" or "3,5"; padding "1", "same", "0:1,1:2"); a layer reads its
// row whenever a field changes, and the page recomputes.

import { dimsText, kindOf, KINDS, paddingText, parseDims, parsePadding } from "./state.js";
import { t } from "./i18n.js";

const FIELDS = [
  // [name, shown for kinds, text of the layer's value, parse]
  ["out_channels", ["conv", "convt"], (l) => String(l.out_channels ?? 1), (s) => parseDims(s)],
  ["kernel_size", null, (l) => dimsText(l.kernel_size ?? 3, ","), (s) => parseDims(s)],
  ["stride", null, (l) => dimsText(l.stride ?? 1, ","), (s) => parseDims(s)],
  ["padding", null, (l) => paddingText(l.padding ?? 0, ","), (s) => parsePadding(s)],
  ["dilation", null, (l) => dimsText(l.dilation ?? 1, ","), (s) => parseDims(s)],
  ["groups", ["conv", "convt"], (l) => String(l.groups ?? 1), (s) => parseDims(s)],
  ["output_padding", ["convt"],
    (l) => (l.output_padding === undefined || l.output_padding === null ? "" : dimsText(l.output_padding, ",")),
    (s) => (s.trim() === "" ? null : parseDims(s))],
];

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

/** A field's plain words with its code name beside them (the one-layer page's labels). */
function named(name) {
  return [
    el("span", { className: "plain", textContent: t(`label.${name}`) }),
    el("code", { textContent: name }),
  ];
}

/** A labelled field whose one-line explanation shows on hover and on focus (a tap focuses
 * the input); the input is described by it for screen readers. */
function field(name, number, children) {
  const tip = el("span", { className: "tip", id: `help-${number}-${name}`, textContent: t(`help.${name}`) });
  tip.setAttribute("role", "tooltip");
  const input = children.find((child) => child.tagName === "INPUT");
  input.setAttribute("aria-describedby", tip.id);
  return el("label", { className: "field" }, [...children, tip]);
}

function layerRow(layer, index, count, actions) {
  const number = index + 1;
  const kind = kindOf(layer);
  const row = el("li", { className: "layer-row" });
  row.dataset.layer = String(index);
  const select = el("select", { name: "kind" });
  select.setAttribute("aria-label", `${t("stack_page.layer_label", { layer: number })} ${t("stack_page.field.kind")}`);
  for (const key of Object.keys(KINDS)) {
    select.append(el("option", { value: key, textContent: t(`stack_page.kind_${key}`), selected: key === kind }));
  }
  const head = el("div", { className: "layer-head" }, [
    el("span", { className: "layer-number", textContent: `${number}` }), select,
  ]);
  const buttons = [
    ["↑", "stack_page.move_up", () => actions.move(index, -1), index === 0],
    ["↓", "stack_page.move_down", () => actions.move(index, 1), index === count - 1],
    ["✕", "stack_page.remove", () => actions.remove(index), false],
  ];
  for (const [text, key, run, disabled] of buttons) {
    const button = el("button", { type: "button", textContent: text, disabled, className: "icon" });
    button.setAttribute("aria-label", t(key, { layer: number }));
    button.addEventListener("click", run);
    head.append(button);
  }
  row.append(head);
  const fields = el("div", { className: "layer-fields" });
  for (const [name, kinds, text] of FIELDS) {
    if (kinds && !kinds.includes(kind)) continue;
    const input = el("input", { name, value: text(layer), size: 5, autocomplete: "off", spellcheck: false });
    input.setAttribute("aria-label", `${t("stack_page.layer_label", { layer: number })} ${name}`);
    fields.append(field(name, number, [...named(name), input]));
  }
  if (kind === "conv" || kind === "convt") {
    const bias = el("input", { type: "checkbox", name: "bias", checked: Boolean(layer.bias) });
    bias.setAttribute("aria-label", `${t("stack_page.layer_label", { layer: number })} bias`);
    const box = field("bias", number, [bias, ...named("bias")]);
    box.classList.add("check");
    fields.append(box);
  }
  row.append(fields);
  return row;
}

/** Read a row back into a layer; marks and returns the fields it could not read. */
export function readRow(row) {
  const kind = row.querySelector("select[name=kind]").value;
  const layer = { ...KINDS[kind] };
  const bad = [];
  for (const [name, kinds, , parse] of FIELDS) {
    if (kinds && !kinds.includes(kind)) continue;
    const input = row.querySelector(`input[name=${name}]`);
    if (!input) continue;
    try {
      const value = parse(input.value);
      if (value !== null) layer[name] = value;
      input.removeAttribute("aria-invalid");
    } catch {
      input.setAttribute("aria-invalid", "true");
      bad.push({ field: name, text: input.value });
    }
  }
  const bias = row.querySelector("input[name=bias]");
  if (bias) layer.bias = bias.checked;
  if (layer.op !== "conv") delete layer.transposed;
  return { layer, bad };
}

/** Draw the list into `root`; `onChange(layers, bad)` after every edit. */
export function renderEditor(root, layers, onChange) {
  root.replaceChildren();
  const emit = () => {
    const rows = [...root.querySelectorAll(".layer-row")].map(readRow);
    onChange(rows.map((r) => r.layer), rows.flatMap((r) => r.bad));
  };
  const actions = {
    move(index, by) {
      const next = [...layers];
      [next[index], next[index + by]] = [next[index + by], next[index]];
      onChange(next, [], true);
    },
    remove(index) { onChange(layers.filter((_, i) => i !== index), [], true); },
  };
  layers.forEach((layer, i) => root.append(layerRow(layer, i, layers.length, actions)));
  let timer = null;
  root.oninput = () => { clearTimeout(timer); timer = setTimeout(emit, 250); };
  root.onchange = (event) => {
    clearTimeout(timer);
    // A new kind shows other fields: redraw from what the rows say.
    if (event.target.name === "kind") {
      const rows = [...root.querySelectorAll(".layer-row")].map(readRow);
      onChange(rows.map((r) => r.layer), [], true);
    } else emit();
  };
}

/** Highlight the layer a refusal names (loc ["body", "layers", i, field]). */
export function markError(root, loc) {
  for (const row of root.querySelectorAll(".layer-row")) row.classList.remove("error");
  if (loc[1] !== "layers" || typeof loc[2] !== "number") return;
  const row = root.querySelector(`.layer-row[data-layer="${loc[2]}"]`);
  if (!row) return;
  row.classList.add("error");
  const input = loc[3] && row.querySelector(`[name=${loc[3]}]`);
  if (input) input.setAttribute("aria-invalid", "true");
}
