// The overlap view (view=overlap): the trace's `overlap`, how many real input cells (per
// input channel) land on each output cell, as a heat map with a legend of the counts.
// For a strided transposed convolution uneven counts are the checkerboard (Odena,
// Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016): when the
// stride divides the kernel size, every inner output cell receives the same number.
// Hover, focus or the player show which input cells land on an output cell: the trace's
// taps of output channel 0 on input channel 0 (every channel pair alike); nothing derived.

import { arrow, cellName, figure, listed, named, stage, tabStop } from "../cells.js";
import { cellKey, fmt } from "../trace.js";
import { ValueGrids, light } from "./common.js";

// ColorBrewer YlGnBu, 9 classes: a sequential scale that reads in grey and for the colour-blind.
const SCALE = ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
  "#253494", "#081d58"];
const DARK_FROM = 5; // classes from here on take white text

/** The scale class of `count`: 0 the palest; the least to the most non-zero count spread
 * over the rest, so that small differences (4 against 6) still read; all alike: the middle. */
function shade(count, [least, most]) {
  if (count === 0) return 0;
  if (most === least) return Math.floor(SCALE.length / 2);
  return 1 + Math.round(((count - least) / (most - least)) * (SCALE.length - 2));
}

export default class OverlapView extends ValueGrids {
  constructor(root, trace, ctx) {
    super(root, trace, ctx);
    const t = trace;
    const tr = ctx.t;
    this.multiIn = false; // one input plane and one overlap plane: every channel is alike
    this.multiOut = false;
    const [h, w] = t.outputSize;
    this.count = h * w;
    this.view = document.createElement("div");
    this.view.className = "overlap-view";
    root.append(this.view);
    if (!t.overlap) {
      const missing = document.createElement("p");
      missing.className = "view-refused";
      missing.setAttribute("role", "alert");
      missing.textContent = tr("view.overlap.missing");
      this.view.append(missing);
      this.count = 1;
      return;
    }
    this.counts = t.overlap[0];
    this.channel = t.readChannels(0)[0][0]; // the input channel whose taps are drawn
    const nonzero = this.counts.flat().filter((c) => c > 0);
    this.range = nonzero.length ? [Math.min(...nonzero), Math.max(...nonzero)] : [0, 0];
    const note = document.createElement("p");
    note.className = "view-note";
    note.textContent = tr(t.transposed ? "view.overlap.note.transposed" : "view.overlap.note.direct");
    const inStage = stage("in-stage", tr("stage.input"));
    inStage.append(this.inputGrid());
    const outStage = stage("out-stage", tr("view.overlap.stage"));
    outStage.append(this.overlapGrid());
    const grids = document.createElement("div");
    grids.className = "overlap-grids";
    grids.append(inStage, arrow("→"), outStage);
    this.view.append(note, grids, this.legend());
  }

