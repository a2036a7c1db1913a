// Exploring a diagram by pointer and keyboard, for any view: hover or focus a cell to
// light what it touches and show its arithmetic; click, Enter or Space pins it; Escape
// unpins. Each explorable grid (role=grid) is one tab stop (roving tabindex); the arrow
// keys, Home/End and PageUp/PageDown move by data-index within the grid, among cells of
// the same data-grid. Event delegation on the diagram element only: no per-cell
// listeners, nothing on the document. A big grid painted on a canvas (dense.js) answers
// the same way: pointing at its canvas hit-tests the cell under the pointer, which
// becomes an element for as long as it is hovered, focused or pinned.

import { VirtualCell, denseGridOf } from "./dense.js";

const PAGE = 5;

/** The explorable cell an event target is in (inside `within`), or null; on a painted
 * grid's canvas, the cell under the event's pointer. */
export function cellOf(target, within, event) {
  let cell = target?.closest?.("[role=gridcell][data-index]");
  if (!cell && event && target?.classList?.contains("grid-canvas")) {
    cell = denseGridOf(target.parentElement)?.hit(event.clientX, event.clientY) ?? null;
  }
  return cell && within.contains(cell) ? cell : null;
}

const indexes = new WeakMap();

/** A grid's cells of one kind by data-index, and the bounds of their positions. */
function gridIndex(grid, kind) {
  let byKind = indexes.get(grid);
  if (!byKind) indexes.set(grid, (byKind = new Map()));
  if (byKind.has(kind)) return byKind.get(kind);
  const nd = Number(grid.dataset.nd || 2);
  const cells = new Map();
  const lo = Array(nd).fill(Infinity);
  const hi = Array(nd).fill(-Infinity);
  const dense = denseGridOf(grid);
  const all = dense ? dense.cellsOf(kind)
    : grid.querySelectorAll(`[role=gridcell][data-grid="${kind}"][data-index]`);
  for (const el of all) {
    cells.set(el.dataset.index, el);
    const position = el.dataset.index.split(",").map(Number).slice(-nd);
    position.forEach((p, d) => { lo[d] = Math.min(lo[d], p); hi[d] = Math.max(hi[d], p); });
  }
  const entry = { nd, cells, lo, hi };
  byKind.set(kind, entry);
  return entry;
}

/** The cell a navigation key moves to from `cell`; undefined when the key is not one. */
export function neighbour(cell, key, ctrl = false) {
  const grid = cell.closest("[role=grid]");
  const { nd, cells, lo, hi } = gridIndex(grid, cell.dataset.grid);
  const index = cell.dataset.index.split(",").map(Number);
  const head = index.slice(0, index.length - nd);
  const p = index.slice(-nd);
  const [Y, X] = nd === 1 ? [null, 0] : [0, 1];
  const move = (d, by) => { if (d !== null) p[d] += by; };
  switch (key) {
    case "ArrowUp": move(Y, -1); break;
    case "ArrowDown": move(Y, 1); break;
    case "ArrowLeft": move(X, -1); break;
    case "ArrowRight": move(X, 1); break;
    case "PageUp": if (Y === null) move(X, -PAGE); else move(Y, -PAGE); break;
    case "PageDown": if (Y === null) move(X, PAGE); else move(Y, PAGE); break;
    case "Home": p[X] = lo[X]; if (ctrl && Y !== null) p[Y] = lo[Y]; break;
    case "End": p[X] = hi[X]; if (ctrl && Y !== null) p[Y] = hi[Y]; break;
    default: return undefined;
  }
  p.forEach((v, d) => { p[d] = Math.min(Math.max(v, lo[d]), hi[d]); });
  const next = cells.get([...head, ...p].join(",")) || cell;
  return next instanceof VirtualCell ? denseGridOf(grid).element(next) : next;
}

/**
 * Wire exploring on `diagramEl` for `viewer` (which has .view, .t, and show/restore hooks).
 * Returns a function that removes the listeners.
 */
export function wireExploring(diagramEl, viewer) {
  const on = (type, handler) => {
    diagramEl.addEventListener(type, handler);
    return () => diagramEl.removeEventListener(type, handler);
  };
  const offs = [
    on("mouseover", (e) => {
      if (viewer.pinned) return;
      const cell = cellOf(e.target, diagramEl, e);
      if (cell) viewer.explore(cell);
      else viewer.stopExploring();
    }),
    on("mouseleave", () => {
      if (!viewer.pinned) viewer.stopExploring();
    }),
    on("click", (e) => {
      const cell = cellOf(e.target, diagramEl, e);
      if (!cell) return;
      focusCell(cell, { preventScroll: true });
      viewer.togglePin(cell);
    }),
    on("focusin", (e) => {
      const cell = cellOf(e.target, diagramEl);
      if (!cell) return;
      makeTabStop(cell);
      if (!viewer.pinned) viewer.explore(cell);
      else if (viewer.pinned !== cell) viewer.say(viewer.describeWithPin(cell));
    }),
    on("focusout", (e) => {
      if (viewer.pinned || !cellOf(e.target, diagramEl) || cellOf(e.relatedTarget, diagramEl)) return;
      viewer.stopExploring();
    }),
    // The grid's keys win over the player's while focus is on a cell.
    on("keydown", (e) => {
      const cell = cellOf(e.target, diagramEl);
      if (!cell || e.altKey || e.metaKey) return;
      if (e.key === "Enter" || e.key === " ") {
        viewer.togglePin(cell);
      } else if (e.key === "Escape") {
        if (!viewer.pinned) return;
        viewer.unpin();
      } else {
        const next = viewer.view.neighbour
          ? viewer.view.neighbour(cell, e.key, e.ctrlKey) : neighbour(cell, e.key, e.ctrlKey);
        if (next === undefined) return;
        if (next !== cell) focusCell(next);
      }
      e.preventDefault();
      e.stopPropagation();
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** Roving tabindex: `cell` becomes its grid's one tab stop. */
function makeTabStop(cell) {
  const grid = cell.closest("[role=grid]");
  for (const old of grid?.querySelectorAll("[tabindex]") || []) {
    if (old === cell) continue;
    old.removeAttribute("tabindex");
    if (old.virtual) denseGridOf(grid).settle(old.virtual); // no longer needed as an element
  }
  cell.tabIndex = 0;
}

function focusCell(cell, options = {}) {
  cell.tabIndex = 0;
  cell.focus(options);
}
