// The diagram and its player together: what both the full page and /embed show.
// Loads a trace, draws the chosen picture, moves it step by step, and lets a
// person explore by hovering and pinning cells, or by keyboard: each input and
// output grid is one tab stop (roving tabindex), the arrow keys move within it,
// focusing a cell shows what hovering shows, Enter or Space pins, Escape unpins.
// All by event delegation on the diagram: no per-cell listeners.

import { CanvasDiagram, ScatterDiagram, fitCells } from "./grid.js";
import { Player } from "./player.js";
import { normalize } from "./trace.js";
import MatrixView from "./views/matrix.js";
import OverlapView from "./views/overlap.js";

// Views with the component interface of static/js/views/README.md.
const COMPONENTS = { matrix: MatrixView, overlap: OverlapView };

const $ = (id) => document.getElementById(id);

export class Viewer {
  constructor({ loop = false, maxCell = 48, height = () => window.innerHeight * 0.7, onStep = () => {} } = {}) {
    this.root = $("diagram");
    this.arithmeticEl = $("arithmetic");
    this.statusEl = $("status");
    this.maxCell = maxCell;
    this.height = height;
    this.onStep = onStep;
    this.pinned = null;
    this.player = new Player({
      count: 1,
      loop,
      onStep: (n) => this.show(n),
      onPlaying: (playing) => this.showPlaying(playing),
    });
    this.wirePlayer();
    this.wireExploring();
    this.wireKeys();
    let width = 0;
    new ResizeObserver(([entry]) => {
      if (Math.round(entry.contentRect.width) === width) return; // height follows the cells
      width = Math.round(entry.contentRect.width);
      this.fit();
    }).observe(this.root);
    window.addEventListener("resize", () => this.fit());
  }

  /** Draw a trace (raw /api/trace JSON) in a view ("canvas" or "scatter"), at a step. */
  load(raw, { view = "canvas", step = 0 } = {}) {
    this.player.pause();
    this.diagram?.destroy?.();
    this.raw = raw;
    this.trace = normalize(raw);
    this.view = COMPONENTS[view] ? view
      : this.trace.transposed && view === "scatter" ? "scatter" : "canvas";
    this.pinned = null;
    const Kind = COMPONENTS[this.view]
      ?? (this.view === "scatter" ? ScatterDiagram : CanvasDiagram);
    const diagram = new Kind(this.root, this.trace, { query: raw.query });
    this.diagram = diagram;
    diagram.ready?.then(() => {
      if (this.diagram !== diagram) return;
      this.fit();
      this.player.seek(this.player.index);
    });
    this.root.dataset.view = this.view;
    this.fit();
    this.player.setCount(this.diagram.count);
    $("step").max = String(this.diagram.count - 1);
    this.player.seek(Number.isFinite(step) ? step : 0);
  }

  fit() {
    if (this.diagram) fitCells(this.root, this.diagram, { maxCell: this.maxCell, height: this.height() });
  }

  show(n) {
    this.diagram.showStep(n);
    this.arithmeticEl.textContent = this.diagram.arithmetic(n);
    this.statusEl.textContent = this.diagram.status(n);
    $("step").value = String(n);
    $("step").setAttribute("aria-valuetext", this.diagram.status(n));
    this.onStep(n);
  }

  showPlaying(playing) {
    const button = $("play");
    button.setAttribute("aria-label", playing ? "Pause" : "Play");
    button.classList.toggle("playing", playing);
    this.root.classList.toggle("playing", playing);
  }

  wirePlayer() {
    const p = this.player;
    $("play").addEventListener("click", () => p.toggle());
    $("forward").addEventListener("click", () => p.forward());
    $("back").addEventListener("click", () => p.back());
    $("reset").addEventListener("click", () => p.reset());
    $("step").addEventListener("input", (e) => {
      p.pause();
      p.seek(Number(e.target.value));
    });
    $("speed").addEventListener("change", (e) => p.setSpeed(Number(e.target.value)));
  }

