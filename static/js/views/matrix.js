// The matrix view (view=matrix): the layer as the matrix C of /api/matrix, with
// output.flatten() = C @ input.flatten() (+ bias). Row r is output cell rows[r] and its
// window; column j is input cell columns[j] and every output cell it feeds. For a
// transposed layer the API's matrix is Cᵀ, the transpose of its direct twin's C
// (Dumoulin & Visin 2016, §4.1: "transposed" convolution is named after exactly this).
//
// Drawn: C as a heat grid (zeros blank, weights coloured by sign and size), times the
// input as a column vector, equals the output as a column vector; below, the input and
// output grids. Linked both ways by hover, focus and the player (one row per step).
// Values and indices come from the API (/api/matrix and the trace); nothing is derived.

import { fetchMatrix } from "../api.js";
import { fmt } from "../trace.js";
import { t as stubT } from "./i18n-stub.js";
import { board, element, listed, neighbourIn, operator } from "./board.js";
import { feeds, ndindex, windowTaps } from "./taps.js";

const SELECTOR = "[data-grid=matrix], [data-grid=input], [data-grid=output], "
  + "[data-grid=input-vector], [data-grid=output-vector]";
const MAX_TERMS = 12;

/** "(−1)·3": a product as written in the sum. */
function term(w, x) {
  const paren = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  return `${paren(w)}·${paren(x)}`;
}

export default class MatrixView {
  constructor(root, trace, ctx = {}) {
    this.root = root;
    this.explorable = SELECTOR;
    this.t = ctx.t ?? stubT;
    const raw = trace.raw ?? trace;
    this.raw = raw;
    const config = raw.config;
    this.nd = config.input_size.length;
    this.multiIn = config.in_channels > 1;
    this.multiOut = config.out_channels > 1;
    this.outs = ndindex([config.out_channels, ...raw.output_size]); // row order of /api/matrix
    this.ins = ndindex([config.in_channels, ...config.input_size]); // column order
    this.count = this.outs.length;
    this.column = new Map(this.ins.map((i, j) => [i.join(","), j]));
    this.taps = this.outs.map((out) => windowTaps(raw, out));
    this.fed = feeds(this.outs.map((_, r) => r), (r) => this.taps[r]);
    this.nav = new Map(); // cell → [cells of its grid, row, column]
    this.lit = [];
    this.cur = -1;
    this.matrix = null;
    root.replaceChildren();
    this.view = element("div", "matrix-view");
    this.note = element("p", "view-note");
    this.note.textContent = this.t(config.transposed ? "view.matrix.note_transposed" : "view.matrix.note_direct");
    this.equation = element("div", "matrix-equation");
    this.equation.setAttribute("aria-busy", "true");
    this.equation.append(element("p", "view-wait", this.t("view.matrix.loading")));
    this.view.append(this.note, this.equation, this.valueGrids());
    root.append(this.view);
    this.abort = new AbortController();
    this.ready = fetchMatrix(ctx.query ?? raw.query, this.abort.signal)
      .then((result) => this.loaded(result), () => {});
  }

  /** Stop waiting for the matrix (the viewer loaded something else). */
  destroy() {
    this.abort.abort();
  }

  /** data-index of an input or output cell [c, …position]: channel first only when several. */
  key(index, multi) {
    return (multi ? index : index.slice(1)).join(",");
  }

  /** One grid per channel of the input and of the output (input → output). */
  valueGrids() {
    const raw = this.raw;
    const box = element("div", "matrix-grids");
    this.inputEls = new Map();
    this.outputEls = new Map();
    const side = (kind, values, channels, size, multi, els) => {
      const stage = element("div", `stage ${kind}-stage`);
      stage.setAttribute("role", "group");
      stage.setAttribute("aria-label", this.t(`view.matrix.${kind}`));
      const [h, w] = size.length === 1 ? [1, size[0]] : size;
      for (let c = 0; c < channels; c++) {
        const plane = size.length === 1 ? [values[c]] : values[c];
        const caption = multi ? this.t(`view.matrix.${kind}_channel`, { channel: c }) : this.t(`view.matrix.${kind}`);
        const { fig, cells } = board(caption, h, w, `${kind}-figure`, (y, x) => {
          const index = size.length === 1 ? [c, x] : [c, y, x];
          const el = element("div", kind === "input" ? "cell in" : "cell out", fmt(plane[y][x]));
          el.dataset.grid = kind;
          el.dataset.index = this.key(index, multi);
          el.setAttribute("aria-label", this.t(`view.matrix.${kind}_cell`,
            { index: el.dataset.index, value: fmt(plane[y][x]) }));
          els.set(index.join(","), el);
          return el;
        });
        for (const row of cells) for (const el of row) this.nav.set(el, cells);
        stage.append(fig);
      }
      return stage;
    };
    const config = raw.config;
    box.append(
      side("input", raw.input, config.in_channels, config.input_size, this.multiIn, this.inputEls),
      operator("→"),
      side("output", raw.output, config.out_channels, raw.output_size, this.multiOut,
        this.outputEls),
    );
    this.stepEls = this.outs.map((o) => this.outputEls.get(o.join(",")));
    return box;
  }

