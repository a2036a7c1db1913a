// The stack's results: shapes flowing (C, H, W) → …, one row per layer with params and
// multiply-adds as bars, its receptive field, and its link to the one-layer page.
// Everything drawn here is read from the /api/stack answer.

import { formatNumber, initial, t, withLang } from "./i18n.js";
import { kindOf } from "./state.js";

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

export const shapeText = (channels, size) => `(${[channels, ...size].join(", ")})`;
const times = (values) => values.join("×");
// Stride, dilation, padding: one number when every dimension agrees.
const short = (values) => (values.every((v) => v === values[0]) ? String(values[0]) : times(values));

/** "conv 7×7 /2 p3:3 → 64" : the layer in a few words. */
export function layerSummary(layer) {
  const kind = t(`stack_page.kind_${kindOf(layer)}`);
  const parts = [kind, times(layer.kernel_size)];
  if (layer.stride.some((s) => s > 1)) parts.push(`stride ${short(layer.stride)}`);
  if (layer.dilation.some((d) => d > 1)) parts.push(`dilation ${short(layer.dilation)}`);
  if (layer.padding.some(([a, b]) => a || b)) {
    const same = layer.padding.every(([a, b]) => a === b);
    parts.push(`pad ${same ? short(layer.padding.map(([a]) => a)) : layer.padding.map((p) => p.join(":")).join("×")}`);
  }
  if (layer.output_padding.some((o) => o)) parts.push(`output_padding ${short(layer.output_padding)}`);
  if (layer.groups > 1) parts.push(`g${layer.groups}`);
  return parts.join(" ");
}

function bar(value, max, kind) {
  const fill = el("span", { className: `bar-fill ${kind}` });
  fill.style.setProperty("--share", String(max > 0 ? value / max : 0));
  return el("span", { className: "bar-cell" }, [
    el("span", { className: "bar" }, [fill]),
    el("span", { className: "bar-value", textContent: formatNumber(value) }),
  ]);
}

function fieldText(layer) {
  const round = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, ""));
  return `${layer.receptive_field.map(round).join("×")} · jump ${layer.jump.map(round).join("×")}`;
}

export function renderFlow(root, result, onPick) {
  root.replaceChildren();
  const chip = (text, layer) => {
    const node = el("button", { type: "button", className: "shape", textContent: text });
    node.dataset.layer = String(layer);
    if (layer >= 0) node.addEventListener("click", () => onPick(layer));
    else node.disabled = true;
    return node;
  };
  root.append(chip(shapeText(result.in_channels, result.input_size), -1));
  result.layers.forEach((layer, i) => {
    root.append(el("span", { className: "flow-arrow", textContent: "→", ariaHidden: "true" }));
    root.append(chip(shapeText(layer.out_channels, layer.output_size), i));
  });
}

export function renderTable(body, foot, result, selected, onPick) {
  const maxParams = Math.max(0, ...result.layers.map((l) => l.params));
  const maxMacs = Math.max(0, ...result.layers.map((l) => l.macs));
  body.replaceChildren();
  result.layers.forEach((layer, i) => {
    let open;
    if (layer.trace_refusal) {
      // in a learner's words, with a crop that fits (same kernel, stride, padding, dilation)
      open = el("span", { className: "refusal" }, [layer.trace_refusal]);
      if (layer.crop && !initial.offline) {
        const link = el("a", { href: `/?${layer.crop.query}`, textContent: t("stack.crop", { shape: layer.crop.shape }) });
        link.dataset.layerCrop = String(i);
        open.append(" ", link);
      }
    } else if (initial.offline) {
      // the one-layer page needs a server (or convscope.show in a notebook): said, not linked
      open = el("span", { className: "offline-off", textContent: t("stack_offline.one_layer"), title: `/?${layer.query}` });
      open.dataset.layerLink = String(i);
    } else {
      open = el("a", { href: `/?${withLang(layer.query)}`, textContent: t("stack_page.open") });
      open.dataset.layerLink = String(i);
    }
    const pick = el("button", { type: "button", className: "link-button", textContent: layerSummary(layer) });
    pick.addEventListener("click", () => onPick(i));
    // a model's module name (convscope.stack), above what the layer does
    const name = layer.name ? [el("code", { className: "layer-name", textContent: layer.name }), " "] : [];
    const row = el("tr", { className: i === selected ? "selected" : "" }, [
      el("td", { textContent: String(i + 1) }),
      el("td", {}, [...name, pick]),
      el("td", { className: "shape-cell", textContent: shapeText(layer.out_channels, layer.output_size) }),
      el("td", {}, [bar(layer.params, maxParams, "params")]),
      el("td", {}, [bar(layer.macs, maxMacs, "macs")]),
      el("td", { className: "field-cell", textContent: fieldText(layer) }),
      el("td", {}, [open]),
    ]);
    row.dataset.layer = String(i);
    const labels = [...body.closest("table").querySelectorAll("thead th")].map((th) => th.textContent);
    [...row.children].forEach((cell, c) => { cell.dataset.label = labels[c] || ""; });
    body.append(row);
  });
  foot.replaceChildren(el("tr", {}, [
    el("th", { scope: "row", colSpan: 3, textContent: t("stack_page.total") }),
    el("td", { className: "total-params", textContent: formatNumber(result.total.params) }),
    el("td", { className: "total-macs", textContent: formatNumber(result.total.macs) }),
    el("td", { colSpan: 2 }),
  ]));
}

/** The preset's comparison: both totals as bars and the ratio, in numbers. */
export function renderCompare(root, result, other, title) {
  if (!other) { root.hidden = true; return; }
  root.hidden = false;
  const max = Math.max(result.total.macs, other.total.macs);
  const fields = (r) => r.layers.map((l) => l.receptive_field[0]).join(", ");
  const ratio = result.total.macs > 0 ? other.total.macs / result.total.macs : 0;
  let sentence = t("stack_page.compare_same", { title });
  if (ratio > 1.005) sentence = t("stack_page.compare_ratio", { ratio: ratio.toFixed(2) });
  else if (ratio > 0 && ratio < 0.995) sentence = t("stack_page.compare_more", { ratio: (1 / ratio).toFixed(2) });
  root.replaceChildren(
    el("p", { className: "compare-ratio", textContent: sentence }),
    el("div", { className: "compare-bars" }, [
      el("span", { textContent: t("stack_page.this_stack") }), bar(result.total.macs, max, "macs"),
      el("span", { textContent: title }), bar(other.total.macs, max, "baseline"),
    ]),
    el("p", {
      className: "hint",
      textContent: t("stack_page.compare", {
        title, macs: formatNumber(other.total.macs), params: formatNumber(other.total.params),
        field: t("stack.compare.fields", { other: fields(other), ours: fields(result) }),
      }),
    }),
  );
}
