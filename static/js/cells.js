// Cells and grids: what a cell looks like (one look()), captioned grids, stages,
// accessible names, the sums' text, and fitting the cell size to the room. Shared by
// every view (static/js/views/).

import { DenseGrid, denseGridOf, isDenseGrid } from "./dense.js";
import { t } from "./i18n.js";
import { fmt } from "./trace.js";

/**
 * The one function that decides how a cell is drawn: its classes, text and tooltip.
 * roles: input, unused (input no window reads), padding, zero (inserted), real (the
 * canvas slot an input cell sits in), output, kernel (a weight in the kernel grid),
 * window (a weight on the sliding window).
 */
export function look({ role, value, why }) {
  switch (role) {
    case "input": return { cls: "cell in", text: fmt(value), title: t("cell.input", { value: fmt(value) }) };
    case "unused": return {
      cls: "cell in unused", text: fmt(value),
      title: `${t("cell.input", { value: fmt(value) })} · ${t(`unused.why.${why}`)}`,
    };
    case "padding": return { cls: "cell pad", text: "", title: t("cell.padding") };
    case "zero": return { cls: "cell zero", text: "", title: t("cell.zero") };
    case "real": return { cls: "cell real", text: "", title: "" };
    case "output": return { cls: "cell out", text: "", title: t("cell.output") };
    case "kernel": return { cls: "cell kcell", text: fmt(value), title: t("cell.weight", { value: fmt(value) }) };
    case "window": return { cls: "wcell", text: fmt(value), title: "" };
    default: throw new Error(`no look for ${role}`);
  }
}

/** A number short enough for its cell: decimals rounded to fit four characters ("0.0625" →
 * ".063"); integers whole. The full value stays in the arithmetic line and the cell's title. */
export function cellText(value) {
  const full = fmt(value);
  if (full.length <= 4 || !Number.isFinite(value) || Number.isInteger(value)) return full;
  for (const digits of [3, 2, 1]) {
    const text = fmt(Number(value.toPrecision(digits))).replace(/^(−?)0\./, "$1.");
    if (text.replace("−", "").length <= 4) return text;
  }
  return full;
}

/** Put a number in a cell: shortened to fit, the full value on hover when shortened. */
export function writeNumber(el, value) {
  const text = value === null || value === undefined ? "" : cellText(value);
  el.textContent = text;
  if (text !== fmt(value)) el.title = fmt(value);
  else if (el.title && !el.title.includes(" ")) el.removeAttribute("title");
  return text;
}

/** A weight on the sliding window: a dark badge in the corner, readable over any cell. */
export function writeWeight(el, value) {
  if (typeof el.replaceChildren !== "function") { // a painted cell of a big grid (dense.js)
    el.textContent = cellText(value);
    return;
  }
  const badge = document.createElement("span");
  badge.className = "wv";
  badge.textContent = cellText(value);
  el.replaceChildren(badge);
}

/** Text-size class for a number's length. */
export function sizeClass(text) {
  return text.length > 5 ? "longer" : text.length > 3 ? "long" : "";
}

export function makeCell(role, grid, index, value, why) {
  const l = look({ role, value, why });
  const el = document.createElement("div");
  el.className = `${l.cls} ${sizeClass(l.text)}`.trim();
  if (grid) el.dataset.grid = grid;
  if (index !== undefined) el.dataset.index = index;
  if (l.title) el.title = index === undefined ? l.title : `${l.title} · [${index}]`;
  if (role === "window") writeWeight(el, value);
  else if (l.text) writeNumber(el, value);
  return el;
}

/** The accessible name of an explorable cell: "input row 2, column 3, value 2". */
export function cellName(kind, nd, multi, c, y, x, value) {
  const where = nd === 1 ? t("where.1d", { x }) : t("where.2d", { y, x });
  const channel = multi ? t("where.channel", { c }) : "";
  const what = value === undefined ? t("value.pending") : t("value.is", { value: fmt(value) });
  return t("cell.name", { kind: t(`grid.${kind}`), channel, where, what });
}

/** Make `el` an explorable cell named `name`: a string, or a function making it (a painted
 * cell, static/js/dense.js, makes it only if it ever becomes an element). */