  /** The input, one channel (the one whose taps are drawn). */
  inputGrid() {
    const t = this.t;
    const tr = this.ctx.t;
    const [h, w] = t.inputSize;
    const caption = t.inChannels > 1
      ? tr("view.overlap.input.channels", { c: this.channel, channels: t.inChannels })
      : tr("grid.input");
    const f = figure(caption, h, w, "input-figure", { explore: true, describedBy: this.ctx.keysId });
    f.grid.dataset.nd = String(t.nd);
    this.inputEls = new Map();
    const plane = t.input[this.channel];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const el = document.createElement("div");
        el.className = "cell in";
        el.dataset.grid = "input";
        el.dataset.index = cellKey(t, false, 0, y, x);
        el.textContent = fmt(plane[y][x]);
        named(el, cellName("input", t.nd, false, 0, y, x, plane[y][x]));
        this.inputEls.set(`0,${y},${x}`, el);
        f.row(y).append(el);
      }
    }
    tabStop(f.grid);
    this.figures.push(f);
    return f.fig;
  }

  overlapGrid() {
    const t = this.t;
    const tr = this.ctx.t;
    const [h, w] = t.outputSize;
    const f = figure(tr("view.overlap.caption"), h, w, "output-figure overlap-figure",
      { explore: true, describedBy: this.ctx.keysId });
    f.grid.dataset.nd = String(t.nd);
    this.outputEls = new Map();
    this.outputList = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const count = this.counts[y][x];
        const level = shade(count, this.range);
        const el = document.createElement("div");
        el.className = `cell heat${level >= DARK_FROM ? " dark" : ""}`;
        el.style.setProperty("--heat", SCALE[level]);
        el.textContent = String(count);
        el.dataset.grid = "output";
        el.dataset.index = cellKey(t, false, 0, y, x);
        el.dataset.count = String(count);
        named(el, tr("view.overlap.cell", { index: el.dataset.index, count }));
        this.outputEls.set(`0,${y},${x}`, el);
        this.outputList.push(el);
        f.row(y).append(el);
      }
    }
    tabStop(f.grid);
    this.figures.push(f);
    return f.fig;
  }

  /** One swatch per count present (the least and the most when there are many). */
  legend() {
    const tr = this.ctx.t;
    const all = this.counts.flat();
    const list = document.createElement("ul");
    list.className = "legend overlap-legend";
    list.setAttribute("aria-label", tr("view.overlap.legend"));
    const title = document.createElement("li");
    title.className = "legend-title";
    title.textContent = tr("view.overlap.legend.title");
    list.append(title);
    const present = [...new Set(all)].sort((a, b) => a - b);
    const shown = present.length <= 10 ? present : [present[0], present[present.length - 1]];
    for (const count of shown) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.setProperty("--heat", SCALE[shade(count, this.range)]);
      const cells = all.filter((c) => c === count).length;
      item.append(swatch, tr("view.overlap.legend.item", { overlap: count, count: cells }));
      list.append(item);
    }
    return list;
  }

  /** The taps [[c, iy, ix], weight] of output position n on the drawn channel, row-major. */
  landingTaps(n) {
    return this.t.step(n).taps.filter(([[c]]) => c === this.channel)
      .sort(([a], [b]) => a[1] - b[1] || a[2] - b[2]);
  }

  /** The input cells (of the drawn channel) that land on output position n. */
  landing(n) {
    return this.landingTaps(n).map(([i]) => i);
  }

  showStep(n) {
    if (!this.counts) return;
    for (const el of this.stepLit || []) el.classList.remove("tap", "current");
    const cells = this.landing(n).map(([, y, x]) => this.inputEls.get(`0,${y},${x}`));
    this.stepLit = [...cells, this.outputList[n]].filter(Boolean);
    for (const el of cells) el?.classList.add("tap");
    this.outputList[n].classList.add("current");
    this.cur = n;
  }

  arithmetic(n) {
    return this.counts ? this.explainPosition(n) : "";
  }

  /** Which input cells land on output position n, and the weights they land with: even
   * sums of the weights make an even upsampling (the bilinear kernel's sum to 1). */
  explainPosition(n) {
    const [, y, x] = this.t.step(n).output;
    const taps = this.landingTaps(n);
    const inputs = taps.map(([[, iy, ix]]) => `[${cellKey(this.t, false, 0, iy, ix)}]`);
    const key = this.t.transposed ? "view.overlap.lands.transposed" : "view.overlap.lands.direct";
    const text = this.ctx.t(key, {
      output: cellKey(this.t, false, 0, y, x), count: inputs.length, inputs: listed(inputs),
    });
    const weights = taps.map(([, w]) => this.t.weightAt(w));
    if (!weights.length || weights.includes(null)) return text;
    const sum = weights.reduce((a, b) => a + b, 0);
    return `${text}; ${this.ctx.t("view.overlap.weights", {
      weights: listed(weights.map((w) => (w < 0 ? `(${fmt(w)})` : fmt(w))), " + "),
      sum: fmt(sum), count: weights.length,
    })}`;
  }

  status(n) {
    if (!this.counts) return "";
    const [, y, x] = this.t.step(n).output;
    return this.ctx.t("view.overlap.status", {
      step: n + 1, steps: this.count, output: cellKey(this.t, false, 0, y, x),
      count: this.counts[y][x],
    });
  }

  /** An output cell lights the input cells landing on it; an input cell where it lands. */
  highlight(el) {
    this.clearHighlight();
    const [, y, x] = this.position(el);
    const lit = [el];
    if (el.dataset.grid === "output") {
      for (const [, iy, ix] of this.landing(this.t.stepOf(0, y, x))) {
        lit.push(this.inputEls.get(`0,${iy},${ix}`));
      }
    } else {
      for (const { output } of this.t.feeds(this.channel, y, x)) {
        if (output[0] === 0) lit.push(this.outputEls.get(output.join(",")));
      }
    }
    light(this, lit);
  }

  describe(el) {
    const [, y, x] = this.position(el);
    if (el.dataset.grid === "output") return this.explainPosition(this.t.stepOf(0, y, x));
    const outs = this.t.feeds(this.channel, y, x).filter(({ output }) => output[0] === 0)
      .map(({ output }) => `[${cellKey(this.t, false, ...output)}]`);
    return this.ctx.t("view.overlap.feeds", {
      input: cellKey(this.t, false, 0, y, x), value: fmt(this.t.input[this.channel][y][x]),
      count: outs.length, outputs: listed(outs),
    });
  }

  explain(el) {
    return el.dataset.grid === "output" ? this.describe(el) : null;
  }
}
