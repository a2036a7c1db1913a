// The volume view: a 3-D layer (Conv3d, ConvTranspose3d, MaxPool3d, AvgPool3d; SPEC.md
// "3-D") drawn as rows of depth slices. The canvas of each input channel is a row of
// slices z = 0…D−1 (padding and inserted zeros included), the kernel a row of kD slices,
// the output a row of slices per output channel. A step lights the kernel's window on
// every slice its depth window covers, so one window reads across several slices.
// Exploring: each channel's volume is one ARIA grid; the arrows move within a slice,
// PageUp/PageDown move one slice in depth (z), Home/End to the row's ends.
// Reads the trace from readVolume (static/js/trace.js); no geometry is derived here.

import { arrow, listed, makeCell, named, sizeClass, stage, sumText, term } from "../cells.js";
import { fmt } from "../trace.js";
import { light, unlight } from "./common.js";
import { volumeBox, valueVolumes, volumeNeighbour, writeVolumeUpTo } from "./slices.js";

const key = (multi, c, p) => (multi ? [c, ...p] : p).join(",");

export default class VolumeView {
  constructor(root, trace, ctx) {
    this.root = root;
    this.t = trace;
    this.ctx = ctx;
    root.replaceChildren(); // the view shown before (matrix, overlap…) leaves nothing behind
    const t = trace;
    const tr = ctx.t;
    this.count = t.stepCount;
    this.pool = t.op !== "conv";
    this.multiIn = t.inChannels > 1;
    this.multiOut = t.outChannels > 1;
    this.grids = [];
    this.canvasEls = []; // [c] → Map "cz,cy,cx" → canvas cell
    this.inputEls = new Map(); // "c,iz,iy,ix" → input cell
    this.outputEls = new Map(); // "o,z,y,x" → output cell
    this.lit = [];
    this.windowLit = [];
    const [cd, ch, cw] = t.canvas.size;
    const inStage = stage("in-stage volume-stage", tr("stage.input"));
    for (let c = 0; c < t.inChannels; c++) {
      const name = this.multiIn ? tr("caption.channel", { name: tr("caption.canvas"), c }) : tr("caption.canvas");
      const { box, slice } = this.volume(name, "input", cd, ch, cw);
      const cells = new Map();
      for (let cz = 0; cz < cd; cz++) {
        const rows = slice(cz, tr("volume.slice", { z: cz }));
        for (let cy = 0; cy < ch; cy++) {
          for (let cx = 0; cx < cw; cx++) rows(cy).append(this.canvasCell(cells, c, cz, cy, cx));
        }
      }
      this.canvasEls.push(cells);
      inStage.append(box);
    }
    const parts = [inStage];
    if (!this.pool) parts.push(arrow("⊛"), this.kernelStage());
    parts.push(arrow("→"), this.outputStage());
    const keys = document.createElement("p");
    keys.className = "hint volume-keys";
    keys.textContent = tr("explore.keys.depth");
    root.append(...parts, keys);
    root.querySelectorAll("[role=grid]").forEach((g) => {
      const first = g.querySelector("[role=gridcell][data-index]");
      if (first) first.tabIndex = 0;
    });
    this.curOut = -1;
    this.cur = -1;
  }

  /** One channel's volume: a captioned box holding one ARIA grid of depth slices. */
  volume(caption, kind, depth, rows, cols, explore = true) {
    return volumeBox(this, caption, kind, depth, rows, cols, explore);
  }

  canvasCell(cells, c, cz, cy, cx) {
    const t = this.t;
    const tr = this.ctx.t;
    const what = t.canvasCell(cz, cy, cx);
    let el;
    if (what.kind === "input") {
      const value = t.input[c][what.i[0]][what.i[1]][what.i[2]];
      el = makeCell("input", "input", key(this.multiIn, c, what.i), value);
      named(el, tr("volume.cell", {
        kind: tr("grid.input"), channel: this.multiIn ? tr("where.channel", { c }) : "",
        z: what.i[0], y: what.i[1], x: what.i[2], value: fmt(value),
      }));
      this.inputEls.set([c, ...what.i].join(","), el);
    } else if (what.kind === "copy") {
      const value = t.input[c][what.i[0]][what.i[1]][what.i[2]];
      el = makeCell("padding", "canvas", [cz, cy, cx].join(","));
      el.classList.add("copy");
      el.textContent = fmt(value);
      el.title = tr("cell.copy", {
        value: fmt(value), index: key(this.multiIn, c, what.i), mode: t.raw.config.padding_mode,
      });
    } else {
      el = makeCell(what.kind, "canvas", [cz, cy, cx].join(","));
    }
    cells.set(`${cz},${cy},${cx}`, el);
    return el;
  }