  loaded(result) {
    this.equation.removeAttribute("aria-busy");
    if (result.errors) {
      this.refused = true;
      const message = element("p", "view-refused", result.errors.map((e) => e.msg).join(" "));
      message.setAttribute("role", "alert");
      this.equation.classList.add("refused");
      this.equation.replaceChildren(message, element("p", "view-wait", this.t("view.matrix.refused_hint")));
      return;
    }
    this.matrix = result.matrix;
    this.drawEquation();
    const n = this.cur;
    this.cur = -1;
    if (n >= 0) this.showStep(n);
  }

  /** C · x = y: the heat grid, the input as a column vector, the output as a column vector. */
  drawEquation() {
    const { matrix, rows, columns } = this.matrix;
    const name = this.t(this.raw.config.transposed ? "view.matrix.name_transposed" : "view.matrix.name_direct");
    const biggest = Math.max(...matrix.flat().map(Math.abs), 1e-12);
    const m = board(this.t("view.matrix.caption", { name, rows: rows.length, columns: columns.length }),
      rows.length, columns.length, "matrix-figure", (r, j) => {
        const w = matrix[r][j];
        const el = element("div", `mcell ${w === 0 ? "zero" : w > 0 ? "pos" : "neg"}`);
        el.dataset.grid = "matrix";
        el.dataset.index = `${r},${j}`;
        if (w !== 0) {
          el.textContent = fmt(w);
          el.style.setProperty("--a", (Math.abs(w) / biggest).toFixed(3));
          if (Math.abs(w) / biggest > 0.55) el.classList.add("strong");
        }
        el.setAttribute("aria-label", this.t("view.matrix.matrix_cell", {
          row: r, column: j, value: fmt(w),
          output: this.key(rows[r], this.multiOut), input: this.key(columns[j], this.multiIn),
        }));
        return el;
      });
    this.matrixCells = m.cells;
    for (const row of m.cells) for (const el of row) this.nav.set(el, m.cells);
    const vector = (kind, values, name, multi, index) => board(this.t(`view.matrix.${name}`),
      values.length, 1, `${kind}-figure vector-figure`, (r) => {
        const el = element("div", kind === "input-vector" ? "cell in" : "cell out", fmt(values[r]));
        el.dataset.grid = kind;
        el.dataset.index = String(r);
        el.setAttribute("aria-label", this.t(`view.matrix.${kind.replace("-", "_")}_cell`,
          { position: r, index: this.key(index[r], multi), value: fmt(values[r]) }));
        return el;
      });
    this.x = this.matrix.input.flat(Infinity);
    this.y = this.matrix.output.flat(Infinity);
    const x = vector("input-vector", this.x, "input_vector", this.multiIn, columns);
    const y = vector("output-vector", this.y, "output_vector", this.multiOut, rows);
    for (const [v, name] of [[x, "input_vector"], [y, "output_vector"]]) {
      v.fig.title = this.t(`view.matrix.${name}_label`);
      v.fig.querySelector("[role=grid]").setAttribute("aria-label", v.fig.title);
    }
    this.xCells = x.cells.map(([el]) => el);
    this.yCells = y.cells.map(([el]) => el);
    for (const cells of [x.cells, y.cells]) for (const [el] of cells) this.nav.set(el, cells);
    this.equation.replaceChildren(m.fig, operator("×"), x.fig,
      operator(this.raw.bias ? "+ b =" : "="), y.fig);
    this.equation.setAttribute("role", "group");
    this.equation.setAttribute("aria-label", this.t("view.matrix.equation", { name }));
  }

  /** Row r's output cells (grid and y entry) and its window's input cells (grid and x entries). */
  rowCells(r) {
    const outputs = [this.stepEls[r]];
    const inputs = this.taps[r].map((i) => this.inputEls.get(i.join(",")));
    if (this.matrixCells) {
      outputs.push(this.yCells[r]);
      for (const i of this.taps[r]) inputs.push(this.xCells[this.column.get(i.join(","))]);
    }
    return { outputs, inputs: inputs.filter(Boolean) };
  }

  showStep(n) {
    for (const el of this.stepLit || []) el.classList.remove("tap", "current", "now");
    const written = (i, on) => {
      this.stepEls[i].classList.toggle("written", on);
      this.yCells?.[i].classList.toggle("written", on);
    };
    if (n > this.cur) {
      for (let i = Math.max(this.cur, 0); i <= n; i++) written(i, true);
    } else {
      for (let i = n + 1; i <= this.cur; i++) written(i, false);
    }
    const { outputs, inputs } = this.rowCells(n);
    for (const el of inputs) el.classList.add("tap");
    for (const el of outputs) el.classList.add("current");
    const row = this.matrixCells ? this.matrixCells[n] : [];
    for (const el of row) el.classList.add("now");
    this.stepLit = [...inputs, ...outputs, ...row];
    this.cur = n;
  }

