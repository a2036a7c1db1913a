// The canvas view (view=canvas, the default): the padded input (for a transposed
// convolution, the zero-insertion canvas: inserted zeros, the kernel rotated by 180°,
// stride 1) under a sliding kernel window, the kernel as its own grid beside it, and the
// output written one cell per step. Channels are stacks of grids bracketed by group; the
// filter bank shows one filter per output channel. Pooling (op=max_pool|avg_pool) uses
// the same picture without weights. Drawn once; per step only what changes is touched:
// the taps' classes, one output cell, and one transform per active window. Big grids are
// painted on a canvas from the start (static/js/dense.js): the same code drives them.

import {
  arrow, cellName, figure, groupBox, listed, look, makeCell, named, sizeClass, stage, sumText,
  tabStop, term, writeNumber, writeWeight,
} from "../cells.js";
import { cellKey, fmt } from "../trace.js";
import { ValueGrids, windowReason } from "./common.js";

const at = (n) => `calc(var(--cell) * ${n})`;

export default class CanvasView extends ValueGrids {
  constructor(root, trace, ctx) {
    super(root, trace, ctx);
    const t = trace;
    const tr = ctx.t;
    this.count = t.stepCount;
    this.pool = t.op !== "conv";
    this.canvasEls = [];
    this.windows = [];
    this.inputFigures = [];
    this.inputEls = new Map();
    const [ch, cw] = t.canvas.size;
    const inStage = stage("in-stage", tr("stage.input"));
    const name = t.transposed ? tr("caption.canvas.transposed") : tr("caption.canvas");
    this.groupBoxes(inStage, t.inChannels, (c, box) => {
      const caption = this.multiIn ? tr("caption.channel", { name, c }) : name;
      const f = figure(caption, ch, cw, "input-figure", { explore: true, describedBy: ctx.keysId });
      f.grid.dataset.nd = String(t.nd);
      const cells = [];
      for (let cy = 0; cy < ch; cy++) {
        const row = [];
        for (let cx = 0; cx < cw; cx++) row.push(this.canvasCell(f, c, cy, cx));
        cells.push(row);
      }
      this.canvasEls.push(cells);
      f.grid.append(this.windowOverlay(c));
      tabStop(f.grid);
      box.append(f.fig);
      this.figures.push(f);
      this.inputFigures.push(f.fig);
    });
    const parts = [inStage];
    this.pointwise = !this.pool && t.kernelSize.every((k) => k === 1) && (this.multiIn || this.multiOut);
    if (!this.pool) parts.push(arrow("⊛"), this.kernelStage());
    if (this.pointwise) parts.push(this.pointwiseStage());
    parts.push(arrow("→"), this.outputStage());
    if (t.nd === 1) this.alignOneD();
    root.append(...parts);
    this.curOut = -1;
    this.cur = -1;
    this.wireSources();
  }

  /** padding_mode: hovering a copied padding cell lights the input cell it copies. */
  wireSources() {
    let lit = null;
    const off = () => {
      lit?.forEach((e) => e.classList.remove("source"));
      lit = null;
    };
    this.onSourceOver = (e) => {
      const copy = e.target.closest?.(".cell.copy");
      off();
      const source = copy && this.inputEls.get(copy.dataset.source);
      if (!source) return;
      lit = [copy, source];
      lit.forEach((el) => el.classList.add("source"));
    };
    this.onSourceOut = off;
    this.root.addEventListener("mouseover", this.onSourceOver);
    this.root.addEventListener("mouseleave", this.onSourceOut);
  }

  destroy() {
    this.root.removeEventListener("mouseover", this.onSourceOver);
    this.root.removeEventListener("mouseleave", this.onSourceOut);
    super.destroy();
  }

