// The im2col view (view=im2col): how a framework really computes the layer, as one dense
// matrix product (GET /api/im2col; SPEC.md "im2col"). Direct: the weight matrix
// (out × in·Πk) times the patch matrix (F.unfold: a row per input channel and kernel
// position, a column per window) is the output, flattened. Transposed: the weight matrix
// ((out·Πk) × in) times the input flattened gives each input cell's scaled kernel as a
// column, and col2im (F.fold) adds the columns onto the output, overlaps adding up.
//
// Linked to the grids: a column lights its window on the input (transposed: the output
// cells its kernel lands on); a row lights one kernel position's cell in every window.
// One step per column. Which input or output cell a (row, column) entry stands for is read
// from the trace's taps, never derived here.

import { fetchMatrix } from "../api.js";
import { arrow, figure, stage, tabStop } from "../cells.js";
import { cellKey, fmt } from "../trace.js";
import { ValueGrids, light } from "./common.js";

export default class Im2colView extends ValueGrids {
  constructor(root, trace, ctx) {
    super(root, trace, ctx);
    const t = trace;
    const tr = ctx.t;
    const [ih, iw] = t.inputSize;
    const [oh, ow] = t.outputSize;
    this.count = t.transposed ? ih * iw : oh * ow; // one step per column of the product
    const note = document.createElement("p");
    note.className = "view-note";
    note.textContent = tr(t.transposed ? "im2col.note.transposed" : "im2col.note.direct");
    const link = document.createElement("a");
    link.className = "im2col-matrix-link";
    link.href = `${location.pathname}?${ctx.query}&view=matrix`;
    link.textContent = tr("im2col.link.matrix");
    note.append(" ", link);
    this.memory = document.createElement("p");
    this.memory.className = "view-note im2col-memory";
    this.equation = document.createElement("div");
    this.equation.className = "matrix-equation im2col-equation";
    this.equation.setAttribute("aria-busy", "true");
    const inStage = stage("in-stage", tr("stage.input"));
    this.inputEls = this.valueGrids("input", t.input, this.multiIn, t.inputSize, inStage).els;
    const outStage = stage("out-stage", tr("stage.output"));
    this.outputGrids(outStage);
    const grids = document.createElement("div");
    grids.className = "matrix-grids";
    grids.append(inStage, arrow(t.transposed ? "col2im →" : "→"), outStage);
    const view = document.createElement("div");
    view.className = "matrix-view im2col-view";
    view.append(note, this.memory, this.equation, grids);
    root.append(view);
    this.abort = new AbortController();
    this.ready = fetchMatrix(ctx.query, this.abort.signal, "im2col").then((r) => this.loaded(r), () => {});
  }

  loaded(result) {
    const tr = this.ctx.t;
    this.equation.removeAttribute("aria-busy");
    if (result.errors) {
      const p = document.createElement("p");
      p.className = "view-refused";
      p.setAttribute("role", "alert");
      p.textContent = result.errors.map((e) => e.msg).join(" ");
      this.equation.replaceChildren(p);
      return;
    }
    const g = (this.gemm = result.matrix);
    const { input_cells: cells, matrix_cells: big } = g.memory;
    this.memory.textContent = tr("im2col.memory", {
      input: cells, cells: big, ratio: fmt(Math.round((big / cells) * 10) / 10),
    });
    this.cellsOf = this.entryCells();
    const w = this.matrixFigure("wmatrix", tr("im2col.weight"), g.weight_matrix);
    const x = this.matrixFigure("patch", tr(this.t.transposed ? "im2col.input" : "im2col.patch"), g.input_matrix);
    const p = this.matrixFigure("product", tr(this.t.transposed ? "im2col.product.transposed" : "im2col.product"), g.product);
    this.equation.replaceChildren(w.fig, arrow("·"), x.fig, arrow("="), p.fig);
    this.mats = { wmatrix: w, patch: x, product: p };
    this.root.dispatchEvent(new Event("convscope:resize", { bubbles: true }));
  }

  /** A dense matrix as an explorable grid: data-index "row,column". */
  matrixFigure(kind, caption, rows) {
    const f = figure(caption, rows.length, rows[0].length, `matrix-figure ${kind}-figure`,
      { explore: true, describedBy: this.ctx.keysId });
    const els = [];
    rows.forEach((row, r) => {
      const line = [];
      row.forEach((v, c) => {
        const el = document.createElement("div");
        el.className = `cell mcell${v === 0 ? " zero" : ""}`;
        el.dataset.grid = kind;
        el.dataset.index = `${r},${c}`;
        el.textContent = v === 0 ? "" : fmt(v);
        el.setAttribute("role", "gridcell");
        el.setAttribute("aria-label", `${caption} [${r}, ${c}] = ${fmt(v)}`);
        f.row(r).append(el);
        line.push(el);
      });
      els.push(line);
    });
    tabStop(f.grid);
    this.figures.push(f);
    return { ...f, els };
  }

