// The gradients view (view=gradients): the backward pass of one layer, cell by cell
// (SPEC.md, "Gradients"). One rule for every configuration: each tap x[i]·w[k] → y[o] of the
// forward pass sends g[o]·w[k] back to dL/dX[i] and g[o]·x[i] back to dL/dW[k], g = dL/dY.
// The steps first walk the input gradient (each input cell collects from the output cells
// it fed: trace.feeds), then the weight gradient (each weight collects g·x from every window
// position it met: the taps of trace.step). Max pooling routes g to the window's first
// maximum, average pooling spreads g / divisor (the trace's `divisor`). The totals shown are
// the API's `grad`, never recomputed; the terms are read from the trace's taps. With
// grad_output=mse the answer carries the target t and the loss: a first stage shows y, t and
// where each g of the current step came from, g = 2·(y − t)/N with its numbers.

import { arrow, cellName, figure, listed, named, sizeClass, stage, tabStop, term } from "../cells.js";
import { cellKey, fmt } from "../trace.js";
import { light, stagesOf, unlight } from "./common.js";

const KINDS = ["input", "kernel", "grad-output", "grad-input", "grad-weight", "output", "target"];

export default class GradientsView {
  constructor(root, trace, ctx) {
    this.root = root;
    this.t = trace;
    this.ctx = ctx;
    this.lit = [];
    this.marked = [];
    this.cur = -1;
    this.els = Object.fromEntries(KINDS.map((k) => [k, new Map()]));
    this.figures = [];
    const t = trace;
    this.inputCells = [];
    for (let c = 0; c < t.inChannels; c++) {
      for (let y = 0; y < t.inputSize[0]; y++) for (let x = 0; x < t.inputSize[1]; x++) this.inputCells.push([c, y, x]);
    }
    this.weightCells = [];
    if (t.weight) {
      t.weight.forEach((plane, w0) => plane.forEach((k, w1) => k.forEach((row, ky) => row.forEach((_, kx) => {
        this.weightCells.push([w0, w1, ky, kx]);
      }))));
    }
    this.count = this.inputCells.length + this.weightCells.length;
    root.replaceChildren();
    root.classList.toggle("one-d", t.nd === 1);
    const grad = t.raw.grad;
    if (grad) this.build(grad);
    else {
      const loading = document.createElement("p");
      loading.className = "view-note";
      loading.textContent = ctx.t("view.gradients.loading");
      root.append(loading);
      // No grad_output in the link: ask for the backward pass of g = ones (the same layer).
      this.ready = ctx.fetchJson(`/api/trace?${ctx.query}&grad_output=ones&steps=0`)
        .then((raw) => { root.replaceChildren(); this.build(raw.grad); });
    }
  }

  /** Nested arrays in the input/output layout seen as [c][y][x] (1-D: one row). */
  rows(planes) {
    return this.t.nd === 1 ? planes.map((p) => [p]) : planes;
  }

  build(grad) {
    const t = this.t;
    const tr = this.ctx.t;
    this.grad = {
      output: this.rows(grad.output),
      input: this.rows(grad.input),
      weight: grad.weight && (t.nd === 1 ? grad.weight.map((p) => p.map((k) => [k])) : grad.weight),
      bias: grad.bias,
      target: grad.target && this.rows(grad.target),
      loss: grad.loss,
    };
    const view = document.createElement("div");
    view.className = "gradients-view";
    view.append(this.note(grad));
    if (this.grad.target) view.append(this.lossStage());
    const forward = stage("grad-forward", tr("view.gradients.stage.forward"));
    forward.append(this.planes("input", t.input, t.inChannels > 1, tr("view.gradients.x")));
    if (t.weight) forward.append(this.weightPlanes("kernel", t.weight, tr("view.gradients.w")));
    forward.append(arrow("←"));
    forward.append(this.planes("grad-output", this.grad.output, t.outChannels > 1, tr("view.gradients.g")));
    const backward = stage("grad-backward", tr("view.gradients.stage.backward"));
    backward.append(this.planes("grad-input", this.grad.input, t.inChannels > 1, tr("view.gradients.dx"), true));
    if (this.grad.weight) {
      backward.append(this.weightPlanes("grad-weight", this.grad.weight, tr("view.gradients.dw"), true));
    }
    view.append(forward, backward);
    if (this.grad.bias) {
      const bias = document.createElement("p");
      bias.className = "view-note grad-bias";
      bias.textContent = tr("view.gradients.bias", { values: this.grad.bias.map(fmt).join(", ") });
      view.append(bias);
    }
    this.root.append(view);
    if (this.cur >= 0) { const n = this.cur; this.cur = -1; this.showStep(n); }
  }