  kernelStage() {
    const t = this.t;
    const tr = this.ctx.t;
    const kStage = stage("kernel-stage volume-stage", tr("stage.kernel"));
    const [kd, kh, kw] = t.kernelSize;
    this.kernelCells = [];
    for (let s = 0; s < t.readChannels(0).length; s++) {
      const { box, slice } = this.volume(tr("caption.kernel"), "kernel", kd, kh, kw, false);
      const cells = [];
      for (let kz = 0; kz < kd; kz++) {
        const rows = slice(kz, tr("volume.slice.kernel", { z: kz }));
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const el = makeCell("kernel", "kernel", "", 0);
            rows(ky).append(el);
            cells.push(el);
          }
        }
      }
      this.kernelCells.push({ box, cells });
      kStage.append(box);
    }
    if (t.flipped) {
      const note = document.createElement("p");
      note.className = "rotated";
      note.textContent = tr("kernel.rotated");
      kStage.append(note);
    }
    return kStage;
  }

  outputStage() {
    const t = this.t;
    const tr = this.ctx.t;
    const outStage = stage("out-stage volume-stage", tr("stage.output"));
    const { els, list, positions } = valueVolumes(this, "output", t.outChannels, this.multiOut,
      t.outputSize, outStage, (o, [z, y, x]) => {
        const el = makeCell("output", "output", key(this.multiOut, o, [z, y, x]));
        named(el, tr("volume.cell", {
          kind: tr("grid.output"), channel: this.multiOut ? tr("where.channel", { c: o }) : "",
          z, y, x, value: tr("value.pending"),
        }));
        return el;
      });
    this.outputEls = els;
    this.outputList = list; // in step order: channel, then z, y, x
    this.outputPositions = positions;
    return outStage;
  }

  writeUpTo(n) {
    writeVolumeUpTo(this, n);
  }

  /** The canvas cells under step n's window, every slice its depth window covers. */
  windowCells(n) {
    const t = this.t;
    const step = t.step(n);
    const [kd, kh, kw] = t.kernelSize;
    const cells = [];
    for (const [c] of t.readChannels(step.output[0])) {
      for (let kz = 0; kz < kd; kz++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const off = t.kernelAt([kz, ky, kx]);
            const at = step.anchor.map((a, d) => a + off[d]).join(",");
            const el = this.canvasEls[c].get(at);
            if (el) cells.push(el);
          }
        }
      }
    }
    return cells;
  }

  showStep(n) {
    const t = this.t;
    const step = t.step(n);
    for (const el of this.windowLit) el.classList.remove("win", "tap");
    const taps = step.taps.map(([i]) => this.inputEls.get(i.join(","))).filter(Boolean);
    const under = this.windowCells(n);
    this.windowLit = [...under, ...taps];
    for (const el of under) el.classList.add("win");
    for (const el of taps) el.classList.add("tap");
    // slices the window reaches, lit as a whole (the depth window)
    for (const s of this.reached || []) s.classList.remove("reached");
    this.reached = new Set(under.map((el) => el.closest(".slice")));
    for (const s of this.reached) s.classList.add("reached");
    const [o] = step.output;
    if (o !== this.curOut) this.switchOutputChannel(o);
    this.writeUpTo(n);
    this.cur = n;
  }

  switchOutputChannel(o) {
    const t = this.t;
    this.curOut = o;
    if (!this.kernelCells) return;
    t.readChannels(o).forEach(([, w0, w1], s) => {
      const entry = this.kernelCells[s];
      if (!entry) return;
      const [kd, kh, kw] = t.kernelSize;
      let i = 0;
      for (let kz = 0; kz < kd; kz++) {
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            const w = fmt(t.weightAt([w0, w1, kz, ky, kx]));
            const el = entry.cells[i++];
            el.textContent = w;
            el.className = `cell kcell ${sizeClass(w)}`.trim();
          }
        }
      }
    });
  }

  position(el) {
    const p = el.dataset.index.split(",").map(Number);
    const multi = el.dataset.grid === "output" ? this.multiOut : this.multiIn;
    return multi ? p : [0, ...p];
  }

  highlight(el) {
    this.clearHighlight();
    const t = this.t;
    const [c, z, y, x] = this.position(el);
    const lit = [el];
    if (el.dataset.grid === "output") {
      const n = t.stepOf(c, z, y, x);
      for (const [i] of t.step(n).taps) lit.push(this.inputEls.get(i.join(",")));
      lit.push(...this.windowCells(n));
    } else if (el.dataset.grid === "input") {
      for (const out of t.feeds(c, z, y, x)) lit.push(this.outputEls.get(out.join(",")));
    }
    light(this, lit);
  }

  clearHighlight() {
    unlight(this);
  }

  describe(el) {
    const t = this.t;
    const tr = this.ctx.t;
    const [c, z, y, x] = this.position(el);
    if (el.dataset.grid === "output") {
      const step = t.step(t.stepOf(c, z, y, x));
      return tr("volume.describe.output", { index: el.dataset.index, count: step.taps.length });
    }
    return tr("volume.describe.input", { index: el.dataset.index, count: t.feeds(c, z, y, x).length });
  }

  neighbour(cell, keyName) {
    return volumeNeighbour(cell, keyName);
  }

  arithmetic(n) {
    const t = this.t;
    const step = t.step(n);
    const where = key(this.multiOut, step.output[0], step.output.slice(1));
    const values = step.taps.map(([i]) => t.input[i[0]][i[1]][i[2]][i[3]]);
    if (t.op === "max_pool") return `output[${where}] = max(${listed(values.map(fmt))}) = ${fmt(step.value)}`;
    if (t.op === "avg_pool") {
      const [, z, y, x] = step.output;
      const divisor = t.raw.divisor ? t.raw.divisor[z][y][x] : t.kernelSize.reduce((a, b) => a * b, 1);
      const override = t.raw.config.divisor_override;
      const why = override !== null && override !== undefined
        ? ` ${this.ctx.t("note.divisor_override", { divisor: override })}` : "";
      return `output[${where}] = (${listed(values.map(fmt), " + ") || "0"}) / ${fmt(divisor)} = ${fmt(step.value)}${why}`;
    }
    const terms = step.taps.map(([, w], k) => term(values[k], t.weightAt(w)));
    if (t.bias) terms.push(this.ctx.t("sum.bias", { value: fmt(t.bias[step.output[0]]) }));
    return `output[${where}] = ${sumText(terms, step.value)}`;
  }

  status(n) {
    const step = this.t.step(n);
    return this.ctx.t("status.step", {
      n: n + 1, count: this.count, where: key(this.multiOut, step.output[0], step.output.slice(1)),
      value: fmt(step.value),
    });
  }

  stages() {
    return [this.grids];
  }

  destroy() {
    this.clearHighlight();
  }
}
