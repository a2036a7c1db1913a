// The matrix view (view=matrix): the layer as the matrix of /api/matrix, with
// output.flatten() = C @ input.flatten() (+ bias). Row r is output cell rows[r] and its
// window; column j is input cell columns[j] and every output cell it feeds. For a
// transposed layer the API's matrix is Cᵀ, the transpose of its direct twin's C
// (Dumoulin & Visin 2016, §4: the "transposed" convolution is named after exactly this).
//
// Drawn: the matrix as a heat grid (zeros blank, weights coloured by sign and size),
// times the input as a column vector, equals the output as a column vector; below, the
// input and output grids. Linked both ways by hover, focus and the player (one row per
// step). Values come from /api/matrix, windows from the trace; nothing is derived here.
// A 3-D layer (Conv3d, ConvTranspose3d, AvgPool3d) flattens channel, then z, y, x, as
// PyTorch does; its input and output are drawn as the volume view draws them (rows of
// depth slices, slices.js), and a row or column lights its cells in the slices.

import { fetchMatrix } from "../api.js";
import { arrow, figure, listed, makeCell, named, stage, tabStop, term, writeNumber } from "../cells.js";
import { neighbour } from "../explore.js";
import { cellKey, fmt } from "../trace.js";
import { ValueGrids, light } from "./common.js";
import { valueVolumes, volumeNeighbour, writeVolumeUpTo } from "./slices.js";

// The smallest cell the equation shrinks to in order to fit the window's height: its
// numbers stay legible (10 px text and more, views.css); a taller matrix scrolls instead.
const LEGIBLE = 24;

export default class MatrixView extends ValueGrids {
  constructor(root, trace, ctx) {
    super(root, trace, ctx);
    const t = trace;
    const tr = ctx.t;
    this.count = t.stepCount; // step n writes row n: /api/matrix orders rows as the steps
    this.name = tr(t.transposed ? "view.matrix.name.transposed" : "view.matrix.name.direct");
    const note = document.createElement("p");
    note.className = "view-note";
    note.textContent = tr(t.transposed ? "view.matrix.note.transposed" : "view.matrix.note.direct");
    if (t.raw.twin) {
      // The same kernel's other matrix, one click away: C ↔ Cᵀ (the twin's share link).
      const flip = document.createElement("a");
      flip.className = "matrix-flip";
      flip.href = `${location.pathname}?${t.raw.twin}&view=matrix`; // / or /embed, as here
      flip.textContent = tr(t.transposed ? "view.matrix.flip.transposed" : "view.matrix.flip.direct");
      note.append(" ", flip);
    }
    this.equation = document.createElement("div");
    this.equation.className = "matrix-equation";
    this.equation.setAttribute("aria-busy", "true");
    this.equation.append(this.paragraph("view-wait", tr("view.matrix.loading")));
    const inStage = stage("in-stage", tr("stage.input"));
    const outStage = stage("out-stage", tr("stage.output"));
    if (t.nd === 3) {
      this.volumes(inStage, outStage);
    } else {
      this.inputEls = this.valueGrids("input", t.input, this.multiIn, t.inputSize, inStage).els;
      this.outputGrids(outStage);
    }
    const grids = document.createElement("div");
    grids.className = "matrix-grids";
    grids.append(inStage, arrow("→"), outStage);
    this.view = document.createElement("div");
    this.view.className = "matrix-view";
    this.gridsEl = grids;
    this.view.append(note, this.equation, grids);
    root.append(this.view);
    // The view fits the screen (issue 21): C·x = y beside the grids where the width allows,
    // and a box that scrolls when taller than what the screen leaves (current row in view).
    this.resized = new ResizeObserver(() => this.fitHeight());
    this.resized.observe(this.view);
    this.abort = new AbortController();
    this.ready = fetchMatrix(ctx.query, this.abort.signal).then((r) => this.loaded(r), () => {});
  }

