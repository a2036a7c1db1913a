// A diagram with its player: what the full page, /embed, compare mode and tours show.
// A component: `new Viewer(root, options)` finds its parts inside root only
// (.diagram, .arithmetic, .status, [data-part=play|back|forward|reset|step|speed]), so
// several can live on one page. It loads a trace into a view (static/js/views/), moves
// it step by step, and lets a person explore by pointer or keyboard (explore.js).
// Player keys (Space, ←, →, Home) go to the viewer that holds focus or was used last.
// A diagram plays only while it is on screen and its tab is visible (IntersectionObserver,
// Page Visibility): otherwise its player is held, costing nothing, and goes on from the
// same step when it is back (root carries data-asleep meanwhile). Distill's figures do the same.

import { fitCells, setCell } from "./cells.js";
import { wireExploring } from "./explore.js";
import { t as translate } from "./i18n.js";
import { Player } from "./player.js";
import { readTrace } from "./trace.js";
import { loadView } from "./views/index.js";

const viewers = new Set();
let lastUsed = null;

function onDocumentKey(e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const holder = [...viewers].find((v) => v.root.contains(e.target));
  const viewer = holder || (e.target === document.body || e.target === document.documentElement
    ? lastUsed || [...viewers][0] : null);
  if (!viewer) return;
  if (e.key === "Escape" && viewer.pinned) {
    viewer.unpin();
    return;
  }
  // A player button keeps ← → Home after a click (Space and Enter press the button itself);
  // fields, links, dialogs and explorable grids keep their own keys.
  const playerButton = e.target.closest(".player button");
  if (playerButton ? e.key === " " : e.target.closest("input, textarea, select, button, a, dialog, [role=grid]")) return;
  const p = viewer.player;
  if (e.key === " ") p.toggle();
  else if (e.key === "ArrowRight") p.forward();
  else if (e.key === "ArrowLeft") p.back();
  else if (e.key === "Home") p.reset();
  else return;
  e.preventDefault();
}

/** The width root's flex children need on one line (their boxes and the gaps between), or
 * more when a stage inside wraps its own grids. */
