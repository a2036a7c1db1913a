// The overlap view (view=overlap): the trace's `overlap`, how many real input cells
// (per input channel) land on each output cell, as a heat map with a legend of the
// counts. For a strided transposed convolution uneven counts are the checkerboard
// (Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016):
// with a kernel size divisible by the stride every interior output cell receives the
// same number of inputs. Hover, focus or the player show which input cells land on an
// output cell (read from the trace's axes, or its steps); nothing is derived here.

import { fmt } from "../trace.js";
import { board, element, listed, neighbourIn, operator } from "./board.js";
import { t as stubT } from "./i18n-stub.js";
import { feeds, ndindex, spatialTaps } from "./taps.js";

// ColorBrewer YlGnBu, 9 classes: a sequential scale that prints and reads in grey too.
const SCALE = ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
  "#253494", "#081d58"];
const DARK_FROM = 5;

/** The scale's class of `count` on [0, most]: 0 is the palest, `most` the darkest. */
function shade(count, most) {
  return most > 0 ? Math.round((count / most) * (SCALE.length - 1)) : 0;
}

export default class OverlapView {
  constructor(root, trace, ctx = {}) {
    this.root = root;
    this.t = ctx.t ?? stubT;
    this.explorable = "[data-grid=input], [data-grid=output]";
    const raw = trace.raw ?? trace;
    this.raw = raw;
    const config = raw.config;
    this.size = (s) => (s.length === 1 ? [1, s[0]] : s);
    this.nd = config.input_size.length;
    this.positions = ndindex(raw.output_size); // one step per output position
    this.count = this.positions.length;
    this.lit = [];
    this.cur = -1;
    root.replaceChildren();
    this.view = element("div", "overlap-view");
    if (!raw.overlap) {
      const missing = element("p", "view-refused", this.t("view.overlap.missing"));
      missing.setAttribute("role", "alert");
      this.view.append(missing);
      root.append(this.view);
      this.count = 1;
      return;
    }
    this.counts = this.nd === 1 ? [raw.overlap] : raw.overlap;
    const all = this.counts.flat();
    this.most = Math.max(...all);
    this.taps = this.positions.map((p) => spatialTaps(raw, p));
    this.fed = feeds(this.positions.map((_, n) => n), (n) => this.taps[n]);
    const note = element("p", "view-note",
      this.t(config.transposed ? "view.overlap.note_transposed" : "view.overlap.note_direct"));
    const grids = element("div", "overlap-grids");
    grids.append(this.inputGrid(), operator("→"), this.overlapGrid());
    this.view.append(note, grids, this.legend(all));
    root.append(this.view);
  }

  key(position) {
    return position.join(",");
  }

  inputGrid() {
    const config = this.raw.config;
    const [h, w] = this.size(config.input_size);
    const plane = this.nd === 1 ? [this.raw.input[0]] : this.raw.input[0];
    const caption = config.in_channels > 1
      ? this.t("view.overlap.input_channels", { channels: config.in_channels }) : this.t("view.overlap.input");
    this.inputEls = new Map();
    const { fig, cells } = board(caption, h, w, "input-figure", (y, x) => {
      const position = this.nd === 1 ? [x] : [y, x];
      const el = element("div", "cell in", fmt(plane[y][x]));
      el.dataset.grid = "input";
      el.dataset.index = this.key(position);
      el.setAttribute("aria-label", this.t("view.overlap.input_cell",
        { index: el.dataset.index, value: fmt(plane[y][x]) }));
      this.inputEls.set(el.dataset.index, el);
      return el;
    });
    this.inputCells = cells;
    this.inputRows = h;
    this.inputCols = w;
    return fig;
  }

