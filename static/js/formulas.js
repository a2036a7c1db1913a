// The output-size panel (the API's formulas, filled in), unreached input, cost, and code.

import { t } from "./i18n.js";
import { fmt } from "./trace.js";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.append(...children);
  return node;
}

/** Which input rows / columns no window's taps reach (the API's unused_input). */
export function unusedText(raw) {
  const keys = raw.config.input_size.length === 1 ? ["formulas.unused.1"]
    : ["formulas.unused.row", "formulas.unused.column"];
  return (raw.unused_input || [])
    .map((indices, d) => (indices.length ? t(keys[d], { list: indices.join(", ") }) : ""))
    .filter(Boolean);
}

export function renderFormulas(container, raw) {
  const list = el("dl", { className: "formulas" });
  for (const f of raw.formulas) {
    list.append(el("dt", {}, f.name), el("dd", {}, el("code", {}, f.general), el("br"),
      el("code", {}, f.substituted), " = ", el("strong", { className: "result" }, f.result)));
  }
  const summary = el("p", { className: "sizes" },
    t("formulas.sizes", { input: raw.config.input_size.join("×"), output: raw.output_size.join("×") }),
    t("formulas.cost", { params: fmt(raw.cost.params), macs: fmt(raw.cost.macs) }));
  const unused = unusedText(raw);
  const note = unused.length
    ? [el("p", { className: "unused-note" }, `${unused.join("; ")}: ${t("formulas.unused.why")}`)] : [];
  container.replaceChildren(summary, ...note, list);
}

// The code panels the reader has open stay open for the next configuration (and fetch its code).
const opened = new Set();

/**
 * The code card: one panel per framework, closed until opened. The API builds snippets only
 * when asked (include=code), so an open panel fetches them, once per configuration, with
 * `fetchCode(query)` → `{ code }` or `{ errors }`.
 */
export function renderCode(card, container, raw, fetchCode) {
  card.hidden = false;
  let code = raw.code ?? null;
  let asked = null;
  const panels = ["pytorch", "keras"].map((name) => {
    const text = el("code", {});
    const details = el("details", { className: "code-panel" },
      el("summary", {}, t(`code.${name}`)), el("pre", {}, text));
    details.dataset.framework = name;
    return { name, details, text };
  });
  const fill = () => {
    for (const { name, text } of panels) text.textContent = code[name] || "";
  };
  const open = async ({ text }) => {
    if (code) return fill();
    text.textContent = t("code.loading");
    asked ??= fetchCode(raw.query);
    const result = await asked;
    if (result.code) {
      code = result.code;
      fill();
    } else {
      asked = null; // try again on the next opening
      text.textContent = t("code.failed", { why: (result.errors || []).map((e) => e.msg).join(" ") });
    }
  };
  for (const panel of panels) {
    panel.details.addEventListener("toggle", () => {
      if (panel.details.open) opened.add(panel.name);
      else opened.delete(panel.name);
      if (panel.details.open) open(panel);
    });
    panel.details.open = opened.has(panel.name); // fires "toggle": fetched as if opened
  }
  container.replaceChildren(...panels.map((p) => p.details));
}
