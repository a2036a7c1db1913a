// The scatter view (view=scatter, transposed only): each input cell multiplies the
// kernel and adds it into a window of the output; overlaps accumulate. One step per
// input cell (channel, then row-major). The contributions are the trace's taps read
// backwards (trace.feeds), never re-derived. A 3-D layer (ConvTranspose3d) is drawn as the
// volume view draws it (slices.js): input, kernel and output as rows of depth slices; its
// contributions are the trace's taps of every step, gathered per input cell.

import { arrow, figure, listed, makeCell, named, sizeClass, stage, term } from "../cells.js";
import { neighbour } from "../explore.js";
import { cellKey, fmt } from "../trace.js";
import { ValueGrids, light } from "./common.js";
import { valueVolumes, volumeNeighbour } from "./slices.js";

const at = (nested, p) => p.reduce((v, i) => v[i], nested);

export default class ScatterView extends ValueGrids {
  constructor(root, trace, ctx) {
    super(root, trace, ctx);
    const t = trace;
    const tr = ctx.t;
    const inStage = stage("in-stage", tr("stage.input"));
    if (t.nd === 3) {
      this.volumes(inStage);
      return;
    }
    this.inputEls = this.valueGrids("input", t.input, this.multiIn, t.inputSize, inStage).els;
    this.order = [...this.inputEls.keys()].map((k) => k.split(",").map(Number));
    this.count = this.order.length;
    const kStage = stage("kernel-stage", tr("stage.kernel"));
    const [kh, kw] = t.kernelSize;
    this.kernelFigs = [];
    for (let o = 0; o < t.outChannels; o++) {
      const f = figure(this.multiOut ? tr("caption.kernel.for", { o }) : tr("caption.kernel"),
        kh, kw, "kernel-figure");
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          f.grid.append(makeCell("kernel", "kernel", cellKey(t, this.multiOut, o, ky, kx), 0));
        }
      }
      this.kernelFigs.push(f);
      kStage.append(f.fig);
      this.figures.push(f);
    }
    const outStage = stage("out-stage", tr("stage.output"));
    this.outputGrids(outStage);
    this.outIndex = new Map([...this.outputEls.keys()].map((k, i) => [k, i]));
    this.contributions = this.order.map(([c, y, x]) => {
      const value = t.input[c][y][x];
      return t.feeds(c, y, x).map(({ output, weight: w }) => {
        const weight = t.weightAt(w);
        return { out: this.outIndex.get(output.join(",")), weight, add: value * weight };
      });
    });
    this.start = [...this.outputEls.keys()].map((k) => (t.bias ? t.bias[Number(k.split(",")[0])] : 0));
    root.append(inStage, arrow("×"), kStage, arrow("→"), outStage);
    this.curIn = -1;
  }

  /** 3-D: input, kernels and output as volumes; each input cell's contributions are the
   * taps that read it, gathered from every step (one pass over the trace's taps). */
  volumes(inStage) {
    const t = this.t;
    const tr = this.ctx.t;
    this.grids = [];
    const key = (multi, c, p) => (multi ? [c, ...p] : p).join(",");
    const name = (kind, multi, c, [z, y, x], value) => tr("volume.cell", {
      kind: tr(`grid.${kind}`), channel: multi ? tr("where.channel", { c }) : "", z, y, x, value,
    });
    inStage.classList.add("volume-stage");
    this.inputEls = valueVolumes(this, "input", t.inChannels, this.multiIn, t.inputSize, inStage,
      (c, p) => {
        const value = at(t.input[c], p);
        return named(makeCell("input", "input", key(this.multiIn, c, p), value),
          name("input", this.multiIn, c, p, fmt(value)));
      }).els;
    this.order = [...this.inputEls.keys()].map((k) => k.split(",").map(Number));
    this.count = this.order.length;
    const kStage = stage("kernel-stage volume-stage", tr("stage.kernel"));
    // kD slices of weights beside the data: as big as the data's cells, and readable
    kStage.style.setProperty("--kcell", "max(var(--cell), 26px)");
    const kernels = valueVolumes(this, "kernel", t.outChannels, false, t.kernelSize, kStage,
      () => makeCell("kernel", "kernel", "", 0), false);
    kernels.boxes.forEach((box, o) => {
      box.querySelector("figcaption").textContent = this.multiOut
        ? tr("caption.kernel.for", { o }) : tr("caption.kernel");
    });
    this.kernelBoxes = kernels.boxes;
    this.kernelCells = kernels.boxes.map((box) => [...box.querySelectorAll(".cell")]);
    const outStage = stage("out-stage volume-stage", tr("stage.output"));
    const out = valueVolumes(this, "output", t.outChannels, this.multiOut, t.outputSize, outStage,
      (o, p) => named(makeCell("output", "output", key(this.multiOut, o, p)),
        name("output", this.multiOut, o, p, tr("value.pending"))));
    this.outputEls = out.els;
    this.outputList = out.list; // in step order: output index = step
    this.outputFigures = out.boxes;
    const index = new Map(this.order.map((p, i) => [p.join(","), i]));
    this.contributions = this.order.map(() => []);
    for (let n = 0; n < t.stepCount; n++) {
      for (const [i, w] of t.step(n).taps) {
        const weight = t.weightAt(w);
        this.contributions[index.get(i.join(","))].push({ out: n, weight, add: at(t.input, i) * weight });
      }
    }
    this.start = out.positions.map(([o]) => (t.bias ? t.bias[o] : 0));
    this.root.append(inStage, arrow("×"), kStage, arrow("→"), outStage);
    this.curIn = -1;
  }

  showStep(n) {
    if (n < this.cur || this.cur < 0) {
      this.sums = Float64Array.from(this.start);
      this.touched = new Uint32Array(this.outputList.length);
      this.applied = -1;
    }
    const changed = new Set();
    for (let i = this.applied + 1; i <= n; i++) {
      for (const { out, add } of this.contributions[i]) {
        this.sums[out] += add;
        this.touched[out] += 1;
        changed.add(out);
      }
    }
    this.applied = n;
    const all = this.cur < 0 || n < this.cur;
    for (const i of all ? this.outputList.keys() : changed) {
      const el = this.outputList[i];
      const touched = this.touched[i] > 0;
      const text = touched ? fmt(this.sums[i]) : "";
      el.classList.toggle("long", sizeClass(text) === "long");
      el.classList.toggle("longer", sizeClass(text) === "longer");
      el.textContent = text;
      el.classList.toggle("written", touched);
    }
    for (const el of this.fed || []) {
      el.classList.remove("tap");
      delete el.dataset.w;
    }
    this.fed = this.contributions[n].map(({ out, weight }) => {
      const el = this.outputList[out];
      el.dataset.w = fmt(weight);
      return el;
    });
    for (const el of this.fed) el.classList.add("tap");
    this.currentEl?.classList.remove("current");
    this.currentEl = this.inputEls.get(this.order[n].join(","));
    this.currentEl.classList.add("current");
    const c = this.order[n][0];
    if (c !== this.curIn) this.switchInputChannel(c);
    this.cur = n;
  }

  switchInputChannel(c) {
    const t = this.t;
    this.curIn = c;
    if (t.nd === 3) {
      this.switchVolumeChannel(c);
      return;
    }
    const fed = new Map(t.fedChannels(c).map(([o, w0, w1]) => [o, [w0, w1]]));
    this.kernelFigs.forEach((f, o) => {
      const w = fed.get(o) || [t.readChannels(o)[0][1], t.readChannels(o)[0][2]];
      f.fig.classList.toggle("current", fed.has(o));
      const [, kw] = t.kernelSize;
      [...f.grid.children].forEach((el, i) => {
        el.textContent = fmt(t.weightAt([w[0], w[1], Math.floor(i / kw), i % kw]));
      });
    });
    this.figures.slice(0, t.inChannels).forEach((f, i) => f.fig.classList.toggle("current", i === c));
  }

  /** 3-D: each output channel's kernel volume shows the weights input channel c meets. */
  switchVolumeChannel(c) {
    const t = this.t;
    const [kd, kh, kw] = t.kernelSize;
    this.kernelCells.forEach((cells, o) => {
      const pairs = t.readChannels(o);
      const found = pairs.find(([ci]) => ci === c);
      const [, w0, w1] = found || pairs[0];
      this.kernelBoxes[o].classList.toggle("current", Boolean(found));
      cells.forEach((el, i) => {
        const k = [Math.floor(i / (kh * kw)) % kd, Math.floor(i / kw) % kh, i % kw];
        el.textContent = fmt(t.weightAt([w0, w1, ...k]));
      });
    });
  }

  /** The data-index of input cell [c, …position]. */
  inputKey(p) {
    return this.t.nd === 3 ? (this.multiIn ? p : p.slice(1)).join(",") : cellKey(this.t, this.multiIn, ...p);
  }

  highlight(el) {
    if (this.t.nd < 3) {
      super.highlight(el);
      return;
    }
    this.clearHighlight();
    const t = this.t;
    const p = this.position(el);
    const lit = [el];
    if (el.dataset.grid === "output") {
      for (const [i] of t.step(t.stepOf(...p)).taps) lit.push(this.inputEls.get(i.join(",")));
    } else if (el.dataset.grid === "input") {
      for (const out of t.feeds(...p)) lit.push(this.outputEls.get(out.join(",")));
    }
    light(this, lit);
  }

  describe(el) {
    if (this.t.nd < 3) return super.describe(el);
    const t = this.t;
    const tr = this.ctx.t;
    const p = this.position(el);
    if (el.dataset.grid === "output") {
      const count = t.step(t.stepOf(...p)).taps.length;
      return tr("volume.describe.output", { index: el.dataset.index, count });
    }
    return tr("volume.describe.input", { index: el.dataset.index, count: t.feeds(...p).length });
  }

  neighbour(cell, key, ctrl) {
    return this.t.nd === 3 ? volumeNeighbour(cell, key) : neighbour(cell, key, ctrl);
  }

  stages() {
    return this.t.nd === 3 ? [this.grids] : super.stages();
  }

  /** Scatter never writes an output cell outright: the step shows running sums. */
  writeUpTo() {}

  arithmetic(n) {
    const value = at(this.t.input, this.order[n]);
    const where = this.inputKey(this.order[n]);
    const sums = this.sums && this.applied >= n ? this.sums : null;
    const parts = this.contributions[n].map(({ out, weight }) => {
      const add = `output[${this.outputList[out].dataset.index}] += ${term(value, weight)}`;
      return sums ? `${add} → ${fmt(sums[out])}` : add;
    });
    return this.ctx.t("scatter.arithmetic", {
      where, value: fmt(value), parts: listed(parts, "; ") || this.ctx.t("scatter.cropped"),
    });
  }

  explain(el) {
    if (el.dataset.grid !== "input") return null;
    const where = this.position(el).join(",");
    return this.arithmetic(this.order.findIndex((p) => p.join(",") === where));
  }

  status(n) {
    return this.ctx.t("status.scatter", {
      n: n + 1, count: this.count, where: this.inputKey(this.order[n]),
      outputs: this.contributions[n].length,
    });
  }
}