  /** 3-D: the input and output as rows of depth slices (slices.js), cells "c,z,y,x". */
  volumes(inStage, outStage) {
    const t = this.t;
    const tr = this.ctx.t;
    this.grids = []; // volume sizes for fitting (volumeBox adds one per volume)
    inStage.classList.add("volume-stage");
    outStage.classList.add("volume-stage");
    const name = (kind, multi, c, [z, y, x], value) => tr("volume.cell", {
      kind: tr(`grid.${kind}`), channel: multi ? tr("where.channel", { c }) : "", z, y, x, value,
    });
    this.inputEls = valueVolumes(this, "input", t.inChannels, this.multiIn, t.inputSize, inStage,
      (c, p) => {
        const value = t.input[c][p[0]][p[1]][p[2]];
        const el = makeCell("input", "input", this.keyOf(this.multiIn, [c, ...p]), value);
        return named(el, name("input", this.multiIn, c, p, fmt(value)));
      }).els;
    const out = valueVolumes(this, "output", t.outChannels, this.multiOut, t.outputSize, outStage,
      (o, p) => named(makeCell("output", "output", this.keyOf(this.multiOut, [o, ...p])),
        name("output", this.multiOut, o, p, tr("value.pending"))));
    this.outputEls = out.els;
    this.outputList = out.list;
    this.outputPositions = out.positions;
    this.outputFigures = out.boxes;
  }

  /** The data-index of a cell at [c, ...position]: the channel only when there are several. */
  keyOf(multi, [c, ...p]) {
    return this.t.nd === 3 ? (multi ? [c, ...p] : p).join(",") : cellKey(this.t, multi, c, ...p);
  }

  writeUpTo(n) {
    if (this.t.nd === 3) writeVolumeUpTo(this, n);
    else super.writeUpTo(n);
  }

  /** Volumes move across depth with PageUp/PageDown; the matrix and vectors as any grid. */
  neighbour(cell, key, ctrl) {
    if (cell.closest("[role=grid]")?.dataset.nd === "3") return volumeNeighbour(cell, key);
    return neighbour(cell, key, ctrl);
  }

