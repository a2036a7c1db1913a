// What the canvas and scatter views share: channel grids bracketed by group, the output
// written step by step (its value told to screen readers only once computed), and
// exploring (what a cell reads or feeds, in words and lit up).

import {
  cellName, figure, groupBox, listed, named, sizeClass, tabStop, writeNumber,
} from "../cells.js";
import { cellKey, fmt } from "../trace.js";

/** Why no window reads input cell (iy, ix): "floor" (the last window stops before it:
 * the stride does not divide evenly), "dilation" (inside a window's span, between its
 * taps) or "stride" (between two windows). A reading of the trace's anchors. */
export function windowReason(t, iy, ix) {
  const reasons = [];
  [[0, iy], [1, ix]].forEach(([d, i]) => {
    if (!t.unused[d].has(i)) return;
    const c = t.canvas.origin[d] + i * t.canvas.step[d];
    const span = t.dilation[d] * (t.kernelSize[d] - 1);
    const anchors = [];
    const n = t.outputSize[d];
    for (let k = 0; k < n; k++) {
      const step = d === 0 ? t.step(t.stepOf(0, k, 0)) : t.step(t.stepOf(0, 0, k));
      anchors.push(step.anchor[d]);
    }
    if (c > Math.max(...anchors) + span) reasons.push("floor");
    else if (anchors.some((a) => c >= a && c <= a + span)) reasons.push("dilation");
    else reasons.push("stride");
  });
  return reasons[0] || "floor";
}

/** Light the cells an explored cell touches (`.hl`, nulls skipped) and mark the view as
 * being explored; `unlight` undoes it. Every view's highlight/clearHighlight ends here. */
export function light(view, cells) {
  view.lit = cells.filter(Boolean);
  for (const e of view.lit) e.classList.add("hl");
  view.root.classList.add("exploring");
}

export function unlight(view) {
  for (const e of view.lit) e.classList.remove("hl");
  view.lit = [];
  view.root.classList.remove("exploring");
}

/** The sizes of a view's grids, stage by stage (what the Viewer fits to the width): each
 * `.stage` of `root` with the { rows, cols } of the figures it holds. */
export function stagesOf(root, figures) {
  return [...root.querySelectorAll(".stage")].map((s) => figures
    .filter((f) => s.contains(f.fig)).map((f) => ({ rows: f.rows, cols: f.cols })))
    .filter((s) => s.length);
}

export class ValueGrids {
  constructor(root, trace, ctx) {
    this.root = root;
    this.t = trace;
    this.ctx = ctx;
    this.multiIn = trace.inChannels > 1;
    this.multiOut = trace.outChannels > 1;
    this.figures = [];
    this.lit = [];
    this.cur = -1;
    root.replaceChildren();
    root.classList.toggle("one-d", trace.nd === 1);
  }

  /** Channels bracketed by group: calls draw(channel, box) for each channel. */
  groupBoxes(parent, channels, draw) {
    const groups = this.t.groups;
    const per = channels / groups;
    for (let g = 0; g < groups; g++) {
      const box = groupBox(g, groups, this.ctx.t("group.label", { g }));
      for (let c = g * per; c < (g + 1) * per; c++) draw(c, box);
      parent.append(box);
    }
  }