  overlapGrid() {
    const [h, w] = this.size(this.raw.output_size);
    this.outputEls = [];
    const { fig, cells } = board(this.t("view.overlap.caption"), h, w, "output-figure overlap-figure",
      (y, x) => {
        const count = this.counts[y][x];
        const level = shade(count, this.most);
        const el = element("div", `cell heat${level >= DARK_FROM ? " dark" : ""}`, String(count));
        el.style.setProperty("--heat", SCALE[level]);
        el.dataset.grid = "output";
        el.dataset.index = this.key(this.nd === 1 ? [x] : [y, x]);
        el.dataset.count = String(count);
        el.setAttribute("aria-label", this.t("view.overlap.output_cell", { index: el.dataset.index, count }));
        this.outputEls.push(el);
        return el;
      });
    this.outputCells = cells;
    this.outputRows = h;
    this.outputCols = w;
    return fig;
  }

  /** One swatch per count present (or a ramp from the least to the most when there are many). */
  legend(all) {
    const list = element("ul", "legend overlap-legend");
    list.setAttribute("aria-label", this.t("view.overlap.legend"));
    const present = [...new Set(all)].sort((a, b) => a - b);
    const shown = present.length <= 10 ? present : [present[0], present[present.length - 1]];
    for (const count of shown) {
      const item = element("li");
      const swatch = element("span", "swatch");
      swatch.style.setProperty("--heat", SCALE[shade(count, this.most)]);
      const cells = all.filter((c) => c === count).length;
      item.append(swatch, this.t("view.overlap.legend_item", { count, cells }));
      list.append(item);
    }
    return list;
  }

  inputsOf(n) {
    return this.taps[n].map((p) => this.inputEls.get(this.key(p))).filter(Boolean);
  }

  showStep(n) {
    if (!this.counts) return;
    for (const el of this.stepLit || []) el.classList.remove("tap", "current");
    const cells = this.inputsOf(n);
    for (const el of cells) el.classList.add("tap");
    this.outputEls[n].classList.add("current");
    this.stepLit = [...cells, this.outputEls[n]];
    this.cur = n;
  }

  arithmetic(n) {
    if (!this.counts) return "";
    return this.describeOutput(n);
  }

  describeOutput(n) {
    const inputs = this.taps[n].map((p) => `[${this.key(p)}]`);
    const key = this.raw.config.transposed ? "view.overlap.lands_transposed" : "view.overlap.lands_direct";
    return this.t(key, {
      output: this.key(this.positions[n]), count: inputs.length, inputs: listed(inputs) || "—",
    });
  }

  status(n) {
    if (!this.counts) return "";
    return this.t("view.overlap.status", {
      step: n + 1, count: this.count, output: this.key(this.positions[n]),
      overlap: this.outputEls[n].dataset.count,
    });
  }

  highlight(el) {
    this.clearHighlight();
    const lit = [el];
    if (el.dataset.grid === "output") {
      lit.push(...this.inputsOf(this.outputEls.indexOf(el)));
    } else {
      for (const n of this.fed.get(el.dataset.index) || []) lit.push(this.outputEls[n]);
    }
    this.lit = lit;
    for (const x of lit) x.classList.add("hl");
    this.root.classList.add("exploring");
  }

  clearHighlight() {
    for (const x of this.lit) x.classList.remove("hl");
    this.lit = [];
    this.root.classList.remove("exploring");
  }

  describe(el) {
    if (el.dataset.grid === "output") return this.describeOutput(this.outputEls.indexOf(el));
    const outs = (this.fed.get(el.dataset.index) || []).map((n) => `[${this.key(this.positions[n])}]`);
    return this.t("view.overlap.feeds", { input: el.dataset.index, count: outs.length, outputs: listed(outs) });
  }

  neighbour(el, key, ctrl = false) {
    const cells = el.dataset.grid === "output" ? this.outputCells : this.inputCells;
    return cells ? neighbourIn(cells, el, key, ctrl) : undefined;
  }

  /** Grid sizes for fitting: the input grid, then the overlap map. */
  stages() {
    const size = (s) => (s.length === 1 ? { rows: 1, cols: s[0] } : { rows: s[0], cols: s[1] });
    return [[size(this.raw.config.input_size)], [size(this.raw.output_size)]];
  }

  destroy() {}
}
