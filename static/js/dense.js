// Big grids drawn on one <canvas>, from the start. A grid of more than DENSE_GRID cells
// (a 64×64 input, a 16×16 layer's matrix) would cost thousands of DOM cells: 12,054 on
// the 64×64 page, 51,080 in the 16×16 matrix view, seconds of layout before the first
// diagram. Here each cell is a VirtualCell, a plain object with the few members views use
// on a cell element (classList, className, textContent, title, dataset, style, attributes),
// painted on the grid's canvas whenever it changes.
//
// The DOM contract stays: a cell that is lit, read, current, pinned, hovered, focused or
// the grid's tab stop is *materialized*: a real element with the same classes, text,
// data-grid, data-index and accessible name, positioned over its place on the canvas
// (the same CSS draws it as a DOM grid's cell). Pointing at the canvas materializes the
// cell under the pointer (hit-testing, `hit()`); the arrow keys move among the grid's
// virtual cells (`cellsOf()` for explore.js). Every other cell is only paint: a handful of
// elements per grid, whatever its size. Colours are the CSS palette's custom properties,
// read once per paint, so the two pictures agree.

const DENSE_GRID = 1024;
// Classes that make a cell an element (what exploring and the step light up).
// The matrix view's row and column bands (a whole row or column of C) are only painted.
const LIVE = ["hl", "tap", "current", "pinned", "max"];
const grids = new WeakMap();
const NO_PROPS = new Map();
const WORDS = new Map(); // a class attribute → its class names (thousands of cells share a few)
const words = (className) => {
  let list = WORDS.get(className);
  if (!list) WORDS.set(className, (list = className.split(" ").filter(Boolean)));
  return list;
};

/** Is a grid of rows × cols drawn on a canvas? (1-D grids stay DOM: one row, aligned.) */
export function isDenseGrid(rows, cols) {
  return rows > 1 && rows * cols > DENSE_GRID;
}

/** The DenseGrid drawn in a grid element, or undefined. */
export function denseGridOf(gridEl) {
  return gridEl ? grids.get(gridEl) : undefined;
}

/** The palette, read from an element's computed custom properties. */
export function palette(el) {
  const style = getComputedStyle(el);
  const v = (name) => style.getPropertyValue(name).trim();
  return {
    panel: v("--panel") || "#fff", input: v("--blue"), inputEdge: v("--blue-edge"),
    inputInk: v("--blue-ink"), inputNow: v("--blue-now"), unused: "#c9ddf0",
    padding: v("--pad-bg"), paddingEdge: v("--pad-edge"), zero: v("--hatch"),
    output: v("--green-pale"), outputEdge: v("--green-pale-edge"), written: v("--green"),
    writtenEdge: v("--green-edge"), writtenInk: v("--green-ink"), current: v("--green-now"),
    kernelEdge: v("--kernel-edge"), hl: v("--hl"), pin: v("--pin"), line: v("--line"),
    font: style.fontFamily,
  };
}

/** The classList of a VirtualCell: the DOMTokenList members views use. */
class Classes {
  constructor(cell) {
    this.cell = cell;
  }

  contains(name) {
    return this.cell.classes.has(name);
  }

  add(...names) {
    for (const name of names) this.cell.classes.add(name);
    this.cell.key = null;
    this.cell.changed();
  }

  remove(...names) {
    let gone = false;
    for (const name of names) gone = this.cell.classes.delete(name) || gone;
    if (gone) {
      this.cell.key = null;
      this.cell.changed();
    }
  }

  toggle(name, force) {
    const on = force === undefined ? !this.cell.classes.has(name) : Boolean(force);
    if (on !== this.cell.classes.has(name)) {
      if (on) this.cell.classes.add(name);
      else this.cell.classes.delete(name);
      this.cell.key = null;
      this.cell.changed();
    }
    return on;
  }
}

/** One cell of a canvas grid: painted, and an element only while it is live. */
export class VirtualCell {
  constructor(grid, r, c, className = "") {
    this.grid = grid;
    this.r = r;
    this.c = c;
    this.classes = new Set(words(className));
    this.key = className; // what its colours are looked up by (null: made from classes)
    this.text = "";
    this.attrs = new Map();
    this.props = NO_PROPS; // custom properties (the matrix's --a), made on first use
    this.dataset = {};
    this.el = null;
  }

  get classList() {
    return (this.list ??= new Classes(this));
  }

