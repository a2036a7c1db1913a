// The view registry: `view=` names → view components, all with one interface
// (static/js/views/README.md). A view is loaded on first use; a view that does not
// apply to a trace (scatter of a direct convolution) falls back to the canvas view.

/**
 * @typedef {Object} ViewContext
 * @property {(key: string, vars?: Object) => string} t  the page's translation function
 * @property {string} query  the trace's canonical share query
 * @property {(url: string) => Promise<any>} fetchJson  GET JSON, rejecting on non-2xx
 */

/**
 * @typedef {Object} View
 * @property {number} count  number of steps (≥ 1)
 * @property {(n: number) => void} showStep  draw step n; cheap, called up to 60 times a second
 * @property {(n: number) => string} arithmetic  the numbers of step n, one line
 * @property {(n: number) => string} status  "Step 5 of 9: output[1,1] = 7"
 * @property {(cell: HTMLElement) => void} highlight  light what a cell touches
 * @property {() => void} clearHighlight
 * @property {(cell: HTMLElement) => string} describe  a sentence about a cell
 * @property {() => Array<Array<{rows: number, cols: number}>>} stages  grid sizes, per stage
 * @property {() => void} destroy
 * @property {Promise<void>} [ready]  when the view must fetch before it can show a step
 */

/**
 * A view class: `new View(root, trace, ctx)`, root an empty element the view owns,
 * trace from readTrace() (static/js/trace.js).
 * @typedef {new (root: HTMLElement, trace: Object, ctx: ViewContext) => View} ViewClass
 */

import { initialState } from "../state.js";
import CanvasView from "./canvas.js";
// Which configurations each view applies to is data (views.json), read here and by the
// offline page's maker (app/offline/views.py), which inlines only the views a file offers:
// { name: { nd: [dimensions], transposed?: true, op?: [ops], reads?: what it needs besides
// the trace (fetched here; carried by an offline file, or the view is not offered there) } }.
import RULES from "./views.json" with { type: "json" };

/** Whether the rule of views.json lets a view show a trace (as read by readTrace). */
export function applies(name, trace) {
  const rule = RULES[name];
  return Boolean(rule) && rule.nd.includes(trace.nd)
    && (rule.transposed === undefined || rule.transposed === trace.transposed)
    && (rule.op === undefined || rule.op.includes(trace.op));
}

/** name → { View (when loaded) or load: () => Promise<module, default export ViewClass>,
 * applies(trace) }. canvas comes with the page (every view falls back to it); the others
 * load on first use (a module an offline file does not carry then falls back to canvas). */
const LOADERS = {
  canvas: { View: CanvasView },
  scatter: { load: () => import("./scatter.js") },
  matrix: { load: () => import("./matrix.js") },
  overlap: { load: () => import("./overlap.js") },
  im2col: { load: () => import("./im2col.js") },
  volume: { load: () => import("./volume.js") }, // 3-D: depth as a row of slices
  gradients: { load: () => import("./gradients.js") },
  picture: { load: () => import("./picture.js") },
};
export const VIEWS = Object.fromEntries(Object.entries(LOADERS).map(([name, entry]) => [
  name, { ...entry, applies: (trace) => applies(name, trace) }]));

// A 2-D picture traced above the cell views' size (app/limits.py max_spatial_size_2d; the server
// embeds it; a picture asked with steps=0 may be up to max_picture_size) is drawn as a picture.
const CELL_LIMIT = initialState().cell_limit ?? 64;

/** The view name actually shown for a requested name and a trace. */
export function viewName(name, trace) {
  if (trace.nd === 2 && trace.inputSize.some((size) => size > CELL_LIMIT)) return "picture";
  const entry = VIEWS[name];
  if (entry && entry.applies(trace)) return name;
  return trace.nd === 3 ? "volume" : "canvas";
}

/** The view class for a name and a trace: { name, View } at once when the view is loaded,
 * else a Promise of it; falls back to canvas when the view cannot be loaded. */
export function loadView(name, trace) {
  const shown = viewName(name, trace);
  const entry = VIEWS[shown];
  if (entry.View) return { name: shown, View: entry.View };
  return entry.load().then(
    (module) => {
      entry.View = module.default;
      return { name: shown, View: entry.View };
    },
    (error) => {
      console.warn(`view ${shown} could not be loaded`, error);
      return { name: "canvas", View: CanvasView };
    },
  );
}