  setSpeed(speed) {
    const select = $("speed");
    if (![...select.options].some((o) => Number(o.value) === speed)) {
      select.add(new Option(`${speed}×`, String(speed)));
    }
    select.value = [...select.options].find((o) => Number(o.value) === speed).value;
    this.player.setSpeed(speed);
  }

  wireKeys() {
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.pinned) {
        this.unpin();
        return;
      }
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.target.closest("input, textarea, select, button, a, dialog, [role=grid]")) return;
      const p = this.player;
      if (e.key === " ") p.toggle();
      else if (e.key === "ArrowRight") p.forward();
      else if (e.key === "ArrowLeft") p.back();
      else if (e.key === "Home") p.reset();
      else return;
      e.preventDefault();
    });
  }

  wireExploring() {
    const cellOf = (target) => target?.closest?.(this.diagram?.explorable
      ?? "[data-grid=input], [data-grid=output]");
    this.root.addEventListener("mouseover", (e) => {
      if (this.pinned) return;
      const cell = cellOf(e.target);
      if (cell) this.diagram.highlight(cell);
      else this.diagram.clearHighlight();
    });
    this.root.addEventListener("mouseleave", () => {
      if (!this.pinned) this.diagram.clearHighlight();
    });
    this.root.addEventListener("click", (e) => {
      const cell = cellOf(e.target);
      if (!cell) return;
      this.focusCell(cell, { preventScroll: true });
      this.togglePin(cell);
    });
    this.root.addEventListener("focusin", (e) => {
      const cell = cellOf(e.target);
      if (!cell) return;
      this.makeTabStop(cell);
      if (!this.pinned) this.diagram.highlight(cell);
      const pinned = this.pinned && this.pinned !== cell
        ? ` Pinned: ${this.pinned.dataset.grid}[${this.pinned.dataset.index}].` : "";
      this.statusEl.textContent = this.diagram.describe(cell) + pinned;
    });
    this.root.addEventListener("focusout", (e) => {
      if (this.pinned || !cellOf(e.target) || cellOf(e.relatedTarget)) return;
      this.diagram.clearHighlight();
    });
    // The grid's keys win over the player's while focus is on a cell (the document
    // listener in wireKeys never sees them).
    this.root.addEventListener("keydown", (e) => {
      const cell = cellOf(e.target);
      if (!cell || e.altKey || e.metaKey) return;
      if (e.key === "Enter" || e.key === " ") {
        this.togglePin(cell);
      } else if (e.key === "Escape") {
        if (!this.pinned) return;
        this.unpin();
      } else {
        const next = this.diagram.neighbour(cell, e.key, e.ctrlKey);
        if (next === undefined) return;
        if (next !== cell) this.focusCell(next);
      }
      e.preventDefault();
      e.stopPropagation();
    });
  }

  /** Roving tabindex: `cell` becomes its grid's one tab stop. */
  makeTabStop(cell) {
    for (const old of cell.closest("[role=grid]")?.querySelectorAll("[tabindex]") || []) {
      if (old !== cell) old.removeAttribute("tabindex");
    }
    cell.tabIndex = 0;
  }

  /** Focus a cell (focusin then makes it the tab stop and shows what it touches). */
  focusCell(cell, options = {}) {
    cell.tabIndex = 0;
    cell.focus(options);
  }

  togglePin(cell) {
    if (this.pinned === cell) {
      this.unpin();
      this.statusEl.textContent = `Unpinned ${cell.dataset.grid}[${cell.dataset.index}].`;
      return;
    }
    if (this.pinned) this.unpin();
    this.pinned = cell;
    cell.classList.add("pinned");
    cell.setAttribute("aria-selected", "true");
    this.diagram.highlight(cell);
    this.statusEl.textContent = `Pinned ${cell.dataset.grid}[${cell.dataset.index}]: `
      + `${this.diagram.describe(cell)} Click it again, press Enter or Space on it, `
      + "or press Escape to unpin.";
  }

  unpin() {
    this.pinned.classList.remove("pinned");
    this.pinned.removeAttribute("aria-selected");
    this.pinned = null;
    this.diagram.clearHighlight();
  }
}