  paragraph(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  loaded(result) {
    this.equation.removeAttribute("aria-busy");
    if (result.errors) {
      this.refused = true;
      const message = this.paragraph("view-refused", result.errors.map((e) => e.msg).join(" "));
      message.setAttribute("role", "alert");
      this.equation.classList.add("refused");
      this.equation.replaceChildren(message,
        this.paragraph("view-wait", this.ctx.t("view.matrix.refused")));
      return;
    }
    this.matrix = result.matrix;
    this.x = this.matrix.input.flat(Infinity);
    this.y = this.matrix.output.flat(Infinity);
    this.drawEquation();
  }

  /** The column of input cell [c, …position] (the input flattened: channel, then row-major;
   * in 3-D channel, then z, y, x). */
  columnOf([c, ...p]) {
    return this.t.inputSize.reduce((at, size, d) => at * size + p[d], c);
  }

  /** The input cell [c, …position] of column j (columnOf's inverse). */
  cellOfColumn(j) {
    const p = [];
    let rest = j;
    for (const size of [...this.t.inputSize].reverse()) {
      p.unshift(rest % size);
      rest = Math.floor(rest / size);
    }
    return [rest, ...p];
  }

  /** A captioned ARIA grid of rows × cols cells made by make(r, c). */
  board(caption, rows, cols, className, make) {
    const f = figure(caption, rows, cols, className,
      { explore: true, describedBy: this.ctx.keysId });
    const cells = [];
    for (let r = 0; r < rows; r++) {
      cells.push([]);
      for (let c = 0; c < cols; c++) {
        const el = make(r, c, f.cell(r, c)); // an element, or a painted cell in a big grid
        el.setAttribute("role", "gridcell");
        cells[r].push(el);
        f.row(r).append(el);
      }
    }
    tabStop(f.grid);
    return { ...f, cells };
  }

  /** Fit the equation into what the window's height leaves for it, so the whole view fits:
   * below the diagram's top on a wide screen (the page at its top), the whole window on a
   * phone (scrolled to). The note, and the grids when they wrap below, keep their size.
   * First the equation's cells shrink, down to a size whose numbers stay legible (LEGIBLE);
   * below that its box scrolls (captions sticky, the current row kept in view). */
  fitHeight() {
    const box = this.equation;
    if (!this.matrixCells) return;
    const top = window.innerWidth < 600 ? 8
      : Math.min(this.view.getBoundingClientRect().top + window.scrollY, window.innerHeight / 2);
    const gap = parseFloat(getComputedStyle(this.view).rowGap) || 0;
    const note = this.view.firstElementChild;
    // the grids wrapped below the equation (narrow), or beside it
    const wrapped = this.gridsEl.offsetTop >= box.offsetTop + box.offsetHeight - 4;
    const below = wrapped ? this.gridsEl.offsetHeight + gap : 0;
    const room = Math.max(Math.floor(window.innerHeight - top - 8 - note.offsetHeight - gap - below), 180);
    const cell = parseFloat(getComputedStyle(this.root).getPropertyValue("--cell")) || LEGIBLE;
    const caption = this.equationFigures[0].fig.querySelector("figcaption")?.offsetHeight || 0;
    const tall = Math.max(this.matrixCells.length, this.xCells.length);
    const fits = Math.floor((room - caption - 12) / tall);
    const scaled = fits >= cell || cell <= LEGIBLE ? "" : `${Math.max(fits, LEGIBLE)}px`;
    if (box.style.getPropertyValue("--cell") !== scaled) box.style.setProperty("--cell", scaled);
    if (box.style.maxHeight !== `${room}px`) box.style.maxHeight = `${room}px`;
    this.keepRowInView(this.cur);
  }

  /** Scroll the equation's box (never the page) so that row n of the matrix shows. */
  keepRowInView(n) {
    const box = this.equation;
    if (!this.matrixCells || n < 0 || box.scrollHeight <= box.clientHeight + 1) return;
    const grid = this.equationFigures[0].grid;
    const rows = this.matrixCells.length;
    const within = grid.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    const height = grid.getBoundingClientRect().height / rows;
    const rowTop = within + n * height;
    const caption = this.equationFigures[0].fig.querySelector("figcaption")?.offsetHeight || 0;
    if (rowTop - caption < box.scrollTop || rowTop + height > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, rowTop - (box.clientHeight - height) / 2);
    }
  }

  /** The matrix · x = y, each a grid; x and y as column vectors ("r,0" indices). */
  drawEquation() {
    const tr = this.ctx.t;
    const { matrix, rows, columns } = this.matrix;
    const biggest = matrix.reduce((m, row) => row.reduce((a, w) => Math.max(a, Math.abs(w)), m), 0) || 1;
    const index = (position, multi) => (multi ? position : position.slice(1)).join(",");
    const m = this.board(tr("view.matrix.caption", { name: this.name, rows: rows.length,
      columns: columns.length }), rows.length, columns.length, "matrix-figure", (r, j, el) => {
      const w = matrix[r][j];
      // literal class names: 50,000 painted cells look up the same three strings (dense.js)
      el.className = w === 0 ? "mcell zero" : w > 0 ? "mcell pos" : "mcell neg";
      el.dataset.grid = "matrix";
      el.dataset.index = `${r},${j}`;
      if (w !== 0) {
        writeNumber(el, w); // 1/9 → ".111", the full value on hover
        if (el.textContent.length > 3) el.classList.add("long");
        el.style.setProperty("--a", (Math.abs(w) / biggest).toFixed(3));
      }
      // Short names (up to 65,536 cells): focus says the rest (describe(): its row and column).
      el.setAttribute("aria-label", el.lazy ? () => fmt(w) : fmt(w));
      return el;
    });
    const vector = (kind, values, names) => this.board(tr(`view.matrix.${kind}`), values.length, 1,
      `matrix-vector ${kind}-figure`, (r, _, el) => {
        el.className = kind === "x" ? "cell in" : "cell out";
        el.dataset.grid = kind === "x" ? "input-vector" : "output-vector";
        el.dataset.index = `${r},0`;
        if (kind === "x") el.textContent = fmt(values[r]);
        el.setAttribute("aria-label", tr(`view.matrix.${kind}.cell`,
          { entry: r, index: index(names[r], kind === "x" ? this.multiIn : this.multiOut) }));
        return el;
      });
    const x = vector("x", this.x, columns);
    const y = vector("y", this.y, rows);
    const about = this.t.nd === 3 ? ".about.3d" : ".about";
    for (const [v, kind] of [[x, "x"], [y, "y"]]) {
      v.fig.title = tr(`view.matrix.${kind}${about}`);
      v.grid.setAttribute("aria-description", v.fig.title);
    }
    this.matrixCells = m.cells;
    this.xCells = x.cells.map(([el]) => el);
    this.yCells = y.cells.map(([el]) => el);
    this.equationFigures = [m, x, y];
    this.equation.replaceChildren(m.fig, arrow("×"), x.fig, arrow(this.t.bias ? "+ b =" : "="), y.fig);
    this.equation.setAttribute("role", "group");
    this.equation.setAttribute("aria-label", tr("view.matrix.equation", { name: this.name }));
  }