  canvasCell(f, c, cy, cx) {
    const t = this.t;
    const what = t.canvasCell(cy, cx);
    const key = cellKey(t, this.multiIn, c, cy, cx);
    if (f.dense) return this.paintedCanvasCell(f, c, cy, cx, what, key);
    let el;
    if (what.kind === "input") {
      el = makeCell("real", "canvas", key);
      el.setAttribute("role", "none");
      const value = t.input[c][what.iy][what.ix];
      const unused = t.isUnused(what.iy, what.ix);
      const why = unused ? windowReason(t, what.iy, what.ix) : undefined;
      const inner = makeCell(unused ? "unused" : "input", "input",
        cellKey(t, this.multiIn, c, what.iy, what.ix), value, why);
      named(inner, cellName("input", t.nd, this.multiIn, c, what.iy, what.ix, value));
      this.inputEls.set(`${c},${what.iy},${what.ix}`, inner);
      el.append(inner);
    } else if (what.kind === "copy") {
      // padding_mode: the padding cell shows the value it copies; hovering it lights its source
      const value = t.input[c][what.iy][what.ix];
      el = makeCell("padding", "canvas", key);
      el.setAttribute("role", "none");
      el.classList.add("copy");
      el.textContent = fmt(value);
      el.dataset.source = `${c},${what.iy},${what.ix}`;
      el.title = this.ctx.t("cell.copy", {
        value: fmt(value), index: cellKey(t, this.multiIn, c, what.iy, what.ix),
        mode: t.raw.config.padding_mode,
      });
    } else {
      el = makeCell(what.kind, "canvas", key);
      el.setAttribute("role", "none");
    }
    f.row(cy).append(el);
    return el;
  }

  /** A big canvas's cell (painted): an input cell is one cell (data-grid=input, explorable),
   * padding and inserted zeros are data-grid=canvas. */
  paintedCanvasCell(f, c, cy, cx, what, key) {
    const t = this.t;
    let el;
    const cached = (role, value, why) => { // looks by value: a few dozen t() calls, not 8,000
      const id = `${role}|${value}|${why}`;
      if (!this.looks.has(id)) this.looks.set(id, look({ role, value, why }));
      return this.looks.get(id);
    };
    this.looks ??= new Map();
    if (what.kind === "input") {
      const value = t.input[c][what.iy][what.ix];
      const unused = t.isUnused(what.iy, what.ix);
      const why = unused ? windowReason(t, what.iy, what.ix) : undefined;
      const l = cached(unused ? "unused" : "input", value, why);
      const index = cellKey(t, this.multiIn, c, what.iy, what.ix);
      el = f.cell(cy, cx, `${l.cls} ${sizeClass(l.text)}`.trim());
      el.dataset.grid = "input";
      el.dataset.index = index;
      el.setAttribute("title", () => `${l.title} · [${index}]`);
      el.textContent = l.text;
      named(el, () => cellName("input", t.nd, this.multiIn, c, what.iy, what.ix, value));
      this.inputEls.set(`${c},${what.iy},${what.ix}`, el);
    } else {
      const l = cached(what.kind);
      el = f.cell(cy, cx, l.cls);
      el.dataset.grid = "canvas";
      el.dataset.index = key;
      el.setAttribute("title", () => `${l.title} · [${key}]`);
    }
    f.row(cy).append(el);
    return el;
  }