  /** One explorable grid per channel of `planes`, each cell named; cells by "c,y,x". */
  valueGrids(kind, planes, multi, [h, w], parent, { pending = false } = {}) {
    const t = this.t;
    const tr = this.ctx.t;
    const els = new Map();
    const figs = [];
    this.groupBoxes(parent, planes.length, (c, box) => {
      const f = figure(multi ? tr("caption.channel", { name: tr(`grid.${kind}`), c }) : tr(`grid.${kind}`),
        h, w, `${kind}-figure`, { explore: true, describedBy: this.ctx.keysId });
      f.grid.dataset.nd = String(t.nd);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const value = planes[c][y][x];
          const el = f.cell(y, x, kind === "output" ? "cell out" : "cell in"); // maybe painted
          el.dataset.grid = kind;
          el.dataset.index = cellKey(t, multi, c, y, x);
          if (!pending) {
            writeNumber(el, value);
            if (sizeClass(el.textContent)) el.classList.add(sizeClass(el.textContent));
          }
          named(el, () => cellName(kind, t.nd, multi, c, y, x, pending ? undefined : value));
          els.set(`${c},${y},${x}`, el);
          f.row(y).append(el);
        }
      }
      tabStop(f.grid);
      box.append(f.fig);
      this.figures.push(f);
      figs.push(f.fig);
    });
    return { els, figs };
  }

  outputGrids(parent) {
    const t = this.t;
    const { els, figs } = this.valueGrids("output", t.output, this.multiOut, t.outputSize, parent,
      { pending: true });
    this.outputEls = els;
    this.outputFigures = figs;
    this.outputList = [...els.values()]; // in step order: channel, then row-major
  }

  /** Output cells 0..n are computed: show their values (to eyes and screen readers). */
  writeUpTo(n) {
    const t = this.t;
    const cells = this.outputList;
    const write = (i, on) => {
      const el = cells[i];
      const [o, y, x] = this.outputPosition(i);
      const value = t.output[o][y][x];
      el.classList.toggle("written", on);
      const text = writeNumber(el, on ? value : null);
      const size = sizeClass(text);
      el.classList.toggle("long", size === "long");
      el.classList.toggle("longer", size === "longer");
      named(el, () => cellName("output", t.nd, this.multiOut, o, y, x, on ? value : undefined));
    };
    if (n > this.cur) for (let i = Math.max(this.cur + 1, 0); i <= n; i++) write(i, true);
    else for (let i = n + 1; i <= this.cur; i++) write(i, false);
    if (this.cur >= 0) cells[this.cur]?.classList.remove("current");
    cells[n].classList.add("current");
  }

  outputPosition(i) {
    const [h, w] = this.t.outputSize;
    return [Math.floor(i / (h * w)), Math.floor((i % (h * w)) / w), i % w];
  }

  markOutputChannel(o) {
    this.outputFigures.forEach((fig, i) => fig.classList.toggle("current", i === o));
  }

  /** [channel, y, x] of an input or output cell, from its data-index. */
  position(el) {
    const index = el.dataset.index.split(",").map(Number);
    const multi = el.dataset.grid === "output" ? this.multiOut : this.multiIn;
    const c = multi ? index[0] : 0;
    const rest = multi ? index.slice(1) : index;
    return this.t.nd === 1 ? [c, 0, rest[0]] : [c, ...rest];
  }

  /** Light what a hovered, focused or pinned cell touches. */
  highlight(el) {
    this.clearHighlight();
    const t = this.t;
    const lit = [el];
    const [c, y, x] = this.position(el);
    if (el.dataset.grid === "output") {
      const n = t.stepOf(c, y, x);
      for (const [i] of t.step(n).taps) lit.push(this.inputEls.get(i.join(",")));
      lit.push(...this.windowCells(n));
    } else if (el.dataset.grid === "input") {
      for (const { output } of t.feeds(c, y, x)) lit.push(this.outputEls.get(output.join(",")));
    } else {
      return;
    }
    light(this, lit);
  }

  clearHighlight() {
    unlight(this);
  }

  windowCells() {
    return [];
  }

  /** In words, what a cell reads from (output) or feeds (input). */
  describe(el) {
    const t = this.t;
    const tr = this.ctx.t;
    const [c, y, x] = this.position(el);
    if (el.dataset.grid === "output") {
      const step = t.step(t.stepOf(c, y, x));
      const where = cellKey(t, this.multiOut, c, y, x);
      const taps = step.taps.map(([i]) => `[${cellKey(t, this.multiIn, ...i)}]`);
      return taps.length
        ? tr("describe.reads", { where, value: fmt(step.value), count: taps.length, cells: listed(taps) })
        : tr("describe.reads.none", { where, value: fmt(step.value) });
    }
    if (el.dataset.grid !== "input") return "";
    const outs = t.feeds(c, y, x).map(({ output }) => `[${cellKey(t, this.multiOut, ...output)}]`);
    const where = cellKey(t, this.multiIn, c, y, x);
    const value = fmt(t.input[c][y][x]);
    return outs.length
      ? tr("describe.feeds", { where, value, count: outs.length, cells: listed(outs) })
      : tr("describe.feeds.none", { where, value });
  }

  /** The arithmetic behind a cell, as hovering or focusing it shows it. */
  explain(el) {
    if (el.dataset.grid !== "output") return null;
    const [c, y, x] = this.position(el);
    return this.arithmetic(this.t.stepOf(c, y, x));
  }

  stages() {
    return stagesOf(this.root, this.figures);
  }

  destroy() {
    this.clearHighlight();
    for (const f of this.figures) f.dense?.destroy(); // a painted grid's observers
  }
}
