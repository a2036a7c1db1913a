// The scatter view (view=scatter, transposed only): each input cell multiplies the
// kernel and adds it into a window of the output; overlaps accumulate. One step per
// input cell (channel, then row-major). The contributions are the trace's taps read
// backwards (trace.feeds), never re-derived.

import { arrow, figure, listed, makeCell, sizeClass, stage, term } from "../cells.js";
import { cellKey, fmt } from "../trace.js";
import { ValueGrids } from "./common.js";

export default class ScatterView extends ValueGrids {
  constructor(root, trace, ctx) {
    super(root, trace, ctx);
    const t = trace;
    const tr = ctx.t;
    const inStage = stage("in-stage", tr("stage.input"));
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

  /** Scatter never writes an output cell outright: the step shows running sums. */
  writeUpTo() {}

  arithmetic(n) {
    const [c, y, x] = this.order[n];
    const value = this.t.input[c][y][x];
    const where = cellKey(this.t, this.multiIn, c, y, x);
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
    const [c, y, x] = this.position(el);
    return this.arithmetic(this.order.findIndex((p) => p[0] === c && p[1] === y && p[2] === x));
  }

  status(n) {
    const [c, y, x] = this.order[n];
    return this.ctx.t("status.scatter", {
      n: n + 1, count: this.count, where: cellKey(this.t, this.multiIn, c, y, x),
      outputs: this.contributions[n].length,
    });
  }
}