  /** Where g came from: y and t side by side, the loss, and (per step) g = 2·(y − t)/N. */
  lossStage() {
    const t = this.t;
    const tr = this.ctx.t;
    const box = stage("grad-loss", tr("view.gradients.stage.loss"));
    const multi = t.outChannels > 1;
    this.outputRows = this.rows(t.raw.output);
    this.cellCount = this.outputRows.length * this.outputRows[0].length * this.outputRows[0][0].length;
    box.append(this.planes("output", this.outputRows, multi, tr("view.gradients.y")));
    box.append(this.planes("target", this.grad.target, multi, tr("view.gradients.t")));
    const note = document.createElement("p");
    note.className = "view-note grad-loss-note";
    note.textContent = tr("view.gradients.loss", { n: this.cellCount, loss: fmt(this.grad.loss) });
    this.lossLine = document.createElement("p");
    this.lossLine.className = "view-note grad-loss-step";
    const wrap = document.createElement("div");
    wrap.className = "grad-loss-text";
    wrap.append(note, this.lossLine);
    box.append(wrap);
    return box;
  }

  /** g[o] = 2·(y[o] − t[o])/N, written out for the g cells of step n's terms (four at most). */
  lossCells(terms) {
    const seen = [...new Map(terms.map((x) => [x.g.join(","), x.g])).values()];
    if (!seen.length) return this.ctx.t("view.gradients.loss.none");
    const n = this.cellCount;
    const shown = seen.slice(0, 4).map(([o, y, x]) => {
      const yv = this.outputRows[o][y][x];
      const tv = this.grad.target[o][y][x];
      const gv = this.grad.output[o][y][x];
      const subtracted = tv < 0 ? `(${fmt(tv)})` : fmt(tv); // 4 − (−1), never 4 − −1
      return `g[${this.gKey([o, y, x])}] = 2·(${fmt(yv)} − ${subtracted})/${n} = ${fmt(gv)}`;
    });
    const more = seen.length > 4 ? `; … (${seen.length - 4})` : "";
    return this.ctx.t("view.gradients.loss.cells", { cells: shown.join("; ") + more });
  }

  note(grad) {
    const t = this.t;
    const tr = this.ctx.t;
    const p = document.createElement("p");
    p.className = "view-note";
    const kind = t.op === "max_pool" ? "max" : t.op === "avg_pool" ? "avg" : t.transposed ? "transposed" : "direct";
    p.textContent = `${tr("view.gradients.rule")} ${tr(`view.gradients.note.${kind}`)} `;
    const divisor = t.raw.config.divisor_override;
    if (divisor !== null && divisor !== undefined) {
      p.textContent += `${tr("view.gradients.note.divisor_override", { divisor })} `;
    }
    if (grad.twin) {
      const a = document.createElement("a");
      a.href = `/?${grad.twin}`;
      a.className = "grad-twin";
      a.textContent = tr("view.gradients.twin.link");
      p.append(a, " ");
    }
    if (!t.op.endsWith("pool")) {
      const learn = document.createElement("a");
      learn.href = "/learn?task=upsample2x";
      learn.className = "grad-learn";
      learn.textContent = tr("view.gradients.learn.link");
      p.append(learn);
    }
    return p;
  }

