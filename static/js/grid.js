// Drawing the diagram: grids of cells drawn once, then per step only the cells that
// change get their classes toggled (a 64×64 input animates smoothly).
//
// Two pictures of a trace:
// - CanvasDiagram: the canvas (input, padding, inserted zeros) under a sliding kernel
//   window, writing the output one cell per step. For a transposed convolution this
//   is the zero-insertion view: inserted zeros, kernel rotated by 180°, stride 1.
// - ScatterDiagram (transposed only): each input cell multiplies the kernel and adds
//   it into a window of the output, overlaps accumulating.
//
// Input and output grids are ARIA grids (role grid > row > gridcell) for keyboard
// exploring: each is one tab stop (a roving tabindex, moved by viewer.js); every
// explorable cell carries its accessible name; navigation is computed here.

import {
  canvasCell, cellKey, feeds, fmt, inputChannelsOf, kernelOffset, kernelSlice,
  outputChannelsOf, stepOfOutput,
} from "./trace.js";

/** The one function that decides what a cell looks like: its classes, text and title. */
export function look(role, value) {
  switch (role) {
    case "input": return { cls: "cell in", text: fmt(value), title: `input ${fmt(value)}` };
    case "padding": return { cls: "cell pad", text: "", title: "padding (adds nothing)" };
    case "zero": return { cls: "cell zero", text: "", title: "inserted zero (adds nothing)" };
    case "real": return { cls: "cell real", text: "", title: "" };
    case "output": return { cls: "cell out", text: fmt(value), title: `output ${fmt(value)}` };
    case "kernel": return { cls: "kcell", text: fmt(value), title: `weight ${fmt(value)}` };
    default: throw new Error(`no look for ${role}`);
  }
}

function makeCell(role, grid, index, value) {
  const l = look(role, value);
  const el = document.createElement("div");
  el.className = l.text.length > 5 ? `${l.cls} longer` : l.text.length > 3 ? `${l.cls} long` : l.cls;
  el.dataset.grid = grid;
  el.dataset.index = index;
  if (l.title) el.title = `${l.title} · [${index}]`;
  if (l.text) el.textContent = l.text;
  return el;
}

/** The accessible name of an explorable cell: "input row 2, column 3, value 2". */
function cellName(kind, t, multi, c, y, x, value) {
  const channel = multi ? ` channel ${c},` : "";
  const where = t.nd === 1 ? ` position ${x}` : ` row ${y}, column ${x}`;
  return `${kind}${channel}${where}, value ${fmt(value)}`;
}

function named(el, name) {
  el.setAttribute("role", "gridcell");
  el.setAttribute("aria-label", name);
  return el;
}

let captions = 0;

/** A captioned grid; explorable ones are ARIA grids whose cells go into `row(y)`. */
function figure(caption, rows, cols, className, { explore = false } = {}) {
  const fig = document.createElement("figure");
  fig.className = `grid-figure ${className}`;
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  cap.id = `grid-caption-${++captions}`;
  const grid = document.createElement("div");
  grid.className = "grid";
  fig.style.setProperty("--rows", rows);
  fig.style.setProperty("--cols", cols);
  fig.append(cap, grid);
  let row = () => grid;
  if (explore) {
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", cap.id);
    grid.setAttribute("aria-describedby", "explore-keys");
    const made = [];
    row = (y) => {
      if (!made[y]) {
        made[y] = document.createElement("div");
        made[y].className = "grid-row";
        made[y].setAttribute("role", "row");
        grid.append(made[y]);
      }
      return made[y];
    };
  }
  return { fig, grid, rows, cols, row };
}

/** Make a grid's top-left explorable cell its one tab stop. */
function tabStop(grid) {
  const first = grid.querySelector("[data-grid=input], [data-grid=output]");
  if (first) first.tabIndex = 0;
}

/** Up to `most` items joined, then "… (n more)". */
function listed(items, most = 12) {
  return items.length > most
    ? `${items.slice(0, most - 1).join(", ")}, … (${items.length - most + 1} more)`
    : items.join(", ");
}

