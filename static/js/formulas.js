// The output-size panel (the API's formulas, filled in), unreached input, cost, and code.

import { fmt } from "./trace.js";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.append(...children);
  return node;
}

const AXES = { 1: ["positions"], 2: ["rows", "columns"] };

/** Which input rows / columns no window reaches (SPEC.md: the stride does not divide evenly). */
export function unusedText(raw) {
  const names = AXES[raw.config.input_size.length];
  return raw.unused_input
    .map((indices, d) => (indices.length
      ? `Input ${names[d]} ${indices.join(", ")} ${indices.length > 1 ? "are" : "is"} never used`
      : ""))
    .filter(Boolean);
}

export function renderFormulas(container, raw) {
  const table = el("table", { className: "formulas" });
  table.append(el("thead", {}, el("tr", {},
    el("th", { scope: "col" }, "what"), el("th", { scope: "col" }, "formula"),
    el("th", { scope: "col" }, "with these numbers"), el("th", { scope: "col" }, "result"))));
  const body = el("tbody");
  for (const f of raw.formulas) {
    body.append(el("tr", {}, el("th", { scope: "row" }, f.name), el("td", {}, el("code", {}, f.general)),
      el("td", {}, el("code", {}, f.substituted)), el("td", { className: "result" }, f.result)));
  }
  table.append(body);
  const summary = el("p", { className: "sizes" },
    `input ${raw.config.input_size.join("×")} → output ${raw.output_size.join("×")}`,
    ` · ${fmt(raw.cost.params)} parameters · ${fmt(raw.cost.macs)} multiply-adds`);
  const unused = unusedText(raw).map((text) => el("p", { className: "unused-note" },
    `${text}: no window's taps land on them (a stride that does not divide evenly stops the `
    + "last window short; a dilation skips cells between taps)."));
  container.replaceChildren(summary, ...unused, el("div", { className: "table-scroll" }, table));
}

export function renderCode(card, container, raw) {
  const entries = Object.entries(raw.code || {}).filter(([, text]) => text && text.trim());
  card.hidden = entries.length === 0;
  container.replaceChildren(...entries.map(([name, text]) => el("details", { open: name === "pytorch" },
    el("summary", {}, name === "pytorch" ? "PyTorch" : name === "keras" ? "TensorFlow / Keras" : name),
    el("pre", {}, el("code", {}, text)))));
}