  /** For every (row, column) of the patch matrix (transposed: of the product), the grid
   * cell it stands for, read from the trace: direct, the input cell that window reads at
   * that kernel position (none on padding); transposed, the output cell that input cell's
   * kernel position lands on. Keys "row,column" → element. */
  entryCells() {
    const t = this.t;
    const g = this.gemm;
    const rowOf = new Map(g.rows.map((r, i) => [r.join(","), i]));
    const innerOf = new Map(g.inner.map((r, i) => [r.join(","), i]));
    const found = new Map();
    const position = (p) => (t.nd === 1 ? [0, p[0]] : p);
    if (!t.transposed) {
      g.columns.forEach((col, j) => {
        const [y, x] = position(col);
        for (const [i, w] of t.step(t.stepOf(0, y, x)).taps) {
          // the patch row of (input channel, kernel position): w = [w0, w1, ky, kx]
          const k = t.nd === 1 ? [w[3]] : [w[2], w[3]];
          const r = innerOf.get([i[0], ...k].join(","));
          if (r !== undefined) found.set(`${r},${j}`, this.inputEls.get(i.join(",")));
        }
      });
    } else {
      g.columns.forEach((col, j) => {
        const [iy, ix] = position(col);
        for (let c = 0; c < t.inChannels; c++) {
          for (const { output, weight } of t.feeds(c, iy, ix)) {
            const k = t.nd === 1 ? [weight[3]] : [weight[2], weight[3]];
            const r = rowOf.get([output[0], ...k].join(","));
            if (r !== undefined) found.set(`${r},${j}`, this.outputEls.get(output.join(",")));
          }
        }
      });
    }
    return found;
  }

  /** Grid cells of column j (its window; transposed, where its kernel lands) and, for a
   * direct layer, the output cells it writes. */
  columnCells(j) {
    const t = this.t;
    const rows = t.transposed ? this.gemm.product.length : this.gemm.input_matrix.length;
    const cells = [];
    for (let r = 0; r < rows; r++) cells.push(this.cellsOf.get(`${r},${j}`));
    if (!t.transposed) {
      const [y, x] = t.nd === 1 ? [0, this.gemm.columns[j][0]] : this.gemm.columns[j];
      for (let o = 0; o < t.outChannels; o++) cells.push(this.outputEls.get(`${o},${y},${x}`));
    } else {
      const [iy, ix] = t.nd === 1 ? [0, this.gemm.columns[j][0]] : this.gemm.columns[j];
      for (let c = 0; c < t.inChannels; c++) cells.push(this.inputEls.get(`${c},${iy},${ix}`));
    }
    return cells.filter(Boolean);
  }

  showStep(n) {
    this.cur = n;
    if (!this.gemm) return;
    for (const el of this.stepLit || []) el.classList.remove("tap", "current");
    const lit = this.columnCells(n);
    for (const m of [this.mats.patch, this.mats.product]) {
      for (const line of m.els) if (line[n]) lit.push(line[n]);
    }
    this.stepLit = lit;
    for (const el of lit) el.classList.add("tap");
    this.mats.product.els.forEach((line) => line[n]?.classList.add("current"));
  }

  highlight(el) {
    const kind = el.dataset.grid;
    if (!["patch", "product", "wmatrix"].includes(kind) || !this.gemm) {
      super.highlight(el);
      return;
    }
    this.clearHighlight();
    const [r, c] = el.dataset.index.split(",").map(Number);
    const lit = [el];
    const entryRows = this.t.transposed ? "product" : "patch";
    if (kind === entryRows || kind === "product") {
      // a column: its window; a row: one kernel position in every window
      lit.push(...this.columnCells(c));
      if (kind === entryRows) {
        this.mats[entryRows].els[r].forEach((_, j) => lit.push(this.cellsOf.get(`${r},${j}`)));
      }
    } else {
      // weight row: the output (channel or channel·kernel position) it makes
      this.mats.product.els[r]?.forEach((e) => lit.push(e));
    }
    light(this, lit);
  }

  describe(el) {
    const kind = el.dataset.grid;
    if (!["patch", "product", "wmatrix"].includes(kind)) return super.describe(el);
    const [r, c] = el.dataset.index.split(",").map(Number);
    const g = this.gemm;
    const name = { wmatrix: g.weight_matrix, patch: g.input_matrix, product: g.product }[kind];
    return this.ctx.t(`im2col.describe.${kind}`, {
      row: r, column: c, value: fmt(name[r][c]),
      window: (g.columns[c] || []).join(","), kernel: (g.inner[r] || g.rows[r] || []).join(","),
    });
  }

  arithmetic(n) {
    const t = this.t;
    if (!this.gemm) return "";
    const where = (this.gemm.columns[n] || []).join(",");
    return this.ctx.t(t.transposed ? "im2col.step.transposed" : "im2col.step", {
      column: n, where, count: this.gemm.product.length,
    });
  }

  status(n) {
    return this.ctx.t("im2col.status", { n: n + 1, count: this.count, column: n });
  }

  destroy() {
    this.abort.abort();
    super.destroy();
  }
}