function stage(className, label) {
  const el = document.createElement("div");
  el.className = `stage ${className}`;
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", label);
  return el;
}

const at = (n) => `calc(var(--cell) * ${n})`;

function term(a, b) {
  const paren = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  return `${paren(a)}·${paren(b)}`;
}

const MAX_TERMS = 12;

function sumText(terms, total) {
  const shown = terms.length > MAX_TERMS
    ? [...terms.slice(0, MAX_TERMS - 1), `… (${terms.length - MAX_TERMS + 1} more)`]
    : terms;
  return `${shown.join(" + ") || "0"} = ${fmt(total)}`;
}

class Diagram {
  constructor(root, t) {
    this.root = root;
    this.t = t;
    this.multiIn = t.inChannels > 1;
    this.multiOut = t.outChannels > 1;
    this.cur = -1;
    this.figures = [];
    this.lit = [];
    root.replaceChildren();
    root.classList.toggle("one-d", t.nd === 1);
  }

  /** One explorable grid per channel of `planes` ("input" or "output"), each cell named;
   * returns the cells by "c,y,x" (row-major, channel first) and the figures. */
  valueGrids(kind, planes, multi, [h, w], parent) {
    const t = this.t;
    const els = new Map();
    const figs = [];
    planes.forEach((plane, c) => {
      const f = figure(multi ? `${kind} channel ${c}` : kind, h, w, `${kind}-figure`,
        { explore: true });
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const value = plane[y][x];
          const el = makeCell(kind, kind, cellKey(t, multi, c, y, x), value);
          named(el, cellName(kind, t, multi, c, y, x, value));
          els.set(`${c},${y},${x}`, el);
          f.row(y).append(el);
        }
      }
      tabStop(f.grid);
      parent.append(f.fig);
      this.figures.push(f);
      figs.push(f.fig);
    });
    return { els, figs };
  }

  outputGrids(parent) {
    const t = this.t;
    const { els, figs } = this.valueGrids("output", t.output, this.multiOut, t.outputSize, parent);
    this.outputEls = els;
    this.outputFigures = figs;
  }

  markOutputChannel(o) {
    this.outputFigures.forEach((fig, i) => fig.classList.toggle("current", i === o));
  }

  inputEl(c, y, x) {
    return this.inputEls.get(`${c},${y},${x}`);
  }

  /** [channel, y, x] of an input or output cell, from its data-index. */
  position(el) {
    const index = el.dataset.index.split(",").map(Number);
    const multi = el.dataset.grid === "output" ? this.multiOut : this.multiIn;
    const c = multi ? index[0] : 0;
    const rest = multi ? index.slice(1) : index;
    return this.t.nd === 1 ? [c, 0, rest[0]] : [c, ...rest];
  }

  /** Light what a hovered, focused or pinned cell touches; remembers what it lit. */
  highlight(el) {
    this.clearHighlight();
    const grid = el.dataset.grid;
    const t = this.t;
    const lit = [el];
    if (grid === "output") {
      const step = stepOfOutput(t).get(this.position(el).join(","));
      if (step === undefined) return;
      for (const [i] of t.steps[step].taps) lit.push(this.inputEl(...i));
      lit.push(...this.windowCells(step));
    } else if (grid === "input") {
      for (const { step } of feeds(t).get(this.position(el).join(",")) || []) {
        lit.push(this.outputEls.get(t.steps[step].output.join(",")));
      }
    } else {
      return;
    }
    this.lit = lit.filter(Boolean);
    for (const x of this.lit) x.classList.add("hl");
    this.root.classList.add("exploring");
  }

  clearHighlight() {
    for (const x of this.lit) x.classList.remove("hl");
    this.lit = [];
    this.root.classList.remove("exploring");
  }

  windowCells() {
    return [];
  }

  /** In words, what a cell reads from (output) or feeds (input): for the aria-live status. */
  describe(el) {
    const t = this.t;
    const [c, y, x] = this.position(el);
    if (el.dataset.grid === "output") {
      const step = t.steps[stepOfOutput(t).get(`${c},${y},${x}`)];
      if (!step) return `output[${cellKey(t, this.multiOut, c, y, x)}].`;
      const taps = step.taps.map(([i]) => `[${cellKey(t, this.multiIn, ...i)}]`);
      const reads = taps.length
        ? `reads ${taps.length} input cell${taps.length === 1 ? "" : "s"}: ${listed(taps)}`
        : "reads only padding";
      return `output[${cellKey(t, this.multiOut, c, y, x)}] = ${fmt(step.value)} ${reads}.`;
    }
    const outs = (feeds(t).get(`${c},${y},${x}`) || [])
      .map(({ step }) => `[${cellKey(t, this.multiOut, ...t.steps[step].output)}]`);
    const fed = outs.length
      ? `feeds ${outs.length} output cell${outs.length === 1 ? "" : "s"}: ${listed(outs)}`
      : "feeds no output cell (no window reaches it)";
    return `input[${cellKey(t, this.multiIn, c, y, x)}] = ${fmt(t.input[c][y][x])} ${fed}.`;
  }

  /** The explorable cell that a navigation key moves to from `el`; undefined if not one. */
  neighbour(el, key, ctrl = false) {
    const [c, y, x] = this.position(el);
    const output = el.dataset.grid === "output";
    const [y0, y1, x0, x1] = output
      ? [0, this.t.outputSize[0] - 1, 0, this.t.outputSize[1] - 1]
      : this.inputBounds();
    const PAGE = 5;
    let [ny, nx] = [y, x];
    switch (key) {
      case "ArrowUp": ny -= 1; break;
      case "ArrowDown": ny += 1; break;
      case "ArrowLeft": nx -= 1; break;
      case "ArrowRight": nx += 1; break;
      case "PageUp": ny -= PAGE; break;
      case "PageDown": ny += PAGE; break;
      case "Home": nx = x0; if (ctrl) ny = y0; break;
      case "End": nx = x1; if (ctrl) ny = y1; break;
      default: return undefined;
    }
    ny = Math.min(Math.max(ny, y0), y1);
    nx = Math.min(Math.max(nx, x0), x1);
    const next = (output ? this.outputEls : this.inputEls).get(`${c},${ny},${nx}`);
    return next || el;
  }

  /** [y0, y1, x0, x1]: the input indices drawn (a transposed canvas may crop some). */
  inputBounds() {
    if (!this._inputBounds) {
      const b = [Infinity, -Infinity, Infinity, -Infinity];
      for (const key of this.inputEls.keys()) {
        const [, y, x] = key.split(",").map(Number);
        b[0] = Math.min(b[0], y); b[1] = Math.max(b[1], y);
        b[2] = Math.min(b[2], x); b[3] = Math.max(b[3], x);
      }
      this._inputBounds = b;
    }
    return this._inputBounds;
  }

  /** Grid sizes, for fitting the cell size to the room there is. */
  layout() {
    return this.figures.map((f) => ({ rows: f.rows, cols: f.cols }));
  }

  /** Grid sizes by stage (input, [kernel,] output). */
  stages() {
    return [...this.root.querySelectorAll(".stage")].map((stageEl) => this.figures
      .filter((f) => stageEl.contains(f.fig)).map((f) => ({ rows: f.rows, cols: f.cols })));
  }
}