  get style() {
    const cell = this;
    const props = () => (cell.props === NO_PROPS ? (cell.props = new Map()) : cell.props);
    return (this.styles ??= {
      setProperty(name, value) { props().set(name, String(value)); cell.changed(); },
      removeProperty(name) { props().delete(name); cell.changed(); },
      getPropertyValue(name) { return cell.props.get(name) ?? ""; },
    });
  }

  changed() {
    this.grid.changed(this);
  }

  get className() { return [...this.classes].join(" "); }
  set className(value) {
    this.key = String(value);
    this.classes = new Set(words(this.key));
    this.changed();
  }

  get textContent() { return this.text; }
  set textContent(value) {
    this.text = String(value ?? "");
    this.changed();
  }
  get title() { return this.getAttribute("title") ?? ""; }
  set title(value) { this.setAttribute("title", value); }
  /** A value may be a function: a name or tooltip made only if the cell becomes an element
   * (thousands of translated names cost more than painting the grid). */
  setAttribute(name, value) {
    const kept = typeof value === "function" ? value : String(value);
    this.attrs.set(name, kept);
    if (this.el) this.el.setAttribute(name, this.getAttribute(name));
  }

  getAttribute(name) {
    const value = this.attrs.get(name);
    if (typeof value !== "function") return value ?? null;
    const made = String(value());
    this.attrs.set(name, made);
    return made;
  }

  hasAttribute(name) { return this.attrs.has(name); }
  removeAttribute(name) { this.attrs.delete(name); this.el?.removeAttribute(name); }
  append() {} // a window weight or a note: nothing to show in a painted cell
  get lazy() { return true; } // takes names as functions (cells.js named())
  get live() {
    for (const name of LIVE) if (this.classes.has(name)) return true; // asked on every change
    return false;
  }
}

/**
 * A grid element painted on one canvas: `cell(r, c, className)` makes its VirtualCells
 * (each given data-grid/data-index by the view); `element(cell)` materializes one.
 */
export class DenseGrid {
  constructor(gridEl, rows, cols) {
    this.gridEl = gridEl;
    this.rows = rows;
    this.cols = cols;
    this.cells = new Array(rows * cols);
    this.hovered = null;
    gridEl.classList.add("dense-grid");
    this.canvas = document.createElement("canvas");
    this.canvas.className = "grid-canvas";
    this.canvas.setAttribute("aria-hidden", "true");
    this.layer = document.createElement("div"); // the materialized cells (one ARIA row)
    this.layer.className = "dense-cells";
    this.layer.setAttribute("role", "row");
    gridEl.setAttribute("aria-rowcount", String(rows));
    gridEl.setAttribute("aria-colcount", String(cols));
    gridEl.append(this.canvas, this.layer);
    grids.set(gridEl, this);
    // The class of a materialized cell may change on the element itself (the Viewer pins
    // it, a view lights the element exploring handed it): the virtual cell follows.
    this.sync = new MutationObserver((records) => {
      for (const { target } of records) {
        const cell = target.virtual;
        if (cell && cell.el === target && target.className !== cell.written) this.changed(cell);
      }
    });
    this.sync.observe(this.layer, { subtree: true, attributes: true, attributeFilter: ["class"] });
    this.layer.addEventListener("focusout", (e) => {
      queueMicrotask(() => e.target.virtual && this.settle(e.target.virtual));
    });
    // painted once laid out, and again only when its size changes (the Viewer's fit may
    // resize it in the same frame)
    this.resize = new ResizeObserver(() => {
      if (!this.ctx || this.size() !== this.cell) this.paintAll();
    });
    this.resize.observe(gridEl);
  }

  cell(r, c, className) {
    const cell = new VirtualCell(this, r, c, className);
    this.cells[r * this.cols + c] = cell;
    return cell;
  }

  /** A cell is placed (its data-grid/data-index set): it is in `cells` already. */
  index(cell) {
    return cell;
  }

  /** The grid's explorable cells of one data-grid kind (explore.js moves among them). */
  cellsOf(kind) {
    return this.cells.filter((c) => c && c.dataset.grid === kind && c.attrs.get("role") === "gridcell"
      && c.dataset.index !== undefined);
  }

  changed(cell) {
    if (cell.el) this.write(cell);
    if (cell.live) this.element(cell);
    else if (cell.el) this.settle(cell);
    if (this.ctx) this.paint(cell); // before the first paintAll: nothing to repaint
  }

