// The diagram and its player together: what both the full page and /embed show.
// Loads a trace, draws the chosen picture, moves it step by step, and lets a
// person explore by hovering and pinning cells.

import { CanvasDiagram, ScatterDiagram, fitCells } from "./grid.js";
import { Player } from "./player.js";
import { normalize } from "./trace.js";

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
    this.raw = raw;
    this.trace = normalize(raw);
    this.view = this.trace.transposed && view === "scatter" ? "scatter" : "canvas";
    this.pinned = null;
    const Kind = this.view === "scatter" ? ScatterDiagram : CanvasDiagram;
    this.diagram = new Kind(this.root, this.trace);
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
      if (e.target.closest("input, textarea, select, button, a, dialog")) return;
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
    const cellOf = (e) => e.target.closest("[data-grid=input], [data-grid=output]");
    this.root.addEventListener("mouseover", (e) => {
      if (this.pinned) return;
      const cell = cellOf(e);
      if (cell) this.diagram.highlight(cell);
      else this.diagram.clearHighlight();
    });
    this.root.addEventListener("mouseleave", () => {
      if (!this.pinned) this.diagram.clearHighlight();
    });
    this.root.addEventListener("click", (e) => {
      const cell = cellOf(e);
      if (!cell) return;
      if (this.pinned === cell) {
        this.unpin();
        return;
      }
      if (this.pinned) this.pinned.classList.remove("pinned");
      this.pinned = cell;
      cell.classList.add("pinned");
      this.diagram.highlight(cell);
      this.statusEl.textContent = `Pinned ${cell.dataset.grid}[${cell.dataset.index}]; `
        + "click it again or press Escape to unpin.";
    });
  }

  unpin() {
    this.pinned.classList.remove("pinned");
    this.pinned = null;
    this.diagram.clearHighlight();
  }
}