export class CanvasDiagram extends Diagram {
  constructor(root, t) {
    super(root, t);
    const [ch, cw] = t.canvas.size;
    const [kh, kw] = t.kernelSize;
    this.count = t.steps.length;
    this.inputEls = new Map();
    this.canvasEls = [];
    this.overlays = [];
    this.inputFigures = [];
    const unused = t.nd === 1 ? [[], t.raw.unused_input[0] || []] : t.raw.unused_input;
    const isUnused = (iy, ix) => unused[0]?.includes(iy) || unused[1]?.includes(ix);
    const inStage = stage("in-stage", "input");
    for (let c = 0; c < t.inChannels; c++) {
      const name = t.transposed ? "input, zeros inserted, padded" : "input";
      const f = figure(this.multiIn ? `${name}, channel ${c}` : name, ch, cw, "input-figure",
        { explore: true });
      const cells = [];
      for (let cy = 0; cy < ch; cy++) {
        const row = [];
        for (let cx = 0; cx < cw; cx++) {
          const what = canvasCell(t, cy, cx);
          const key = cellKey(t, this.multiIn, c, cy, cx);
          const el = makeCell(what.kind === "input" ? "real" : what.kind, "canvas", key);
          if (what.kind === "input") {
            el.setAttribute("role", "none");
            const value = t.input[c][what.iy][what.ix];
            const inner = makeCell("input", "input", cellKey(t, this.multiIn, c, what.iy, what.ix),
              value);
            named(inner, cellName("input", t, this.multiIn, c, what.iy, what.ix, value));
            this.inputEls.set(`${c},${what.iy},${what.ix}`, inner);
            if (isUnused(what.iy, what.ix)) {
              inner.classList.add("unused");
              inner.title += " · never reached by any window";
            }
            el.append(inner);
          } else {
            named(el, what.kind === "zero" ? "inserted zero" : "padding");
          }
          row.push(el);
          f.row(cy).append(el);
        }
        cells.push(row);
      }
      this.canvasEls.push(cells);
      const overlay = document.createElement("div");
      overlay.className = "kernel";
      overlay.hidden = true;
      overlay.setAttribute("aria-hidden", "true");
      const kcells = [];
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const [dy, dx] = kernelOffset(t, ky, kx);
          const el = makeCell("kernel", "kernel", cellKey(t, this.multiIn, c, ky, kx), 0);
          el.style.left = at(dx);
          el.style.top = at(dy);
          el.dataset.offset = t.nd === 1 ? `${dx}` : `${dy},${dx}`;
          kcells.push({ el, ky, kx });
          overlay.append(el);
        }
      }
      f.grid.append(overlay);
      tabStop(f.grid);
      this.overlays.push({ el: overlay, kcells });
      inStage.append(f.fig);
      this.figures.push(f);
      this.inputFigures.push(f.fig);
    }
    const arrow = document.createElement("div");
    arrow.className = "arrow";
    arrow.setAttribute("aria-hidden", "true");
    arrow.textContent = "→";
    const outStage = stage("out-stage", "output");
    this.outputGrids(outStage);
    this.stepEls = t.steps.map((s) => this.outputEls.get(s.output.join(",")));
    root.append(inStage, arrow, outStage);
    this.curOut = -1;
  }

  showStep(n) {
    const t = this.t;
    const step = t.steps[n];
    for (const el of this.taps || []) el.classList.remove("tap");
    this.taps = step.taps.map(([i]) => this.inputEl(...i)).filter(Boolean);
    for (const el of this.taps) el.classList.add("tap");
    if (n > this.cur) {
      for (let i = Math.max(this.cur, 0); i <= n; i++) this.stepEls[i].classList.add("written");
    } else {
      for (let i = n + 1; i <= this.cur; i++) this.stepEls[i].classList.remove("written");
    }
    if (this.cur >= 0) this.stepEls[this.cur].classList.remove("current");
    this.stepEls[n].classList.add("current");
    const o = step.output[0];
    if (o !== this.curOut) this.switchOutputChannel(o);
    const [ay, ax] = step.anchor;
    const anchor = t.raw.steps[n].anchor.join(",");
    for (const c of this.activeChannels) {
      const overlay = this.overlays[c].el;
      overlay.style.transform = `translate(${at(ax)}, ${at(ay)})`;
      overlay.dataset.anchor = anchor;
    }
    this.cur = n;
  }

  switchOutputChannel(o) {
    const t = this.t;
    this.curOut = o;
    this.activeChannels = inputChannelsOf(t, o);
    this.overlays.forEach(({ el, kcells }, c) => {
      const active = this.activeChannels.includes(c);
      el.hidden = !active;
      this.inputFigures[c].classList.toggle("current", active);
      if (!active) return;
      const slice = kernelSlice(t, o, c);
      for (const { el: k, ky, kx } of kcells) {
        const w = slice[ky][kx];
        k.textContent = fmt(w);
        k.title = `weight ${fmt(w)} · [${k.dataset.index}]`;
      }
    });
    this.markOutputChannel(o);
  }

  /** Canvas cells under the window of step n (padding and zeros included). */
  windowCells(n) {
    const t = this.t;
    const step = t.steps[n];
    const [kh, kw] = t.kernelSize;
    const cells = [];
    for (const c of inputChannelsOf(t, step.output[0])) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const [dy, dx] = kernelOffset(t, ky, kx);
          cells.push(this.canvasEls[c][step.anchor[0] + dy]?.[step.anchor[1] + dx]);
        }
      }
    }
    return cells;
  }

  /** The arithmetic of step n: "3·1 + 0·2 + … + bias 1 = 7". */
  arithmetic(n) {
    const t = this.t;
    const step = t.steps[n];
    const terms = step.taps.map(([i, w]) => term(t.input[i[0]][i[1]][i[2]],
      t.weight[w[0]][w[1]][w[2]][w[3]]));
    if (t.bias) terms.push(`bias ${fmt(t.bias[step.output[0]])}`);
    const where = cellKey(t, this.multiOut, ...step.output);
    const padded = step.taps.length < t.kernelSize[0] * t.kernelSize[1]
      * inputChannelsOf(t, step.output[0]).length;
    const skipped = t.transposed ? "inserted zeros and padding add" : "padding adds";
    const note = padded ? ` (${skipped} nothing)` : "";
    return `output[${where}] = ${sumText(terms, step.value)}${note}`;
  }

  status(n) {
    const step = this.t.steps[n];
    return `Step ${n + 1} of ${this.count}: output[${cellKey(this.t, this.multiOut,
      ...step.output)}] = ${fmt(step.value)}`;
  }
}