  /** The element of a cell, made (or kept) now. */
  element(cell) {
    if (!cell.el) {
      const el = document.createElement("div");
      el.virtual = cell;
      el.style.setProperty("left", `calc(var(--cell) * ${cell.c})`);
      el.style.setProperty("top", `calc(var(--cell) * ${cell.r})`);
      for (const [name, value] of Object.entries(cell.dataset)) el.dataset[name] = value;
      for (const name of cell.attrs.keys()) el.setAttribute(name, cell.getAttribute(name));
      el.setAttribute("aria-rowindex", String(cell.r + 1));
      el.setAttribute("aria-colindex", String(cell.c + 1));
      cell.el = el;
      this.write(cell);
      this.layer.append(el);
    }
    return cell.el;
  }

  write(cell) {
    const { el } = cell;
    if (cell.written !== undefined && el.className !== cell.written) {
      // classes given to the element itself since (a pin, a light): the cell takes them
      const before = new Set(cell.written.split(" "));
      const now = new Set(el.classList);
      for (const name of now) if (!before.has(name)) cell.classes.add(name);
      for (const name of before) if (!now.has(name) && name !== "vcell") cell.classes.delete(name);
      cell.key = null;
    }
    const cls = cell.elementClass();
    if (el.className !== cls) el.className = cls;
    cell.written = cls;
    if (el.textContent !== cell.text) el.textContent = cell.text;
    for (const [name, value] of cell.props) el.style.setProperty(name, value);
  }

  /** Drop a cell's element when nothing needs it any more. */
  settle(cell) {
    const { el } = cell;
    if (!el || cell.live || this.hovered === cell || el.tabIndex === 0
      || el === document.activeElement || el.getAttribute("aria-selected") === "true") return;
    el.remove();
    cell.el = null;
    cell.written = undefined;
  }

  /** The cell at a point (client coordinates), materialized and hovered; or null. */
  hit(x, y) {
    const box = this.canvas.getBoundingClientRect();
    const c = Math.floor(((x - box.left) / box.width) * this.cols);
    const r = Math.floor(((y - box.top) / box.height) * this.rows);
    const cell = this.cells[r * this.cols + c];
    if (r < 0 || c < 0 || r >= this.rows || c >= this.cols || !cell || cell.attrs.get("role") !== "gridcell") return null;
    const before = this.hovered;
    this.hovered = cell;
    if (before && before !== cell) this.settle(before);
    return this.element(cell);
  }

  /** The grid's one tab stop: its first explorable cell, as an element. */
  tabStop() {
    const first = this.cells.find((c) => c && c.attrs.get("role") === "gridcell" && c.dataset.index !== undefined);
    if (first) this.element(first).tabIndex = 0;
  }

  size() {
    const width = this.gridEl.clientWidth;
    return width ? width / this.cols : 0;
  }

  paintAll() {
    const cell = this.size();
    if (!cell) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.cols * cell * ratio);
    this.canvas.height = Math.round(this.rows * cell * ratio);
    this.ctx = this.canvas.getContext("2d");
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.cell = cell;
    this.colours = palette(this.gridEl);
    this.text = cell >= 18;
    paintBatched(this.ctx, this, cell, this.colours, this.text);
  }

  paint(cell) {
    if (!this.ctx) return;
    paintCell(this.ctx, cell, this.cell, this.colours, this.text);
  }

  destroy() {
    this.sync.disconnect();
    this.resize.disconnect();
  }
}

VirtualCell.prototype.elementClass = function elementClass() {
  return `${this.className} vcell`;
};

/** Fill and edge of a cell by its classes: the canvas twin of convscope.css and views.css. */
function colours(cell, p) {
  const has = (n) => cell.classes.has(n);
  if (has("mcell")) {
    const a = Math.round(Number(cell.props.get("--a") || 0) * 40); // whole percents of lightness
    if (has("zero")) return [has("now") ? p.output : p.panel, p.line, null];
    if (has("pos")) return [`hsl(28 90% ${90 - a}%)`, "hsl(28 70% 45%)", has("strong") ? "#fff" : "#1b2633"];
    return [`hsl(268 60% ${92 - a}%)`, "hsl(268 45% 45%)", has("strong") ? "#fff" : "#24103f"];
  }
  if (has("pad")) return [has("hl") ? "#fff3cf" : p.padding, p.paddingEdge, null];
  if (has("zero")) return [has("hl") ? "#fff3cf" : p.zero, p.paddingEdge, null];
  if (has("in")) {
    if (has("current")) return [p.inputNow, p.inputEdge, "#fff"];
    return [has("unused") ? p.unused : p.input, p.inputEdge, p.inputInk];
  }
  if (has("out")) {
    if (has("current")) return [p.current, p.writtenInk, "#fff"];
    if (has("written")) return [p.written, p.writtenEdge, p.writtenInk];
    return [p.output, p.outputEdge, null];
  }
  return [p.panel, p.line, null];
}

