// Drawing for /learn: a kernel as a grid of coloured cells, and the loss curve as SVG.
// Nothing here computes a weight or a loss: both come from POST /api/learn's trajectory.

import { fmt } from "../trace.js";

/** A cell's colour: orange for +, purple for −, deeper with |value| / scale. */
export function shade(value, scale) {
  const a = Math.min(Math.abs(value) / (scale || 1), 1);
  const hue = value >= 0 ? 28 : 268;
  return { background: `hsl(${hue} 80% ${Math.round(96 - a * 50)}%)`, dark: a > 0.7 };
}

/** Fill `grid` with the cells of `kernel` (k×k numbers); `selected` [ky, kx] is marked. */
export function drawKernel(grid, kernel, scale, { name, selected, onPick } = {}) {
  const k = kernel.length;
  grid.style.setProperty("--k", String(k));
  if (grid.children.length !== k * k) {
    grid.replaceChildren();
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const el = document.createElement("div");
        el.className = "learn-cell";
        el.setAttribute("role", "gridcell");
        el.dataset.index = `${ky},${kx}`;
        el.tabIndex = ky === 0 && kx === 0 ? 0 : -1;
        if (onPick) el.addEventListener("click", () => onPick([ky, kx]));
        grid.append(el);
      }
    }
  }
  [...grid.children].forEach((el, i) => {
    const [ky, kx] = [Math.floor(i / k), i % k];
    const value = kernel[ky][kx];
    const look = shade(value, scale);
    el.style.background = look.background;
    el.classList.toggle("dark", look.dark);
    el.classList.toggle("selected", Boolean(selected) && selected[0] === ky && selected[1] === kx);
    // three decimals, or the first digits of a tiny number (a late gradient is not 0)
    const tiny = value !== 0 && Math.abs(value) < 0.0005;
    el.textContent = tiny ? value.toExponential(0).replace("-", "−") : fmt(Math.round(value * 1000) / 1000);
    el.setAttribute("aria-label", `${name} [${ky},${kx}] = ${fmt(value)}`);
  });
}

const W = 400;
const H = 160;
const PAD = 28;

/** The loss curve on a log scale (losses span many decades), with the current step marked. */
export function drawLoss(svg, losses, current) {
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-300)));
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  const span = hi - lo || 1;
  const x = (i) => PAD + (i / Math.max(losses.length - 1, 1)) * (W - PAD - 8);
  const y = (v) => 8 + (1 - (v - lo) / span) * (H - PAD - 8);
  const ns = "http://www.w3.org/2000/svg";
  const make = (tag, attrs) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    return el;
  };
  if (!svg.dataset.drawn || svg.dataset.drawn !== String(losses.length) + losses[0]) {
    svg.replaceChildren();
    svg.append(make("line", { x1: PAD, y1: H - PAD, x2: W - 8, y2: H - PAD, class: "axis" }));
    svg.append(make("line", { x1: PAD, y1: 8, x2: PAD, y2: H - PAD, class: "axis" }));
    const label = (text, attrs) => { const el = make("text", attrs); el.textContent = text; svg.append(el); };
    label(`1e${Math.round(hi)}`, { x: 2, y: 16, class: "tick" });
    label(`1e${Math.round(lo)}`, { x: 2, y: H - PAD, class: "tick" });
    label(String(losses.length - 1), { x: W - 30, y: H - 10, class: "tick" });
    label("0", { x: PAD, y: H - 10, class: "tick" });
    const points = logs.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg.append(make("polyline", { points, class: "curve" }));
    svg.append(make("circle", { r: 4, class: "now", cx: x(0), cy: y(logs[0]) }));
    svg.dataset.drawn = String(losses.length) + losses[0];
  }
  const dot = svg.querySelector("circle.now");
  dot.setAttribute("cx", x(current).toFixed(1));
  dot.setAttribute("cy", y(logs[current]).toFixed(1));
}