  /** The sliding window of channel c: one element, moved by a transform. */
  windowOverlay(c) {
    const t = this.t;
    const overlay = document.createElement("div");
    overlay.className = this.pool ? "window pool" : "window";
    overlay.hidden = true;
    overlay.setAttribute("aria-hidden", "true");
    const cells = [];
    const [kh, kw] = t.kernelSize;
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const [dy, dx] = t.kernelAt(ky, kx);
        const el = makeCell("window", "kernel", cellKey(t, false, 0, ky, kx), null);
        el.style.setProperty("left", at(dx));
        el.style.setProperty("top", at(dy));
        cells.push({ el, ky, kx });
        overlay.append(el);
      }
    }
    this.windows.push({ el: overlay, cells, c });
    return overlay;
  }

  /** The current filter as its own grids (one per input channel it reads), readable; and
   * the filter bank (one small filter per output channel) when there are several. */
  kernelStage() {
    const t = this.t;
    const tr = this.ctx.t;
    const kStage = stage("kernel-stage", tr("stage.kernel"));
    const [kh, kw] = t.kernelSize;
    const perGroupIn = t.readChannels(0).length;
    this.kernelGrids = [];
    const filter = document.createElement("div");
    filter.className = "filter";
    for (let s = 0; s < (this.pointwise ? 0 : perGroupIn); s++) {
      const f = figure("", kh, kw, "kernel-figure");
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const el = makeCell("kernel", "kernel", "", 0);
          f.grid.append(el);
        }
      }
      this.kernelGrids.push(f);
      filter.append(f.fig);
      this.figures.push(f);
    }
    if (t.flipped) {
      const note = document.createElement("p");
      note.className = "rotated";
      note.textContent = tr("kernel.rotated");
      filter.append(note);
    }
    kStage.append(filter);
    if (t.outChannels > 1) kStage.append(this.filterBank());
    return kStage;
  }

  /** One small filter per output channel, in/groups slices each, coloured by group. */
  filterBank() {
    const t = this.t;
    const tr = this.ctx.t;
    const bank = document.createElement("figure");
    bank.className = "filter-bank";
    const cap = document.createElement("figcaption");
    const slices = t.readChannels(0).length;
    cap.textContent = tr("bank.caption", {
      out: t.outChannels, slices, count: slices, groups: t.groups,
    });
    const list = document.createElement("div");
    list.className = "bank";
    this.bankFilters = [];
    const perGroupOut = t.outChannels / t.groups;
    for (let o = 0; o < t.outChannels; o++) {
      const item = document.createElement("div");
      item.className = `bank-filter group-${Math.floor(o / perGroupOut) % 4}`;
      item.title = tr("bank.filter", { o, channels: t.readChannels(o).map(([c]) => c).join(", ") });
      for (const _ of t.readChannels(o)) {
        const slice = document.createElement("span");
        slice.className = "bank-slice";
        item.append(slice);
      }
      const label = document.createElement("span");
      label.className = "bank-label";
      label.textContent = String(o);
      item.append(label);
      list.append(item);
      this.bankFilters.push(item);
    }
    bank.append(cap, list);
    return bank;
  }

  /** 1×1: one pixel's channel vector times the weight matrix (out × in, read from
   * channel_taps; blank where a group does not connect) gives its output vector. */
  pointwiseStage() {
    const t = this.t;
    const tr = this.ctx.t;
    const box = stage("pointwise-stage", tr("pointwise.label"));
    this.pointwiseCaption = document.createElement("p");
    this.pointwiseCaption.className = "pointwise-caption";
    const vector = (grid, n, caption) => {
      const f = figure(caption, n, 1, `vector-figure ${grid}-figure`);
      const cells = [];
      for (let i = 0; i < n; i++) {
        const el = makeCell(grid === "input-vector" ? "input" : "output", grid, String(i), null);
        f.grid.append(el);
        cells.push(el);
      }
      return { f, cells };
    };
    this.pixelIn = vector("input-vector", t.inChannels, tr("pointwise.vector"));
    const w = figure(tr("pointwise.matrix"), t.outChannels, t.inChannels, "kernel-figure pointwise-matrix");
    this.pointwiseRows = [];
    for (let o = 0; o < t.outChannels; o++) {
      const links = new Map(t.readChannels(o).map(([c, w0, w1]) => [c, [w0, w1]]));
      const row = [];
      for (let c = 0; c < t.inChannels; c++) {
        const link = links.get(c);
        const el = link
          ? makeCell("kernel", "kernel", `${o},${c}`, t.weightAt([link[0], link[1], 0, 0]))
          : makeCell("padding", "kernel", `${o},${c}`);
        w.grid.append(el);
        row.push(el);
      }
      this.pointwiseRows.push(row);
    }
    this.pixelOut = vector("output-vector", t.outChannels, tr("pointwise.result"));
    const product = document.createElement("div");
    product.className = "pointwise-product";
    product.append(w.fig, arrow("·"), this.pixelIn.f.fig, arrow("="), this.pixelOut.f.fig);
    box.append(this.pointwiseCaption, product);
    this.figures.push(w, this.pixelIn.f, this.pixelOut.f);
    return box;
  }

  showPixel(step) {
    const t = this.t;
    const [o, y, x] = step.output;
    const where = t.nd === 1 ? `${x}` : `${y},${x}`;
    this.pointwiseCaption.textContent = this.ctx.t("pointwise.caption", { where });
    const [iy, ix] = step.taps.length ? step.taps[0][0].slice(1) : [null, null];
    this.pixelIn.cells.forEach((el, c) => {
      writeNumber(el, iy === null ? null : t.input[c][iy][ix]);
      el.classList.toggle("tap", t.readChannels(o).some(([ci]) => ci === c));
    });
    this.pixelOut.cells.forEach((el, oc) => {
      const written = oc <= o;
      writeNumber(el, written ? t.output[oc][y][x] : null);
      el.classList.toggle("written", written);
      el.classList.toggle("current", oc === o);
    });
    this.pointwiseRows.forEach((row, oc) => row.forEach((el) => el.classList.toggle("tap", oc === o)));
  }

  outputStage() {
    const outStage = stage("out-stage", this.ctx.t("stage.output"));
    this.outputGrids(outStage);
    return outStage;
  }

  /** 1-D: each output cell sits under the input time step it belongs to (the window's last
   * cell for causal padding, its centre otherwise). */
  alignOneD() {
    const t = this.t;
    const [before, after] = t.raw.padding[0];
    const span = t.dilation[1] * (t.kernelSize[1] - 1);
    const causal = !t.transposed && after === 0 && before === span && span > 0;
    const shift = causal ? span : span / 2;
    this.root.classList.add("aligned");
    for (const f of this.outputFigures) {
      f.classList.add("aligned");
      f.style.setProperty("--cols", String(t.canvas.size[1]));
    }
    for (const [key, el] of this.outputEls) {
      const x = Number(key.split(",")[2]);
      const column = this.t.step(this.t.stepOf(0, 0, x)).anchor[1] + shift;
      el.style.setProperty("left", at(column));
    }
  }

  showStep(n) {
    const t = this.t;
    const step = t.step(n);
    for (const el of this.taps || []) el.classList.remove("tap", "max");
    this.taps = step.taps.map(([i]) => this.inputEls.get(i.join(","))).filter(Boolean);
    for (const el of this.taps) el.classList.add("tap");
    if (t.op === "max_pool") this.markMax(step);
    this.writeUpTo(n);
    const [o] = step.output;
    if (o !== this.curOut) this.switchOutputChannel(o);
    const [ay, ax] = step.anchor;
    const transform = `translate(${at(ax)}, ${at(ay)})`;
    const anchor = (t.nd === 1 ? [ax] : [ay, ax]).join(",");
    for (const w of this.active) {
      w.el.style.setProperty("transform", transform);
      w.el.dataset.anchor = anchor;
    }
    this.markKernelTaps(step);
    if (this.pointwise) this.showPixel(step);
    this.cur = n;
  }

  markMax(step) {
    const values = step.taps.map(([i]) => this.t.input[i[0]][i[1]][i[2]]);
    const best = values.indexOf(Math.max(...values));
    if (best >= 0) this.taps[best]?.classList.add("max");
  }

  /** Which kernel cells meet a real input cell at this step (the others meet padding). */
  markKernelTaps(step) {
    if (!this.kernelGrids) return;
    const [, kw] = this.t.kernelSize;
    const met = new Set(step.taps.map(([, w]) => w[2] * kw + w[3]));
    const key = [...met].join(",");
    if (key === this.metKey) return;
    this.metKey = key;
    for (const f of this.kernelGrids) {
      [...f.grid.children].forEach((el, i) => el.classList.toggle("tap", met.has(i)));
    }
  }

  switchOutputChannel(o) {
    const t = this.t;
    const tr = this.ctx.t;
    this.curOut = o;
    const reads = t.readChannels(o);
    const readSet = new Map(reads.map(([c, w0, w1]) => [c, [w0, w1]]));
    this.active = this.windows.filter((w) => readSet.has(w.c));
    for (const w of this.windows) {
      const weights = readSet.get(w.c);
      w.el.hidden = !weights;
      this.inputFigures[w.c].classList.toggle("current", Boolean(weights));
      if (!weights || this.pool) continue;
      for (const { el, ky, kx } of w.cells) {
        writeWeight(el, t.weightAt([weights[0], weights[1], ky, kx]));
      }
    }
    if (this.kernelGrids) {
      reads.forEach(([c, w0, w1], s) => {
        const f = this.kernelGrids[s];
        if (!f) return;
        const [kh, kw] = t.kernelSize;
        f.cap.textContent = this.multiIn || this.multiOut
          ? tr("caption.kernel.slice", { o, c }) : tr("caption.kernel");
        const cells = f.grid.children;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const el = cells[ky * kw + kx];
            const value = t.weightAt([w0, w1, ky, kx]);
            const w = fmt(value);
            el.className = `cell kcell ${sizeClass(writeNumber(el, value))}`.trim();
            el.dataset.index = cellKey(t, this.multiIn || this.multiOut, s, ky, kx);
            el.title = tr("cell.weight.at", { value: w, index: [w0, w1, ky, kx].join(",") });
          }
        }
      });
      this.metKey = null;
      this.bankFilters?.forEach((el, i) => el.classList.toggle("current", i === o));
    }
    this.markOutputChannel(o);
  }

  /** Canvas cells under the window of step n (padding and zeros included). */
  windowCells(n) {
    const t = this.t;
    const step = t.step(n);
    const [kh, kw] = t.kernelSize;
    const cells = [];
    for (const [c] of t.readChannels(step.output[0])) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const [dy, dx] = t.kernelAt(ky, kx);
          cells.push(this.canvasEls[c][step.anchor[0] + dy]?.[step.anchor[1] + dx]);
        }
      }
    }
    return cells;
  }

  /** The arithmetic of step n, terms in the order the picture reads: channel, then row,
   * then column of the window on the input. */
  arithmetic(n) {
    const t = this.t;
    const tr = this.ctx.t;
    const step = t.step(n);
    const taps = [...step.taps].sort((a, b) => a[0][0] - b[0][0] || a[0][1] - b[0][1] || a[0][2] - b[0][2]);
    const where = cellKey(t, this.multiOut, ...step.output);
    const values = taps.map(([i]) => t.input[i[0]][i[1]][i[2]]);
    const [kh, kw] = t.kernelSize;
    const window = kh * kw * t.readChannels(step.output[0]).length;
    const skipped = t.transposed ? tr("note.zeros") : tr("note.padding");
    const note = taps.length < window ? ` ${skipped}` : "";
    if (t.op === "max_pool") {
      return `output[${where}] = max(${listed(values.map(fmt))}) = ${fmt(step.value)}${note}`;
    }
    if (t.op === "avg_pool") {
      const [, y, x] = step.output;
      const divisor = t.raw.divisor ? (t.nd === 1 ? t.raw.divisor[x] : t.raw.divisor[y][x]) : kh * kw;
      const override = t.raw.config.divisor_override;
      const why = override !== null && override !== undefined
        ? tr("note.divisor_override", { divisor: override })
        : divisor !== kh * kw ? tr("note.divisor") : note ? tr("note.avg") : "";
      return `output[${where}] = (${listed(values.map(fmt), " + ") || "0"}) / ${fmt(divisor)} = ${fmt(step.value)}`
        + (why ? ` ${why}` : "");
    }
    const terms = taps.map(([i, w], k) => term(values[k], t.weightAt(w)));
    if (t.bias) terms.push(tr("sum.bias", { value: fmt(t.bias[step.output[0]]) }));
    return `output[${where}] = ${sumText(terms, step.value)}${note}`;
  }

  status(n) {
    const step = this.t.step(n);
    return this.ctx.t("status.step", {
      n: n + 1, count: this.count, where: cellKey(this.t, this.multiOut, ...step.output),
      value: fmt(step.value),
    });
  }
}