  /** The sum of step n as C's row times x: only the row's non-zero entries, in column order. */
  arithmetic(n) {
    const where = this.key(this.outs[n], this.multiOut);
    if (!this.matrix) {
      const key = this.refused ? "view.matrix.arithmetic_refused" : "view.matrix.arithmetic_waiting";
      return this.t(key, { output: where, row: n, count: this.taps[n].length });
    }
    const row = this.matrix.matrix[n];
    const terms = [];
    row.forEach((w, j) => {
      if (w !== 0) terms.push(term(w, this.x[j]));
    });
    const bias = this.matrix.bias;
    if (bias) terms.push(fmt(bias[this.outs[n][0]]));
    const shown = terms.length > MAX_TERMS
      ? [...terms.slice(0, MAX_TERMS - 1), `… (${terms.length - MAX_TERMS + 1})`] : terms;
    const value = this.y[n];
    const name = this.t(this.raw.config.transposed ? "view.matrix.name_transposed"
      : "view.matrix.name_direct");
    return this.t("view.matrix.arithmetic", {
      output: where, row: n, name, sum: `${shown.join(" + ") || "0"} = ${fmt(value)}`,
      zeros: row.filter((w) => w === 0).length,
    });
  }

  status(n) {
    return this.t("view.matrix.status", {
      step: n + 1, count: this.count, row: n, output: this.key(this.outs[n], this.multiOut),
    });
  }

  /** The row (output cell) or column (input cell) a cell stands for. */
  meaning(el) {
    const [a, b] = el.dataset.index.split(",").map(Number);
    switch (el.dataset.grid) {
      case "matrix": return { row: a, column: b };
      case "output-vector": return { row: a };
      case "input-vector": return { column: a };
      case "output": return { row: this.stepEls.indexOf(el) };
      case "input": return { column: this.column.get(this.inputIndex(el)) };
      default: return {};
    }
  }

  inputIndex(el) {
    for (const [key, cell] of this.inputEls) if (cell === el) return key;
    return undefined;
  }

  /** Light what a cell touches: a row lights its output cell and window; a column its input
   * cell and every output cell it feeds. A matrix cell is both: its row lit, its column banded. */
  highlight(el) {
    this.clearHighlight();
    const { row, column } = this.meaning(el);
    const lit = [el];
    const band = [];
    if (row !== undefined && row >= 0) {
      const { outputs, inputs } = this.rowCells(row);
      lit.push(...outputs, ...inputs);
      if (this.matrixCells) band.push(...this.matrixCells[row]);
    }
    if (column !== undefined) {
      const input = this.ins[column];
      if (row === undefined) {
        lit.push(this.inputEls.get(input.join(",")));
        for (const r of this.fed.get(input.join(",")) || []) {
          lit.push(this.stepEls[r]);
          if (this.matrixCells) lit.push(this.yCells[r]);
        }
        if (this.matrixCells) lit.push(this.xCells[column]);
      }
      if (this.matrixCells) band.push(...this.matrixCells.map((cells) => cells[column]));
    }
    this.lit = lit.filter(Boolean);
    this.band = band;
    for (const x of this.lit) x.classList.add("hl");
    for (const x of band) x.classList.add("band");
    this.root.classList.add("exploring");
  }

  clearHighlight() {
    for (const x of this.lit) x.classList.remove("hl");
    for (const x of this.band || []) x.classList.remove("band");
    this.lit = [];
    this.band = [];
    this.root.classList.remove("exploring");
  }

  /** In words, for the status line: what a row reads, what a column feeds. */
  describe(el) {
    const { row, column } = this.meaning(el);
    const parts = [];
    if (row !== undefined && row >= 0) {
      const reads = this.taps[row].map((i) => `[${this.key(i, this.multiIn)}]`);
      parts.push(this.t("view.matrix.describe_row", {
        row, output: this.key(this.outs[row], this.multiOut), count: reads.length,
        inputs: listed(reads),
      }));
    }
    if (column !== undefined) {
      const input = this.ins[column];
      const outs = (this.fed.get(input.join(",")) || [])
        .map((r) => `[${this.key(this.outs[r], this.multiOut)}]`);
      parts.push(this.t("view.matrix.describe_column", {
        column, input: this.key(input, this.multiIn), count: outs.length, outputs: listed(outs),
      }));
    }
    return parts.join(" ");
  }

  /** The cell an arrow key moves to within the same grid; undefined if not a navigation key. */
  neighbour(el, key, ctrl = false) {
    const cells = this.nav.get(el);
    return cells ? neighbourIn(cells, el, key, ctrl) : undefined;
  }

  /** Grid sizes for fitting: the equation (C, x, y), then the input and output grids. */
  stages() {
    const config = this.raw.config;
    const rows = this.outs.length;
    const cols = this.ins.length;
    const grid = (size, channels) => Array.from({ length: channels },
      () => (size.length === 1 ? { rows: 1, cols: size[0] } : { rows: size[0], cols: size[1] }));
    const equation = [{ rows, cols }, { rows: cols, cols: 1 }, { rows, cols: 1 }];
    return [
      ...(this.refused ? [] : [equation]),
      [...grid(config.input_size, config.in_channels),
        ...grid(this.raw.output_size, config.out_channels)],
    ];
  }
}