function rowWidth(root) {
  const items = [...root.children].filter((el) => el.offsetParent !== null);
  const gap = parseFloat(getComputedStyle(root).columnGap) || 0;
  let total = gap * Math.max(0, items.length - 1);
  for (const el of items) {
    const inner = [...el.children].filter((c) => c.offsetParent !== null);
    const rows = new Set(inner.map((c) => c.offsetTop)).size;
    total += el.scrollWidth * (el.classList.contains("stage") && rows > 1 ? rows : 1);
  }
  return total;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

export class Viewer {
  constructor(root, { loop = false, maxCell = 48, height = () => window.innerHeight * 0.7,
    onStep = () => {}, onPlaying = () => {}, stackOnPhone = true, t = translate } = {}) {
    this.root = root;
    const part = (name) => root.querySelector(`[data-part=${name}]`);
    this.diagramEl = root.querySelector(".diagram");
    this.arithmeticEl = root.querySelector(".arithmetic");
    this.statusEl = root.querySelector(".status");
    this.keysId = root.querySelector(".explore-keys")?.id;
    this.parts = {
      play: part("play"), back: part("back"), forward: part("forward"), reset: part("reset"),
      step: part("step"), speed: part("speed"),
    };
    this.t = t;
    this.maxCell = maxCell;
    this.height = height;
    this.onStep = onStep;
    this.onPlaying = onPlaying;
    this.stackOnPhone = stackOnPhone; // the page stacks its grids on a phone; an embed need not
    this.pinned = null;
    this.cur = 0;
    this.player = new Player({
      count: 1,
      loop,
      onStep: (n) => this.show(n),
      onPlaying: (playing) => this.showPlaying(playing),
    });
    this.offs = [this.wirePlayer(), wireExploring(this.diagramEl, this)];
    const used = () => { lastUsed = this; };
    root.addEventListener("pointerdown", used);
    root.addEventListener("focusin", used);
    // The first observation after mount() reports the width fit() has just used: refitting
    // then would only force the layout again before the first paint.
    this.resize = new ResizeObserver(([entry]) => {
      const width = Math.round(entry.contentRect.width);
      if (width === this.fitted) return; // height follows the cells
      this.width = entry.contentRect.width;
      this.fit();
    });
    this.resize.observe(this.diagramEl);
    this.onScreen = true;
    this.sight = new IntersectionObserver((entries) => {
      this.onScreen = entries[entries.length - 1].isIntersecting;
      this.sleepOrWake();
    });
    this.sight.observe(root);
    this.onVisibility = () => this.sleepOrWake();
    document.addEventListener("visibilitychange", this.onVisibility);
    this.onWindowResize = () => this.fit(); // the height a diagram may take follows the window
    window.addEventListener("resize", this.onWindowResize);
    if (!viewers.size) document.addEventListener("keydown", onDocumentKey);
    viewers.add(this);
  }

  /** Draw a raw /api/trace JSON in a view, at a step; resolves to the view name shown.
   * A view that is already loaded is drawn before this returns (no blank frame). */
  load(raw, { view = "canvas", step = 0 } = {}) {
    this.player.pause();
    const trace = readTrace(raw);
    const found = loadView(view, trace);
    const token = (this.loading = {});
    if (found instanceof Promise) {
      return found.then((f) => (this.loading === token ? this.mount(raw, trace, f, step) : f.name));
    }
    return Promise.resolve(this.mount(raw, trace, found, step));
  }

  mount(raw, trace, { name, View }, step) {
    performance.mark("convscope:draw-start");
    this.width = this.diagramEl.clientWidth; // measured before the new cells exist
    this.view?.destroy();
    this.pinned = null;
    this.raw = raw;
    this.trace = trace;
    this.viewName = name;
    this.diagramEl.dataset.view = name;
    this.view = new View(this.diagramEl, trace, {
      t: this.t, query: raw.query, fetchJson, keysId: this.keysId,
    });
    const start = () => {
      this.fit();
      this.player.setCount(this.view.count);
      this.parts.step.max = String(this.view.count - 1);
      this.player.seek(Number.isFinite(step) ? step : 0);
      // measured by benchmarks and browser checks (never asserted): build + first step
      performance.measure("convscope:draw", "convscope:draw-start");
      return name;
    };
    return this.view.ready ? this.view.ready.then(start) : start();
  }

  fit() {
    if (!this.view) return;
    const root = this.diagramEl;
    this.fitted = Math.round(this.width ?? root.clientWidth);
    let cell = fitCells(root, this.view.stages(), {
      maxCell: this.maxCell, height: this.height(), width: this.width, stack: this.stackOnPhone,
    });
    const phone = window.innerWidth < 600 && this.stackOnPhone;
    // A 3-D layer's kernel is a row of slices beside rows of slices: kept at least 40 px it
    // would take the row and leave the input and output a few pixels a cell.
    const volume = this.view.t?.nd === 3;
    const least = volume ? 18 : phone ? 28 : 40;
    // on a phone the kernel does not tower over the grids beside it
    const kernel = (c) => root.style.setProperty("--kcell", `${Math.min(64, Math.max(c, least))}px`);
    kernel(cell);
    // A phone keeps the numbers of a small layer readable (≥ 20 px cells) and lets a long
    // row (a 1-D signal) scroll sideways; a big grid stays an overview.
    const widest = Math.max(...this.view.stages().flat().map((g) => g.cols));
    const scroll = phone && cell < 20 && widest <= 32;
    root.classList.toggle("scroll-x", scroll);
    if (scroll) {
      cell = setCell(root, 20);
      kernel(cell);
    }
    if (window.innerWidth < 600 || this.diagramEl.classList.contains("one-d")) return;
    // One row where the screen is wide: the estimate leaves out the operators, captions and
    // the kernel's own cells, so measure the row and shrink the cells until nothing wraps.
    // Small grids keep readable numbers (≥ 18 px) and wrap instead; big ones shrink to fit.
    // (a 3-D grid's columns are its slices side by side: 4×4×4 is 18 columns, still small)
    const floor = widest <= (volume ? 40 : 16) ? Math.min(cell, 18) : 4;
    // Each measurement is a forced layout of the whole diagram, so the next size is a guess
    // from the last two: the row is some fixed width (operators, captions, gaps) plus a part
    // that grows with the cell, so two measurements give the size that fits (one more
    // layout checks it). Only the first guess is proportional.
    const room = root.clientWidth;
    let before = null;
    for (let tries = 0; tries < 6 && cell > floor; tries += 1) {
      const needed = rowWidth(root);
      if (needed <= room + 1) break;
      let next = Math.floor((cell * room) / needed) - 1;
      if (before && before.cell !== cell && before.needed > needed) {
        const perPixel = (before.needed - needed) / (before.cell - cell);
        next = Math.min(next + 1, Math.floor(cell - (needed - room) / perPixel));
      }
      before = { cell, needed };
      cell = setCell(root, Math.max(floor, Math.min(cell - 1, next)));
      kernel(cell);
    }
  }

  show(n) {
    this.cur = n;
    this.view.showStep(n);
    if (!this.exploring) this.arithmeticEl.textContent = this.view.arithmetic(n);
    const status = this.view.status(n);
    // While playing, the live region is left alone (a flood of announcements helps no one);
    // pausing announces where it stopped.
    if (!this.player.playing && !this.exploring) this.say(status);
    this.parts.step.value = String(n);
    this.parts.step.setAttribute("aria-valuetext", status);
    this.onStep(n);
  }

  /** Hold the player while the diagram is off screen or its tab hidden. */
  sleepOrWake() {
    const asleep = !this.onScreen || document.visibilityState === "hidden";
    this.player.hold(asleep);
    this.root.toggleAttribute("data-asleep", asleep);
  }

  say(text) {
    this.statusEl.textContent = text;
  }

  showPlaying(playing) {
    const button = this.parts.play;
    button.setAttribute("aria-label", this.t(playing ? "player.pause" : "player.play"));
    button.classList.toggle("playing", playing);
    this.view?.setPlaying?.(playing);
    this.diagramEl.classList.toggle("playing", playing);
    if (!playing && this.view) this.say(this.view.status(this.cur));
    this.onPlaying(playing);
  }

  wirePlayer() {
    const p = this.player;
    const { play, forward, back, reset, step, speed } = this.parts;
    const handlers = [
      [play, "click", () => p.toggle()],
      [forward, "click", () => p.forward()],
      [back, "click", () => p.back()],
      [reset, "click", () => p.reset()],
      [step, "input", (e) => { p.pause(); p.seek(Number(e.target.value)); }],
      [speed, "change", (e) => p.setSpeed(Number(e.target.value))],
    ].filter(([el]) => el);
    for (const [el, type, handler] of handlers) el.addEventListener(type, handler);
    return () => handlers.forEach(([el, type, handler]) => el.removeEventListener(type, handler));
  }

  setSpeed(speed) {
    const select = this.parts.speed;
    if (![...select.options].some((o) => Number(o.value) === speed)) {
      select.add(new Option(`${speed}×`, String(speed)));
    }
    select.value = [...select.options].find((o) => Number(o.value) === speed).value;
    this.player.setSpeed(speed);
  }

  /** Hover or focus: light what the cell touches, say it, and show its arithmetic. */
  explore(cell) {
    this.view.highlight(cell);
    this.exploring = cell;
    const text = this.view.explain?.(cell);
    this.arithmeticEl.textContent = text ?? this.view.arithmetic(this.cur);
    this.say(this.view.describe(cell));
  }

  stopExploring() {
    if (!this.view) return;
    this.view.clearHighlight();
    this.exploring = null;
    this.arithmeticEl.textContent = this.view.arithmetic(this.cur);
  }

  describeWithPin(cell) {
    return `${this.view.describe(cell)} ${this.t("explore.pinned.other", {
      grid: this.pinned.dataset.grid, index: this.pinned.dataset.index,
    })}`;
  }

  togglePin(cell) {
    if (this.pinned === cell) {
      this.unpin();
      return;
    }
    if (this.pinned) this.unpin({ quiet: true });
    this.pinned = cell;
    cell.classList.add("pinned");
    cell.setAttribute("aria-selected", "true");
    this.explore(cell);
    this.say(this.t("explore.pinned", {
      grid: cell.dataset.grid, index: cell.dataset.index, what: this.view.describe(cell),
    }));
  }

  unpin({ quiet = false } = {}) {
    const cell = this.pinned;
    cell.classList.remove("pinned");
    cell.removeAttribute("aria-selected");
    this.pinned = null;
    this.stopExploring();
    if (!quiet) this.say(this.t("explore.unpinned", { grid: cell.dataset.grid, index: cell.dataset.index }));
  }

  destroy() {
    this.player.pause();
    this.view?.destroy();
    this.offs.forEach((off) => off());
    this.resize.disconnect();
    this.sight.disconnect();
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("resize", this.onWindowResize);
    viewers.delete(this);
    if (lastUsed === this) lastUsed = null;
    if (!viewers.size) document.removeEventListener("keydown", onDocumentKey);
  }
}