/** Every cell at once. The look most cells share is the background: one fill of the whole
 * grid and its lines (a column or row of edges is one rectangle), as cell-by-cell painting
 * would draw it; the other cells are squares grouped by colour (one path and one fill per
 * colour), then what only a few cells have. 65,536 cells in a few milliseconds. */
function paintBatched(ctx, grid, size, p, withText) {
  const { cells, rows, cols } = grid;
  const inset = size >= 6 ? 1 : 0;
  const looks = new Map(); // cells of the same classes (and shade) share their colours
  const lookOf = new Array(cells.length);
  const counts = new Map();
  let whole = true;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!cell) {
      whole = false;
      continue;
    }
    const shade = cell.props.get("--a"); // the matrix's entries: one shade per value
    const key = shade === undefined ? (cell.key ??= cell.className) : `${(cell.key ??= cell.className)}|${shade}`;
    let look = looks.get(key);
    if (!look) {
      const [fill, edge, ink] = colours(cell, p);
      looks.set(key, (look = { fill, edge, ink, ring: ring(cell, p), pair: `${fill} ${edge}` }));
    }
    lookOf[i] = look;
    counts.set(look.pair, (counts.get(look.pair) || 0) + 1);
  }
  let common = null; // the fill and edge most cells have (when no cell is missing)
  if (whole && counts.size) {
    const pair = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    common = [...looks.values()].find((look) => look.pair === pair);
    const width = cols * size;
    const height = rows * size;
    ctx.fillStyle = common.fill;
    ctx.fillRect(0, 0, width, height);
    if (inset) { // each cell's 1 px edge: 2 px between two cells, 1 px at the border
      ctx.fillStyle = common.edge;
      ctx.beginPath();
      for (let c = 0; c <= cols; c++) {
        const x = Math.max(0, c * size - 1);
        ctx.rect(x, 0, Math.min(width, c * size + 1) - x, height);
      }
      for (let r = 0; r <= rows; r++) {
        const y = Math.max(0, r * size - 1);
        ctx.rect(0, y, width, Math.min(height, r * size + 1) - y);
      }
      ctx.fill();
    }
  }
  const edges = new Map();
  const fills = new Map();
  const special = [];
  const group = (map, colour, x, y) => {
    let list = map.get(colour);
    if (!list) map.set(colour, (list = []));
    list.push(x, y);
  };
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!cell) continue;
    const look = lookOf[i];
    if (look.pair !== common?.pair) {
      const x = cell.c * size;
      const y = cell.r * size;
      if (inset) group(edges, look.edge, x, y);
      group(fills, look.fill, x, y);
    }
    if (look.ring || (withText && look.ink && cell.text)) special.push(cell);
  }
  const draw = (map, off, side) => {
    for (const [colour, xy] of map) {
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < xy.length; i += 2) ctx.rect(xy[i] + off, xy[i + 1] + off, side, side);
      ctx.fill();
    }
  };
  draw(edges, 0, size);
  draw(fills, inset, size - 2 * inset);
  for (const cell of special) paintCell(ctx, cell, size, p, withText);
}

function ring(cell, p) {
  const has = (n) => cell.classes.has(n);
  if (has("pinned") || has("max")) return p.pin;
  if (has("hl")) return p.hl;
  if (has("tap")) return p.kernelEdge;
  if (has("now")) return p.current;
  if (has("band-row") || has("band-column")) return p.hl;
  return null;
}

function paintCell(ctx, cell, size, p, withText) {
  const x = cell.c * size;
  const y = cell.r * size;
  const [fill, edge, ink] = colours(cell, p);
  ctx.fillStyle = edge;
  ctx.fillRect(x, y, size, size);
  const inset = size >= 6 ? 1 : 0;
  ctx.fillStyle = fill;
  ctx.fillRect(x + inset, y + inset, size - 2 * inset, size - 2 * inset);
  const around = ring(cell, p);
  if (around && size >= 4) {
    const w = Math.max(1, Math.min(3, size / 6));
    ctx.strokeStyle = around;
    ctx.lineWidth = w;
    ctx.strokeRect(x + w / 2, y + w / 2, size - w, size - w);
  }
  if (withText && ink && cell.text) {
    const long = cell.text.length > 5 ? 0.22 : cell.text.length > 3 ? 0.3 : 0.42;
    ctx.fillStyle = ink;
    ctx.font = `${cell.classes.has("current") || cell.classes.has("tap") ? "700 " : ""}${Math.round(size * long)}px ${p.font}`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(cell.text, x + size / 2, y + size / 2 + 1);
  }
}
