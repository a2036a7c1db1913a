// Wiring of the offline stack page (app/offline/stack_page.py): /stack's own modules
// (main.js, inlined with this one as an import map of data: URLs) for one stack, opened from
// file://, a notebook's output or an LMS with no server behind it. The page's one API call,
// POST /api/stack, is answered here from what the file embeds: the stack's answer, and the
// receptive field of the probed cell paired from per-dimension lists the server computed
// (growth[layer][d][position] = [broken, step…], see stack_page.py); nothing else is fetched.

import { initialState } from "../state.js";
import { t } from "../i18n.js";
import { followHeight } from "../offline/frame.js";

const initial = initialState();

/** A step as the file writes it: [index], [index, first, last], [index, first, last, 1]
 * (every cell between) or [index, first, last, [cells]]. */
function axisStep(step) {
  const [index, first, last, cells] = step;
  if (step.length === 1) return { index, bounds: null, cells: null };
  let listed = null;
  if (cells === 1) listed = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  else if (Array.isArray(cells)) listed = cells;
  return { index, bounds: [first, last], cells: listed };
}

/** The probe of one cell from its dimensions (app.arithmetic.stack.combine). */
function combine(layer, axes) {
  const index = axes.map((a) => a.index);
  if (axes.some((a) => a.bounds === null)) return { layer, index, bounds: null, cells: null };
  const cells = axes.every((a) => a.cells !== null) ? axes.map((a) => a.cells) : null;
  return { layer, index, bounds: axes.map((a) => a.bounds), cells };
}

/** The field growing layer by layer for one cell (app.arithmetic.stack.growing_field). */
function growingField(layer, index) {
  if (!initial.growth) return initial.probes?.[`${layer}:${index.join(",")}`] ?? null;
  const rows = index.map((position, d) => initial.growth[layer]?.[d]?.[position]);
  if (rows.some((row) => !row)) return null;
  if (rows.some((row) => row[0] === 1)) {
    return [combine(layer, rows.map((row) => axisStep(row[row.length - 1])))];
  }
  return Array.from({ length: layer + 1 }, (_, m) => combine(m, rows.map((row) => axisStep(row[m + 1]))));
}

const json = (status, body) => new Response(JSON.stringify(body), {
  status, headers: { "Content-Type": "application/json" },
});

function answerStack(body) {
  const result = { ...initial.result, probe: null };
  if (!body.probe) return json(200, result);
  const probe = growingField(body.probe.layer, body.probe.index);
  if (!probe) {
    // only each layer's centre is in this file (a deep stack on a large input)
    return json(422, { detail: [{ loc: ["body", "probe"], msg: t("stack_offline.centre_only") }] });
  }
  return json(200, { ...result, probe });
}

const fetchData = globalThis.fetch.bind(globalThis);
globalThis.fetch = async (url, options = {}) => {
  const path = String(url).split("?")[0];
  if (String(url).startsWith("data:")) return fetchData(String(url), options);
  if (path === "/api/stack" && options.method === "POST") return answerStack(JSON.parse(options.body));
  throw new TypeError(`offline: ${path} is not in this file`);
};


await import("./main.js");
followHeight();
document.documentElement.dataset.ready = "1";