export function named(el, name) {
  el.setAttribute("role", "gridcell");
  el.setAttribute("aria-label", typeof name === "function" && !el.lazy ? name() : name);
  return el;
}

let captions = 0;

/** A captioned grid; explorable ones are ARIA grids whose cells go into `row(y)`. A big
 * grid (static/js/dense.js) is painted on a canvas: its cells come from `cell(y, x)` and
 * `place(y, el)` only registers them; small grids make element cells (`cell()` too). */
export function figure(caption, rows, cols, className, { explore = false, describedBy } = {}) {
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
  if (explore && isDenseGrid(rows, cols)) {
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", cap.id);
    if (describedBy) grid.setAttribute("aria-describedby", describedBy);
    const dense = new DenseGrid(grid, rows, cols);
    const place = { append: (cell) => dense.index(cell) }; // a painted cell: only indexed
    return {
      fig, grid, cap, rows, cols, dense,
      row: () => place,
      cell: (y, x, className2 = "") => dense.cell(y, x, className2),
    };
  }
  if (explore) {
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-labelledby", cap.id);
    if (describedBy) grid.setAttribute("aria-describedby", describedBy);
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
  const cell = (_y, _x, className2 = "") => {
    const el = document.createElement("div");
    if (className2) el.className = className2;
    return el;
  };
  return { fig, grid, cap, rows, cols, row, cell };
}

/** Make a grid's first explorable cell its one tab stop. */
export function tabStop(grid) {
  const dense = denseGridOf(grid);
  if (dense) {
    dense.tabStop();
    return;
  }
  const first = grid.querySelector("[role=gridcell][data-index]");
  if (first) first.tabIndex = 0;
}

/** A labelled group of figures: one row of the diagram. */
export function stage(className, label) {
  const el = document.createElement("div");
  el.className = `stage ${className}`;
  el.setAttribute("role", "group");
  el.setAttribute("aria-label", label);
  return el;
}

/** A bracket around the channels of one group, in the group's colour. */
export function groupBox(g, groups, label) {
  const el = document.createElement("div");
  el.className = `group-box group-${g % 4}`;
  if (groups > 1) {
    el.classList.add("bracketed");
    const tag = document.createElement("span");
    tag.className = "group-tag";
    tag.textContent = label;
    el.append(tag);
  }
  return el;
}

export function arrow(text) {
  const el = document.createElement("div");
  el.className = "arrow";
  el.setAttribute("aria-hidden", "true");
  el.textContent = text;
  return el;
}

/** "a·b", negative numbers in brackets. */
export function term(a, b) {
  const paren = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  return `${paren(a)}·${paren(b)}`;
}

const MAX_TERMS = 12;

/** Up to MAX_TERMS terms joined by `joiner`, then "… (n more)". */
export function listed(items, joiner = ", ", most = MAX_TERMS) {
  const shown = items.length > most
    ? [...items.slice(0, most - 1), t("list.more", { count: items.length - most + 1 })]
    : items;
  return shown.join(joiner);
}

export function sumText(terms, total) {
  return `${listed(terms, " + ") || "0"} = ${fmt(total)}`;
}

/** The size of the grids a view draws: one array per stage. Fit the cell size to the room:
 * all grids in a row, one stage per row, or one grid per row. */
export function fitCells(root, stages, {
  maxCell = 48, height = window.innerHeight * 0.7, width: known, stack = true,
} = {}) {
  // a known width saves a forced layout of thousands of fresh cells
  const width = Math.max(known ?? root.clientWidth, 200);
  const grids = stages.flat();
  if (!grids.length) return 0;
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
  // Where the screen is wide, one row (input, kernel, output side by side, cells scaled to
  // fit); on a phone page, the grids stack (one per row, fitted to the width); a narrow
  // embed (stack = false) takes the first layout whose cells stay readable.
  const narrow = width < 600;
  const fallback = options.find((c) => c >= 20) ?? Math.max(...options);
  const cell = Math.max(4, !narrow ? options[0] : stack ? options[2] : fallback);
  return setCell(root, cell);
}

/** Draw the grids of root with cells of `cell` px (no numbers when too small to read). */
export function setCell(root, cell) {
  root.style.setProperty("--cell", `${cell}px`);
  root.classList.toggle("no-text", cell < 18);
  root.classList.toggle("no-weights", cell < 30);
  return cell;
}