export class ScatterDiagram extends Diagram {
  constructor(root, t) {
    super(root, t);
    const [kh, kw] = t.kernelSize;
    const inStage = stage("in-stage", "input");
    this.inputEls = this.valueGrids("input", t.input, this.multiIn, t.inputSize, inStage).els;
    this.order = [...this.inputEls.keys()].map((k) => k.split(",").map(Number));
    this.count = this.order.length;
    const times = document.createElement("div");
    times.className = "arrow";
    times.setAttribute("aria-hidden", "true");
    times.textContent = "×";
    const kStage = stage("kernel-stage", "kernel");
    this.kernelCells = [];
    for (let o = 0; o < t.outChannels; o++) {
      const f = figure(this.multiOut ? `kernel for output ${o}` : "kernel", kh, kw,
        "kernel-figure");
      const cells = [];
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const el = makeCell("kernel", "kernel", cellKey(t, this.multiOut, o, ky, kx), 0);
          el.classList.add("cell");
          cells.push({ el, ky, kx });
          f.grid.append(el);
        }
      }
      this.kernelCells.push({ fig: f.fig, cells });
      kStage.append(f.fig);
      this.figures.push(f);
    }
    const arrow = times.cloneNode(true);
    arrow.textContent = "→";
    const outStage = stage("out-stage", "output");
    this.outputGrids(outStage);
    this.outList = [...this.outputEls.values()];
    this.outIndex = new Map([...this.outputEls.keys()].map((k, i) => [k, i]));
    const map = feeds(t);
    this.contributions = this.order.map(([c, y, x]) => {
      const value = t.input[c][y][x];
      return (map.get(`${c},${y},${x}`) || []).map(({ step, weight: w }) => {
        const out = t.steps[step].output;
        const weight = t.weight[w[0]][w[1]][w[2]][w[3]];
        return { out: this.outIndex.get(out.join(",")), weight, add: value * weight };
      });
    });
    const start = [...this.outputEls.keys()].map((k) => (t.bias ? t.bias[Number(k.split(",")[0])] : 0));
    this.start = start;
    root.append(inStage, times, kStage, arrow, outStage);
    this.curIn = -1;
  }

  showStep(n) {
    const t = this.t;
    if (n < this.cur || this.cur < 0) {
      this.sums = Float64Array.from(this.start);
      this.touched = new Uint32Array(this.outList.length);
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
    const update = all ? this.outList.keys() : changed;
    for (const i of update) {
      const el = this.outList[i];
      el.textContent = fmt(this.sums[i]);
      el.classList.toggle("written", this.touched[i] > 0);
    }
    for (const el of this.fed || []) {
      el.classList.remove("tap");
      delete el.dataset.w;
    }
    this.fed = this.contributions[n].map(({ out, weight }) => {
      const el = this.outList[out];
      el.dataset.w = fmt(weight);
      return el;
    });
    for (const el of this.fed) el.classList.add("tap");
    if (this.currentEl) this.currentEl.classList.remove("current");
    this.currentEl = this.inputEl(...this.order[n]);
    this.currentEl.classList.add("current");
    const c = this.order[n][0];
    if (c !== this.curIn) this.switchInputChannel(c);
    this.cur = n;
  }

  switchInputChannel(c) {
    const t = this.t;
    this.curIn = c;
    const outs = outputChannelsOf(t, c);
    this.kernelCells.forEach(({ fig, cells }, o) => {
      const active = outs.includes(o);
      fig.classList.toggle("current", active);
      const slice = kernelSlice(t, o, outs.includes(o) ? c : inputChannelsOf(t, o)[0]);
      for (const { el, ky, kx } of cells) el.textContent = fmt(slice[ky][kx]);
    });
    this.figures.slice(0, t.inChannels).forEach((f, i) => f.fig.classList.toggle("current", i === c));
  }

  arithmetic(n) {
    const [c, y, x] = this.order[n];
    const value = this.t.input[c][y][x];
    const where = cellKey(this.t, this.multiIn, c, y, x);
    const parts = this.contributions[n].map(({ out, weight }) =>
      `output[${this.outList[out].dataset.index}] += ${term(value, weight)} → ${fmt(this.sums[out])}`);
    const shown = parts.length > MAX_TERMS
      ? [...parts.slice(0, MAX_TERMS - 1), `… (${parts.length - MAX_TERMS + 1} more)`]
      : parts;
    return `input[${where}] = ${fmt(value)} times the kernel: ${shown.join("; ") || "lands only on cropped cells"}`;
  }

  status(n) {
    const [c, y, x] = this.order[n];
    return `Step ${n + 1} of ${this.count}: input[${cellKey(this.t, this.multiIn, c, y, x)}] `
      + `scatters into ${this.contributions[n].length} output cells`;
  }
}