  /** Row r's output cells (grid and y) and its window's input cells (grid and x). */
  rowCells(r) {
    const taps = this.t.step(r).taps.map(([i]) => i);
    const outputs = [this.outputList[r]];
    const inputs = taps.map((i) => this.inputEls.get(i.join(",")));
    if (this.matrixCells) {
      outputs.push(this.yCells[r]);
      inputs.push(...taps.map((i) => this.xCells[this.columnOf(i)]));
    }
    return { outputs, inputs };
  }

  /** Column j's input cells (grid and x) and the output cells it feeds (grid and y). */
  columnCells(j) {
    const t = this.t;
    const where = this.cellOfColumn(j); // 1-D is one row: [c, 0, x]
    // readVolume's feeds are output positions, readTrace's { step, … }
    const steps = t.feeds(...where).map((f) => (t.nd === 3 ? t.stepOf(...f) : f.step));
    const inputs = [this.inputEls.get(where.join(","))];
    const outputs = steps.map((n) => this.outputList[n]);
    if (this.matrixCells) {
      inputs.push(this.xCells[j]);
      outputs.push(...steps.map((n) => this.yCells[n]));
    }
    return { inputs, outputs, steps, where };
  }

  showStep(n) {
    for (const el of this.stepLit || []) el.classList.remove("tap", "now");
    const before = this.cur;
    this.writeUpTo(n);
    if (this.yCells) {
      const write = (i, on) => {
        this.yCells[i].classList.toggle("written", on);
        this.yCells[i].textContent = on ? fmt(this.y[i]) : "";
      };
      if (n > before) for (let i = Math.max(before + 1, 0); i <= n; i++) write(i, true);
      else for (let i = n + 1; i <= before; i++) write(i, false);
      if (before >= 0) this.yCells[before]?.classList.remove("current");
      this.yCells[n].classList.add("current");
    }
    const { inputs } = this.rowCells(n);
    const row = this.matrixCells ? this.matrixCells[n] : [];
    for (const el of inputs) el?.classList.add("tap");
    for (const el of row) el.classList.add("now");
    this.stepLit = [...inputs, ...row].filter(Boolean);
    this.markOutputChannel(this.t.step(n).output[0]);
    this.cur = n;
    this.keepRowInView(n);
  }

  /** Step n as row n times x: the row's non-zero entries only, in column order. */
  arithmetic(n) {
    const tr = this.ctx.t;
    const output = this.keyOf(this.multiOut, this.t.step(n).output);
    if (!this.matrix) {
      const key = this.refused ? "view.matrix.arithmetic.refused" : "view.matrix.arithmetic.waiting";
      return tr(key, { output, row: n, count: this.t.step(n).taps.length });
    }
    const row = this.matrix.matrix[n];
    const terms = [];
    row.forEach((w, j) => {
      if (w !== 0) terms.push(term(w, this.x[j]));
    });
    if (this.t.bias) terms.push(fmt(this.t.bias[this.t.step(n).output[0]]));
    const zeros = row.length - row.filter((w) => w !== 0).length;
    const sum = tr("view.matrix.arithmetic", {
      output, row: n, name: this.name, sum: `${listed(terms, " + ") || "0"} = ${fmt(this.y[n])}`,
    });
    return zeros ? `${sum} ${tr("view.matrix.zeros", { count: zeros })}` : sum;
  }

