// The overlap view (view=overlap): the trace's `overlap`, how many real input cells (per
// input channel) land on each output cell, as a heat map with a legend of the counts.
// For a strided transposed convolution uneven counts are the checkerboard (Odena,
// Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016): when the
// stride divides the kernel size, every inner output cell receives the same number.
// Hover, focus or the player show which input cells land on an output cell: the trace's
// taps of output channel 0 on input channel 0 (every channel pair alike); nothing derived.
// A 3-D layer's input and overlap map are drawn per depth slice as the volume view draws
// them (slices.js); the counts are the trace's `overlap` as the API sends it.

import { arrow, cellName, figure, listed, makeCell, named, stage, tabStop } from "../cells.js";
import { neighbour } from "../explore.js";
import { cellKey, fmt } from "../trace.js";
import { ValueGrids, light } from "./common.js";
import { valueVolumes, volumeNeighbour } from "./slices.js";

const at = (nested, p) => p.reduce((v, i) => v[i], nested);

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
    this.count = t.outputSize.reduce((a, b) => a * b, 1); // one step per position (channel 0)
    this.grids = []; // 3-D: volume sizes for fitting
    this.view = document.createElement("div");
    this.view.className = "overlap-view";
    root.append(this.view);
    // readTrace gives one plane per output channel; a 3-D trace the API's nested list
    const planes = t.nd === 3 ? t.raw.overlap : t.overlap;
    if (!planes) {
      const missing = document.createElement("p");
      missing.className = "view-refused";
      missing.setAttribute("role", "alert");
      missing.textContent = tr("view.overlap.missing");
      this.view.append(missing);
      this.count = 1;
      return;
    }
    this.counts = t.nd === 3 && !Array.isArray(planes[0][0][0]) ? planes : planes[0];
    this.channel = t.readChannels(0)[0][0]; // the input channel whose taps are drawn
    const nonzero = this.counts.flat(Infinity).filter((c) => c > 0);
    this.range = nonzero.length ? [Math.min(...nonzero), Math.max(...nonzero)] : [0, 0];
    const note = document.createElement("p");
    note.className = "view-note";
    note.textContent = tr(t.transposed ? "view.overlap.note.transposed" : "view.overlap.note.direct");
    const inStage = stage("in-stage", tr("stage.input"));
    const outStage = stage("out-stage", tr("view.overlap.stage"));
    if (t.nd === 3) {
      this.volumes(inStage, outStage);
    } else {
      inStage.append(this.inputGrid());
      outStage.append(this.overlapGrid());
    }
    const grids = document.createElement("div");
    grids.className = "overlap-grids";
    grids.append(inStage, arrow("→"), outStage);
    this.view.append(note, grids, this.legend());
  }

  /** The input cell and overlap cell of a 3-D layer, one volume each (slices.js). */
  volumes(inStage, outStage) {
    const t = this.t;
    const tr = this.ctx.t;
    inStage.classList.add("volume-stage");
    outStage.classList.add("volume-stage");
    const name = (kind, [z, y, x], value) => tr("volume.cell", {
      kind: tr(`grid.${kind}`), channel: "", z, y, x, value,
    });
    const input = valueVolumes(this, "input", 1, false, t.inputSize, inStage, (_, p) => {
      const value = at(t.input[this.channel], p);
      return named(makeCell("input", "input", p.join(","), value), name("input", p, fmt(value)));
    });
    if (t.inChannels > 1) {
      input.boxes[0].querySelector("figcaption").textContent = tr("view.overlap.input.channels",
        { c: this.channel, channels: t.inChannels });
    }
    this.inputEls = input.els;
    const out = valueVolumes(this, "output", 1, false, t.outputSize, outStage, (_, p) => {
      const el = this.heatCell(at(this.counts, p));
      el.dataset.grid = "output";
      el.dataset.index = p.join(",");
      return named(el, tr("view.overlap.cell", { index: el.dataset.index, count: el.dataset.count }));
    });
    out.boxes[0].querySelector("figcaption").textContent = tr("view.overlap.caption");
    out.boxes[0].classList.add("overlap-figure");
    this.outputEls = out.els;
    this.outputList = out.list;
  }

  /** A cell of the overlap map: its count as text and a shade of the scale. */
  heatCell(count) {
    const level = shade(count, this.range);
    const el = document.createElement("div");
    el.className = `cell heat${level >= DARK_FROM ? " dark" : ""}`;
    el.style.setProperty("--heat", SCALE[level]);
    el.textContent = String(count);
    el.dataset.count = String(count);
    return el;
  }

  /** The data-index of [0, …position]: "y,x", 1-D "x", 3-D "z,y,x". */
  keyOf([, ...p]) {
    return this.t.nd === 3 ? p.join(",") : cellKey(this.t, false, 0, ...p);
  }

  /** Output cells of channel 0 [0, …position] that input cell [c, …position] lands on. */
  landsOn(c, p) {
    const t = this.t;
    const found = t.nd === 3 ? t.feeds(c, ...p) : t.feeds(c, ...p).map(({ output }) => output);
    return found.filter(([o]) => o === 0);
  }

  stages() {
    return this.t.nd === 3 ? [this.grids] : super.stages();
  }

  neighbour(cell, key, ctrl) {
    if (this.t.nd === 3) return volumeNeighbour(cell, key);
    return neighbour(cell, key, ctrl);
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
        const el = this.heatCell(count);
        el.dataset.grid = "output";
        el.dataset.index = cellKey(t, false, 0, y, x);
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
    const all = this.counts.flat(Infinity);
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
    const before = (a, b) => a.slice(1).reduce((d, v, i) => d || v - b[i + 1], 0);
    return this.t.step(n).taps.filter(([[c]]) => c === this.channel)
      .sort(([a], [b]) => before(a, b));
  }

  /** The input cells (of the drawn channel) that land on output position n. */
  landing(n) {
    return this.landingTaps(n).map(([i]) => i);
  }

  showStep(n) {
    if (!this.counts) return;
    for (const el of this.stepLit || []) el.classList.remove("tap", "current");
    const cells = this.landing(n).map(([, ...p]) => this.inputEls.get([0, ...p].join(",")));
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
    const output = this.keyOf(this.t.step(n).output);
    const taps = this.landingTaps(n);
    const inputs = taps.map(([i]) => `[${this.keyOf(i)}]`);
    const key = this.t.transposed ? "view.overlap.lands.transposed" : "view.overlap.lands.direct";
    const text = this.ctx.t(key, { output, count: inputs.length, inputs: listed(inputs) });
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
    const [, ...p] = this.t.step(n).output;
    return this.ctx.t("view.overlap.status", {
      step: n + 1, steps: this.count, output: this.keyOf([0, ...p]),
      count: at(this.counts, p),
    });
  }

  /** An output cell lights the input cells landing on it; an input cell where it lands. */
  highlight(el) {
    this.clearHighlight();
    const [, ...p] = this.position(el);
    const lit = [el];
    if (el.dataset.grid === "output") {
      for (const [, ...q] of this.landing(this.t.stepOf(0, ...p))) {
        lit.push(this.inputEls.get([0, ...q].join(",")));
      }
    } else {
      for (const output of this.landsOn(this.channel, p)) lit.push(this.outputEls.get(output.join(",")));
    }
    light(this, lit);
  }

  describe(el) {
    const [, ...p] = this.position(el);
    if (el.dataset.grid === "output") return this.explainPosition(this.t.stepOf(0, ...p));
    const outs = this.landsOn(this.channel, p).map((output) => `[${this.keyOf(output)}]`);
    return this.ctx.t("view.overlap.feeds", {
      input: this.keyOf([0, ...p]), value: fmt(at(this.t.input[this.channel], p)),
      count: outs.length, outputs: listed(outs),
    });
  }

  explain(el) {
    return el.dataset.grid === "output" ? this.describe(el) : null;
  }
}