  /** One grid per channel of [c][y][x] planes; `pending` grids fill in as the steps pass. */
  planes(kind, planes, multi, name, pending = false) {
    const t = this.t;
    const box = document.createElement("div");
    box.className = `grad-planes ${kind}-planes`;
    planes.forEach((plane, c) => {
      const [h, w] = [plane.length, plane[0].length];
      const caption = multi ? this.ctx.t("view.gradients.channel", { name, c }) : name;
      const f = figure(caption, h, w, `${kind}-figure`, { explore: true, describedBy: this.ctx.keysId });
      f.grid.dataset.nd = String(t.nd);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const el = this.cell(kind, cellKey(t, multi, c, y, x), plane[y][x], pending);
          this.els[kind].set(`${c},${y},${x}`, el);
          f.row(y).append(el);
        }
      }
      tabStop(f.grid);
      this.figures.push(f);
      box.append(f.fig);
    });
    return box;
  }

  /** The weight (or its gradient), one grid per [w0][w1] kernel, cells "w0,w1,ky,kx". */
  weightPlanes(kind, weight, name, pending = false) {
    const t = this.t;
    const box = document.createElement("div");
    box.className = `grad-planes ${kind}-planes`;
    const many = weight.length * weight[0].length > 1;
    weight.forEach((filters, w0) => filters.forEach((k, w1) => {
      const caption = many ? this.ctx.t("view.gradients.kernel", { name, w0, w1 }) : name;
      const f = figure(caption, k.length, k[0].length, `${kind}-figure kernel-figure`,
        { explore: true, describedBy: this.ctx.keysId });
      f.grid.dataset.nd = String(t.nd);
      k.forEach((row, ky) => row.forEach((value, kx) => {
        const index = t.nd === 1 ? `${w0},${w1},${kx}` : `${w0},${w1},${ky},${kx}`;
        const el = this.cell(kind, index, value, pending);
        this.els[kind].set(`${w0},${w1},${ky},${kx}`, el);
        f.row(ky).append(el);
      }));
      tabStop(f.grid);
      this.figures.push(f);
      box.append(f.fig);
    }));
    return box;
  }

  cell(kind, index, value, pending) {
    const el = document.createElement("div");
    el.className = `cell ${kind === "kernel" ? "kcell" : kind === "input" ? "in" : "out"} g-${kind}`;
    el.dataset.grid = kind;
    el.dataset.index = index;
    el.dataset.value = String(value);
    if (!pending) this.write(el, value);
    named(el, this.name(kind, index, pending ? undefined : value));
    return el;
  }

  write(el, value) {
    const text = value === undefined ? "" : fmt(value);
    el.textContent = text;
    el.classList.toggle("long", sizeClass(text) === "long");
    el.classList.toggle("longer", sizeClass(text) === "longer");
  }

  name(kind, index, value) {
    const what = value === undefined ? this.ctx.t("value.pending") : this.ctx.t("value.is", { value: fmt(value) });
    return this.ctx.t("view.gradients.cell", { grid: this.label(kind), index, what });
  }

  label(kind) {
    return this.ctx.t({ input: "view.gradients.x", kernel: "view.gradients.w", "grad-output": "view.gradients.g",
      "grad-input": "view.gradients.dx", "grad-weight": "view.gradients.dw", output: "view.gradients.y",
      target: "view.gradients.t" }[kind]);
  }

  /** Step n: ["input", [c, y, x]] or ["weight", [w0, w1, ky, kx]]. */
  target(n) {
    return n < this.inputCells.length
      ? ["input", this.inputCells[n]]
      : ["weight", this.weightCells[n - this.inputCells.length]];
  }

  /** The first maximum of step s's window (PyTorch's choice): its input [c, y, x]. */
  firstMax(s) {
    const step = this.t.step(s);
    const at = step.taps.find(([[c, y, x]]) => this.t.input[c][y][x] === step.value);
    return at ? at[0].join(",") : null;
  }

  /** The terms an input cell collects: one per output cell it fed. */
  inputTerms([c, y, x]) {
    const t = this.t;
    const g = this.grad.output;
    // PyTorch's divisor per output cell (count_include_pad, ceil_mode), as the trace gives it
    const divisorAt = (oy, ox) => {
      const d = t.raw.divisor;
      if (!d) return t.kernelSize[0] * t.kernelSize[1];
      return t.nd === 1 ? d[ox] : d[oy][ox];
    };
    return t.feeds(c, y, x).map(({ step, output: [o, oy, ox], weight }) => {
      const gv = g[o][oy][ox];
      if (t.op === "max_pool") {
        const chosen = this.firstMax(step) === `${c},${y},${x}`;
        return { g: [o, oy, ox], gv, factor: chosen ? 1 : 0, text: chosen ? fmt(gv) : "0", other: null };
      }
      if (t.op === "avg_pool") {
        const divisor = divisorAt(oy, ox);
        return { g: [o, oy, ox], gv, factor: 1 / divisor, text: `${fmt(gv)}/${fmt(divisor)}`, other: null };
      }
      const wv = t.weightAt(weight);
      return { g: [o, oy, ox], gv, factor: wv, text: term(gv, wv), other: weight };
    });
  }

  /** Every tap that meets weight [w0, w1, ky, kx]: [{ g: [o, y, x], x: [c, iy, ix] }]. */
  weightTaps(key) {
    if (!this.byWeight) {
      this.byWeight = new Map();
      for (let s = 0; s < this.t.stepCount; s++) {
        const step = this.t.step(s);
        for (const [i, w] of step.taps) {
          const k = w.join(",");
          if (!this.byWeight.has(k)) this.byWeight.set(k, []);
          this.byWeight.get(k).push({ g: step.output, x: i });
        }
      }
    }
    return this.byWeight.get(key) || [];
  }

  weightTerms(w) {
    const g = this.grad.output;
    return this.weightTaps(w.join(",")).map(({ g: [o, y, x], x: [c, iy, ix] }) => {
      const gv = g[o][y][x];
      const xv = this.t.input[c][iy][ix];
      return { g: [o, y, x], gv, factor: xv, text: term(gv, xv), other: [c, iy, ix] };
    });
  }

  total(kind, index) {
    return kind === "input"
      ? this.grad.input[index[0]][index[1]][index[2]]
      : this.grad.weight[index[0]][index[1]][index[2]][index[3]];
  }

  key(kind, index) {
    const t = this.t;
    if (kind === "input") return cellKey(t, t.inChannels > 1, ...index);
    return t.nd === 1 ? [index[0], index[1], index[3]].join(",") : index.join(",");
  }

  gKey([o, y, x]) {
    return cellKey(this.t, this.t.outChannels > 1, o, y, x);
  }

  showStep(n) {
    if (!this.grad) { this.cur = n; return; }
    const cells = [...this.inputCells.map((i) => ["grad-input", i]), ...this.weightCells.map((w) => ["grad-weight", w])];
    const show = (i, on) => {
      const [kind, index] = cells[i];
      const el = this.els[kind].get(index.join(","));
      const value = on ? this.total(i < this.inputCells.length ? "input" : "weight", index) : undefined;
      this.write(el, value);
      el.classList.toggle("written", on);
      el.setAttribute("aria-label", this.name(kind, el.dataset.index, value));
    };
    if (n > this.cur) for (let i = Math.max(this.cur + 1, 0); i <= n; i++) show(i, true);
    else for (let i = n + 1; i <= this.cur; i++) show(i, false);
    this.cur = n;
    for (const el of this.marked) el.classList.remove("tap", "current");
    const [kind, index] = this.target(n);
    const own = this.els[kind === "input" ? "grad-input" : "grad-weight"].get(index.join(","));
    const marked = [own, ...this.contributors(kind, index)];
    own.classList.add("current");
    for (const el of marked.slice(1)) el.classList.add("tap");
    // the forward cell whose gradient this is: x[i] (input steps) or w[k] (weight steps)
    const self = this.els[kind === "input" ? "input" : "kernel"].get(index.join(","));
    self?.classList.add("current");
    this.marked = [...marked, self].filter(Boolean);
    if (this.grad.target) {
      // the y and t each of this step's g came from
      const terms = (kind === "input" ? this.inputTerms(index) : this.weightTerms(index))
        .filter((x) => !(x.factor === 0 && this.t.op === "max_pool"));
      const sources = terms.flatMap((x) => ["output", "target"].map((k) => this.els[k].get(x.g.join(","))));
      for (const el of sources.filter(Boolean)) el.classList.add("tap");
      this.marked.push(...sources.filter(Boolean));
      this.lossLine.textContent = this.lossCells(terms);
    }
  }

  /** The g cells and the weights (input gradient) or inputs (weight gradient) of a cell's terms. */
  contributors(kind, index) {
    const terms = kind === "input" ? this.inputTerms(index) : this.weightTerms(index);
    const found = [];
    for (const term of terms) {
      if (term.factor === 0 && this.t.op === "max_pool") continue;
      found.push(this.els["grad-output"].get(term.g.join(",")));
      if (term.other && kind === "input") found.push(this.els.kernel.get(term.other.join(",")));
      if (term.other && kind === "weight") found.push(this.els.input.get(term.other.join(",")));
      if (kind === "input" && !term.other) found.push(this.els.input.get(index.join(",")));
    }
    if (kind === "weight") found.push(this.els.kernel.get(index.join(",")));
    return found.filter(Boolean);
  }

  arithmetic(n) {
    if (!this.grad) return "";
    const [kind, index] = this.target(n);
    const terms = kind === "input" ? this.inputTerms(index) : this.weightTerms(index);
    const total = this.total(kind, index);
    const name = kind === "input" ? "dL/dX" : "dL/dW";
    const sum = listed(terms.map((x) => x.text), " + ") || "0";
    return `${name}[${this.key(kind, index)}] = ${sum} = ${fmt(total)}`;
  }

  status(n) {
    const [kind, index] = this.target(n);
    const value = this.grad ? fmt(this.total(kind, index)) : "…";
    return this.ctx.t(`view.gradients.status.${kind}`, {
      step: n + 1, count: this.count, index: this.key(kind, index), value,
    });
  }

  /** The step a cell of a gradient grid is collected in, or -1. */
  stepOfCell(el) {
    const grid = el.dataset.grid;
    const key = el.dataset.index;
    if (grid === "grad-input") return this.inputCells.findIndex((i) => this.key("input", i) === key);
    if (grid === "grad-weight") {
      const w = this.weightCells.findIndex((i) => this.key("weight", i) === key);
      return w < 0 ? -1 : this.inputCells.length + w;
    }
    return -1;
  }

  highlight(el) {
    this.clearHighlight();
    const n = this.stepOfCell(el);
    const lit = [el];
    if (n >= 0 && this.grad) {
      const [kind, index] = this.target(n);
      lit.push(...this.contributors(kind, index));
    }
    light(this, lit);
  }

  clearHighlight() {
    unlight(this);
  }

  describe(el) {
    const n = this.stepOfCell(el);
    const tr = this.ctx.t;
    if (n < 0 || !this.grad) {
      return tr("view.gradients.cell", { grid: this.label(el.dataset.grid), index: el.dataset.index,
        what: tr("value.is", { value: fmt(Number(el.dataset.value)) }) });
    }
    const [kind, index] = this.target(n);
    const terms = kind === "input" ? this.inputTerms(index) : this.weightTerms(index);
    return tr(`view.gradients.describe.${kind}`, {
      index: this.key(kind, index), count: terms.length,
      cells: listed(terms.map((x) => `g[${this.gKey(x.g)}]`)), value: fmt(this.total(kind, index)),
    });
  }

  explain(el) {
    const n = this.stepOfCell(el);
    return n >= 0 ? this.arithmetic(n) : null;
  }

  stages() {
    return stagesOf(this.root, this.figures);
  }

  destroy() {
    this.clearHighlight();
  }
}