  status(n) {
    return this.ctx.t("view.matrix.status", {
      step: n + 1, count: this.count, row: n,
      output: this.keyOf(this.multiOut, this.t.step(n).output),
    });
  }

  /** The row (an output cell) and/or column (an input cell) a cell stands for. */
  meaning(el) {
    const [a, b] = el.dataset.index.split(",").map(Number);
    switch (el.dataset.grid) {
      case "matrix": return { row: a, column: b };
      case "output-vector": return { row: a };
      case "input-vector": return { column: a };
      case "output": return { row: this.t.stepOf(...this.position(el)) };
      case "input": return { column: this.columnOf(this.position(el)) };
      default: return {};
    }
  }

  /** A row lights its output cell and window; a column its input cell and all it feeds. A
   * matrix cell stands for its row, and marks its column. */
  highlight(el) {
    this.clearHighlight();
    const { row, column } = this.meaning(el);
    const lit = [el];
    if (row !== undefined) {
      const { outputs, inputs } = this.rowCells(row);
      lit.push(...outputs, ...inputs);
      if (this.matrixCells) this.bands.push(...this.matrixCells[row].map((c) => [c, "band-row"]));
    } else if (column !== undefined) {
      const { outputs, inputs } = this.columnCells(column);
      lit.push(...outputs, ...inputs);
    }
    if (column !== undefined && this.matrixCells) {
      this.bands.push(...this.matrixCells.map((cells) => [cells[column], "band-column"]));
    }
    light(this, lit);
    for (const [e, cls] of this.bands) e.classList.add(cls);
  }

  clearHighlight() {
    super.clearHighlight();
    for (const [e, cls] of this.bands || []) e.classList.remove(cls);
    this.bands = [];
  }

  describe(el) {
    const tr = this.ctx.t;
    const { row, column } = this.meaning(el);
    const parts = [];
    if (row !== undefined) {
      const reads = this.t.step(row).taps.map(([i]) => `[${this.keyOf(this.multiIn, i)}]`);
      parts.push(tr("view.matrix.row", {
        row, output: this.keyOf(this.multiOut, this.t.step(row).output),
        count: reads.length, inputs: listed(reads),
      }));
    }
    if (column !== undefined) {
      const { steps, where } = this.columnCells(column);
      const outs = steps.map((n) => `[${this.keyOf(this.multiOut, this.t.step(n).output)}]`);
      parts.push(tr("view.matrix.column", {
        column, input: this.keyOf(this.multiIn, where), count: outs.length,
        outputs: listed(outs),
      }));
    }
    return parts.join(" ");
  }

  explain(el) {
    const { row } = this.meaning(el);
    return row === undefined ? null : this.arithmetic(row);
  }

  /** Grid sizes for fitting: the equation (matrix, x, y), then the input and output grids. */
  stages() {
    const rows = this.count;
    const cols = this.t.inChannels * this.t.inputSize.reduce((a, b) => a * b, 1);
    // The equation is one line that never wraps (row r of the matrix beside y_r): one
    // "grid" for fitting, as wide as the matrix, x, y and two columns for × and =, as tall
    // as the taller of the matrix and x (two more columns: the brackets and gaps).
    // At most 16 rows count for the height: a taller equation fits itself (fitHeight).
    const equation = this.refused ? [] : [[{ rows: Math.min(Math.max(rows, cols), 16), cols: cols + 6 }]];
    const grids = this.t.nd === 3 ? this.grids : this.figures.map((f) => ({ rows: f.rows, cols: f.cols }));
    return [...equation, grids];
  }

  destroy() {
    this.abort.abort();
    this.resized.disconnect();
    for (const f of this.equationFigures || []) f.dense?.destroy();
    super.destroy();
  }
}
