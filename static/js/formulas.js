// The output-size panel (the API's formulas, filled in), unreached input, cost, and code.

import { fmt } from "./trace.js";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.append(...children);
  return node;
}

const AXES = { 1: [["position", "positions"]], 2: [["row", "rows"], ["column", "columns"]] };

/** Which input rows / columns no window's taps reach (the API's unused_input). */
export function unusedText(raw) {
  const names = AXES[raw.config.input_size.length];
  return raw.unused_input
    .map((indices, d) => (indices.length
      ? `Input ${names[d][indices.length > 1 ? 1 : 0]} ${indices.join(", ")} `
        + `${indices.length > 1 ? "are" : "is"} never used`
      : ""))
    .filter(Boolean);
}

export function renderFormulas(container, raw) {
  const list = el("dl", { className: "formulas" });
  for (const f of raw.formulas) {
    list.append(el("dt", {}, f.name), el("dd", {}, el("code", {}, f.general), el("br"),
      el("code", {}, f.substituted), " = ", el("strong", { className: "result" }, f.result)));
  }
  const summary = el("p", { className: "sizes" },
    `input ${raw.config.input_size.join("×")} → output ${raw.output_size.join("×")}`,
    ` · ${fmt(raw.cost.params)} parameters · ${fmt(raw.cost.macs)} multiply-adds`);
  const unused = unusedText(raw);
  const note = unused.length ? [el("p", { className: "unused-note" }, `${unused.map((t, i) => (i ? t.replace("Input", "input") : t)).join("; ")}: `
    + "no window's taps land there (the stride does not divide evenly, or a dilation skips "
    + "cells). They are hatched on the diagram.")] : [];
  container.replaceChildren(summary, ...note, list);
}

export function renderCode(card, container, raw) {
  const entries = Object.entries(raw.code || {}).filter(([, text]) => text && text.trim());
  card.hidden = entries.length === 0;
  container.replaceChildren(...entries.map(([name, text]) => el("details", { open: name === "pytorch" },
    el("summary", {}, name === "pytorch" ? "PyTorch" : name === "keras" ? "TensorFlow / Keras" : name),
    el("pre", {}, el("code", {}, text)))));
}