/** Fit the cell size to the room: all grids in a row, one stage per row, or one grid per row. */
export function fitCells(root, diagram, { maxCell = 48, height = window.innerHeight * 0.7 } = {}) {
  const width = Math.max(root.clientWidth, 200);
  const grids = diagram.layout ? diagram.layout() : diagram.stages().flat();
  const stages = diagram.stages();
  const GAP = 30;
  const across = (gs) => Math.floor((width - GAP * gs.length) / gs.reduce((s, g) => s + g.cols, 0));
  const tall = (gs) => Math.max(...gs.map((g) => g.rows));
  const CAPTION = 40; // a grid's caption and the gap below it
  const high = (rows, count) => (height - CAPTION * count) / rows;
  const options = [
    Math.min(across(grids), high(tall(grids), 1)),
    Math.min(...stages.map(across), high(stages.reduce((s, gs) => s + tall(gs), 0), stages.length)),
    Math.min(...grids.map((g) => across([g])), high(grids.reduce((s, g) => s + g.rows, 0), grids.length)),
  ].map((c) => Math.floor(Math.min(c, maxCell)));
  const cell = Math.max(4, options.find((c) => c >= 20) ?? Math.max(...options));
  root.style.setProperty("--cell", `${cell}px`);
  root.classList.toggle("no-text", cell < 18);
  root.classList.toggle("no-weights", cell < 30);
  return cell;
}
