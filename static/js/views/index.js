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
import ScatterView from "./scatter.js";

/** name → { View (when loaded) or load: () => Promise<module, default export ViewClass>,
 * applies(trace) }. canvas and scatter come with the page; the others load on first use. */
export const VIEWS = {
  canvas: { View: CanvasView, applies: (t) => t.nd < 3 },
  scatter: { View: ScatterView, applies: (t) => t.transposed },
  // max pooling is not linear: no matrix gives it (the API refuses it by name too)
  // 3-D too: input and output drawn as volumes (the API refuses a matrix above its limit)
  matrix: { load: () => import("./matrix.js"), applies: (t) => t.op !== "max_pool" },
  overlap: { load: () => import("./overlap.js"), applies: () => true },
  im2col: { load: () => import("./im2col.js"), applies: (t) => t.nd < 3 && t.op === "conv" },
  // 3-D: depth as a row of slices (what the canvas view is for 1-D and 2-D)
  volume: { load: () => import("./volume.js"), applies: (t) => t.nd === 3 },
  gradients: { load: () => import("./gradients.js"), applies: (t) => t.nd < 3 },
  picture: { load: () => import("./picture.js"), applies: (t) => t.nd === 2 },
};

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
