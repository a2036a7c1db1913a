// The receptive field of one output cell, drawn on the stack's input, growing layer by
// layer. Everything comes from /api/stack's probe.
//
// A grid whose cells fit at MIN_CELL px or more is drawn cell by cell (exactly the cells
// the API lists, holes included). A bigger one (a 112×112 layer, a 224×224 input) is drawn
// the way a map is read: a small *map* of the whole grid on a canvas, the field lit and the
// magnified window framed, beside a *magnifier*, the same cells as the small grids (same
// data-grid, data-index and classes) at 12–28 px, with their row and column numbers. The
// magnifier of the output follows the probed cell (click, tap or arrow keys); the map of
// the output picks a cell anywhere, the map of the input moves the input's magnifier.

import { palette } from "../dense.js";
import { t } from "./i18n.js";

const MIN_CELL = 12; // px: a learner reads and taps cells at least this big
const LENS_MAX_CELL = 28;
const LENS_HEIGHT = 400; // px: the magnifier's height at most
const OUTPUT_AROUND = 8; // the output's magnifier shows at least this many cells each side
const MAP_SIZE = 150; // px: the map's longer side
const RULER = 34; // px: the row numbers left of the magnifier

const views = new WeakMap(); // root → where its magnifier looks ({ key, top, left })

function el(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

const as2d = (size) => (size.length === 1 ? [1, size[0]] : size);
const index2d = (index) => (index.length === 1 ? [0, index[0]] : index);
const clamp = (value, low, high) => Math.max(low, Math.min(high, value));

/** The width a figure has: half of a wide card, all of a narrow one. */
function room(root) {
  const card = root.closest(".card")?.clientWidth || 360;
  return Math.min(card > 720 ? card / 2 - 48 : card - 40, 420);
}

/** The cell size of a grid drawn whole, cell by cell. */
function wholeCell(root, rows, cols) {
  return Math.min(28, Math.floor(room(root) / cols), Math.floor(360 / rows));
}

function setCell(node, cell, rows, cols) {
  node.style.setProperty("--cell", `${cell}px`);
  node.style.setProperty("--cols", String(cols));
  node.style.setProperty("--rows", String(rows));
}

const probed = new WeakMap(); // root → the cell its keys last picked (ahead of the redraw)

/** Arrow keys move the probed cell (Home: the centre), so the grid works without a mouse.
 * Keys pressed faster than the page redraws count from the last one, not the drawn one. */
function keyboard(root, node, size, chosen, onPick, label) {
  node.tabIndex = 0;
  node.setAttribute("role", "group");
  node.setAttribute("aria-label", label);
  probed.set(root, chosen);
  node.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const [rows, cols] = as2d(size);
    const last = probed.get(root);
    let [y, x] = last ? index2d(last) : [Math.floor(rows / 2), Math.floor(cols / 2)];
    if (event.key in moves) {
      y = Math.min(rows - 1, Math.max(0, y + moves[event.key][0]));
      x = Math.min(cols - 1, Math.max(0, x + moves[event.key][1]));
    } else if (event.key === "Home") {
      [y, x] = [Math.floor(rows / 2), Math.floor(cols / 2)];
    } else return;
    event.preventDefault();
    const index = size.length === 1 ? [x] : [y, x];
    probed.set(root, index);
    onPick(index);
  });
}

/**
 * Which part of a rows × cols grid the magnifier shows, and at what cell size: `region`
 * ([[y0, y1], [x0, x1]]) whole if it fits at MIN_CELL px, centred otherwise.
 */
function lensWindow(width, rows, cols, region) {
  const [[y0, y1], [x0, x1]] = region;
  const needCols = Math.min(cols, x1 - x0 + 3);
  const needRows = Math.min(rows, y1 - y0 + 3);
  const cell = clamp(Math.floor(Math.min(width / needCols, LENS_HEIGHT / needRows)), MIN_CELL, LENS_MAX_CELL);
  const across = Math.min(cols, Math.floor(width / cell));
  const down = Math.min(rows, Math.floor(LENS_HEIGHT / cell));
  const top = clamp(Math.round((y0 + y1 + 1) / 2 - down / 2), 0, rows - down);
  const left = clamp(Math.round((x0 + x1 + 1) / 2 - across / 2), 0, cols - across);
  return { top, left, across, down, cell };
}

/** Where the output's magnifier starts along one side: where it was while the probed cell
 * `at` is in view (a click never moves the cells under the pointer), one cell further
 * when an arrow key steps out of it, centred on `at` after a jump (a click on the map). */
function follow(at, start, span, size, centred) {
  if (at >= start && at < start + span) return start;
  if (at === start - 1) return at;
  if (at === start + span) return at - span + 1;
  return clamp(centred, 0, size - span);
}

/** Row or column numbers along the magnifier: the marked ones (bold) and every `step`-th. */
function ruler(className, from, count, cell, marked) {
  const node = el("div", `lens-ruler ${className}`);
  node.setAttribute("aria-hidden", "true");
  const step = Math.ceil((className === "lens-columns" ? 26 : 16) / cell);
  const near = (i) => marked.some((m) => m !== i && Math.abs(m - i) < step);
  for (let i = from; i < from + count; i += 1) {
    const mark = marked.includes(i);
    node.append(el("span", mark ? "marked" : "", mark || (i % step === 0 && !near(i)) ? String(i) : ""));
  }
  return node;
}

/** The map: the whole grid on a canvas, scaled to MAP_SIZE, painted by `paint(ctx, sx, sy)`. */
function drawMap(root, rows, cols, className, paint) {
  const map = el("div", `field-map ${className}`);
  const sx = Math.min(MAP_SIZE, room(root)) / Math.max(rows, cols);
  const sy = rows === 1 ? Math.max(sx, 12) : sx;
  const canvas = el("canvas");
  canvas.setAttribute("aria-hidden", "true");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(cols * sx * ratio);
  canvas.height = Math.round(rows * sy * ratio);
  map.style.width = `${cols * sx}px`;
  map.style.height = `${rows * sy}px`;
  map.append(canvas);
  root.append(map);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  paint(ctx, sx, sy, palette(map));
  return map;
}

/** Where a click on the map is, as a cell. */
function mapCell(map, event, rows, cols) {
  const box = map.getBoundingClientRect();
  const y = clamp(Math.floor(((event.clientY - box.top) / box.height) * rows), 0, rows - 1);
  const x = clamp(Math.floor(((event.clientX - box.left) / box.width) * cols), 0, cols - 1);
  return [y, x];
}

function frame(map, view, rows, cols) {
  const node = el("span", "field-window");
  place(node, [view.top, view.top + view.down - 1], [view.left, view.left + view.across - 1], rows, cols);
  map.append(node);
}

/** The chosen layer's output: click a cell (or use the arrow keys) to probe it. */
export function renderOutput(root, size, chosen, onPick, label = "") {
  const [rows, cols] = as2d(size);
  const hadFocus = root.contains(document.activeElement);
  root.replaceChildren();
  const [cy, cx] = chosen ? index2d(chosen) : [Math.floor(rows / 2), Math.floor(cols / 2)];
  const whole = wholeCell(root, rows, cols) >= MIN_CELL;
  root.classList.toggle("zoomed", !whole);
  let view = { top: 0, left: 0, down: rows, across: cols, cell: wholeCell(root, rows, cols) };
  if (!whole) {
    const around = [[cy - OUTPUT_AROUND, cy + OUTPUT_AROUND], [cx - OUTPUT_AROUND, cx + OUTPUT_AROUND]]
      .map(([a, b], d) => [Math.max(0, a), Math.min([rows, cols][d] - 1, b)]);
    view = lensWindow(room(root) - RULER, rows, cols, around);
    const kept = views.get(root);
    if (kept?.key === size.join() && kept.across === view.across && kept.down === view.down) {
      view.top = follow(cy, kept.top, view.down, rows, view.top);
      view.left = follow(cx, kept.left, view.across, cols, view.left);
    }
    views.set(root, { ...view, key: size.join() });
    const map = drawMap(root, rows, cols, "out", (ctx, sx, sy, p) => {
      ctx.fillStyle = p.output;
      ctx.fillRect(0, 0, cols * sx, rows * sy);
    });
    const mark = el("span", "field-mark");
    place(mark, [cy, cy], [cx, cx], rows, cols);
    map.append(mark);
    frame(map, view, rows, cols);
    map.title = t("stack_page.map_output_hint");
    map.addEventListener("click", (event) => {
      const [y, x] = mapCell(map, event, rows, cols);
      onPick(size.length === 1 ? [x] : [y, x]);
    });
  }
  const grid = el("div", "field-cells out");
  setCell(grid, view.cell, view.down, view.across);
  for (let y = view.top; y < view.top + view.down; y += 1) {
    for (let x = view.left; x < view.left + view.across; x += 1) {
      const cell = el("span", `fcell out${y === cy && x === cx && chosen ? " chosen" : ""}`);
      cell.dataset.grid = "output";
      cell.dataset.index = size.length === 1 ? String(x) : `${y},${x}`;
      grid.append(cell);
    }
  }
  grid.addEventListener("click", (event) => {
    const index = event.target.dataset?.index;
    if (index !== undefined) onPick(index.split(",").map(Number));
  });
  keyboard(root, grid, size, chosen, onPick, label);
  root.append(whole ? grid : lens(grid, view, size.length, [cy], [cx], "stack_page.lens_output"));
  if (hadFocus) grid.focus();
}

/** The magnifier: the cells with their row and column numbers, and a caption. */
function lens(grid, view, ndim, markedRows, markedCols, captionKey) {
  const box = el("div", "field-lens");
  box.style.setProperty("--cell", `${view.cell}px`);
  const columns = ruler("lens-columns", view.left, view.across, view.cell, markedCols);
  const rows = ndim === 1 ? el("span") : ruler("lens-rows", view.top, view.down, view.cell, markedRows);
  box.append(el("span"), columns, rows, grid);
  const shown = [[view.top, view.top + view.down - 1], [view.left, view.left + view.across - 1]];
  const caption = el("p", "lens-caption", t(captionKey, {
    ranges: ranges(ndim === 1 ? shown.slice(1) : shown, rangeNames(ndim)),
  }));
  const wrap = el("div", "field-zoom");
  wrap.append(box, caption);
  return wrap;
}

function place(node, [y0, y1], [x0, x1], rows, cols) {
  node.style.setProperty("--top", String(y0 / rows));
  node.style.setProperty("--left", String(x0 / cols));
  node.style.setProperty("--height", String((y1 - y0 + 1) / rows));
  node.style.setProperty("--width", String((x1 - x0 + 1) / cols));
}

const ranges = (bounds, names) => bounds.map(([a, b], d) => `${names[d]} ${a}–${b}`).join(", ");
const rangeNames = (ndim) => (ndim === 1 ? ["cells"] : ["rows", "columns"]).map((name) => t(`stack_page.range.${name}`));

/** Consecutive indices as runs: [1, 2, 3, 7] → [[1, 3], [7, 7]] (the map paints runs). */
function runs(indices) {
  const out = [];
  for (const i of indices) {
    const last = out[out.length - 1];
    if (last && i === last[1] + 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

/** The stack's input with the field of `probe` (one entry of the API's probe list). */
export function renderInput(root, inputSize, probe, layer) {
  const [rows, cols] = as2d(inputSize);
  root.replaceChildren();
  const names = rangeNames(inputSize.length);
  const bounds = probe?.bounds ? (probe.bounds.length === 1 ? [[0, 0], probe.bounds[0]] : probe.bounds) : null;
  const cells = probe?.cells ? (probe.cells.length === 1 ? [[0], probe.cells[0]] : probe.cells) : null;
  const whole = wholeCell(root, rows, cols) >= MIN_CELL;
  root.classList.toggle("zoomed", !whole);
  let view = { top: 0, left: 0, down: rows, across: cols, cell: wholeCell(root, rows, cols) };
  if (!whole) {
    const key = probe ? JSON.stringify([inputSize, probe.layer, probe.index]) : "";
    const kept = views.get(root);
    const region = bounds || [[Math.floor(rows / 2), Math.floor(rows / 2)], [Math.floor(cols / 2), Math.floor(cols / 2)]];
    view = kept?.key === key && kept.panned ? { ...kept } : lensWindow(room(root) - RULER, rows, cols, region);
    views.set(root, { ...view, key, panned: kept?.key === key && kept.panned });
    const map = drawMap(root, rows, cols, "in", (ctx, sx, sy, p) => {
      ctx.fillStyle = p.input;
      ctx.fillRect(0, 0, cols * sx, rows * sy);
      if (!cells) return;
      ctx.fillStyle = p.hl;
      for (const [ya, yb] of runs(cells[0])) {
        for (const [xa, xb] of runs(cells[1])) ctx.fillRect(xa * sx, ya * sy, (xb - xa + 1) * sx, (yb - ya + 1) * sy);
      }
    });
    if (probe?.bounds) {
      const rect = el("span", "field-rect");
      rect.dataset.bounds = JSON.stringify(probe.bounds);
      place(rect, bounds[0], bounds[1], rows, cols);
      map.append(rect);
    }
    frame(map, view, rows, cols);
    map.title = t("stack_page.map_input_hint");
    map.addEventListener("click", (event) => {
      const [y, x] = mapCell(map, event, rows, cols);
      views.set(root, {
        ...view, key, panned: true,
        top: clamp(y - Math.floor(view.down / 2), 0, rows - view.down),
        left: clamp(x - Math.floor(view.across / 2), 0, cols - view.across),
      });
      const status = renderInput(root, inputSize, probe, layer);
      root.closest(".stack-field")?.querySelector("#field-status")?.replaceChildren(status);
    });
  }
  const grid = el("div", "field-cells in");
  setCell(grid, view.cell, view.down, view.across);
  const sets = cells ? cells.map((c) => new Set(c)) : null;
  for (let y = view.top; y < view.top + view.down; y += 1) {
    for (let x = view.left; x < view.left + view.across; x += 1) {
      const inBox = bounds && y >= bounds[0][0] && y <= bounds[0][1] && x >= bounds[1][0] && x <= bounds[1][1];
      const inField = sets ? sets[0].has(y) && sets[1].has(x) : inBox;
      const cell = el("span", `fcell in${inBox ? " box" : ""}${inField ? " rf" : ""}`);
      cell.dataset.grid = "input";
      cell.dataset.index = inputSize.length === 1 ? String(x) : `${y},${x}`;
      grid.append(cell);
    }
  }
  if (!whole) {
    centres(grid, view, inputSize.length, probe, layer);
    root.append(lens(grid, view, inputSize.length, bounds ? bounds[0] : [], bounds ? bounds[1] : [], "stack_page.lens_input"));
  } else root.append(grid);
  if (!probe?.bounds) return t("stack_page.field_padding_only");
  const extent = probe.bounds.map(([a, b]) => b - a + 1).join("×");
  let text = t("stack_page.field_status", {
    layer: probe.layer + 1, index: probe.index.join(", "), extent, ranges: ranges(probe.bounds, names),
  });
  if (!whole) text += ` — ${t("stack_page.field_zoomed", { start: layer.start.join(", "), jump: layer.jump.join(", ") })}`;
  return text;
}

/** In the magnifier, dots at the centres of the neighbouring output cells of this layer
 * (start + n·jump, from the API), the probed cell's own centre larger. */
function centres(grid, view, ndim, probe, layer) {
  if (!probe) return;
  const [iy, ix] = index2d(probe.index);
  const start = ndim === 1 ? [0, layer.start[0]] : layer.start;
  const jump = ndim === 1 ? [0, layer.jump[0]] : layer.jump;
  const step = Math.min(...jump.filter((j) => j > 0));
  if (step < 2 || step * view.cell < 8) return; // every cell a centre, or too close to tell apart
  for (let dy = ndim === 1 ? 0 : -3; dy <= (ndim === 1 ? 0 : 3); dy += 1) {
    for (let dx = -3; dx <= 3; dx += 1) {
      const cy = ndim === 1 ? 0 : start[0] + (iy + dy) * jump[0];
      const cx = start[1] + (ix + dx) * jump[1];
      if (cy < view.top || cy > view.top + view.down - 1 || cx < view.left || cx > view.left + view.across - 1) continue;
      const dot = el("span", `field-dot${dy === 0 && dx === 0 ? " own" : ""}`);
      dot.style.setProperty("--top", String((cy - view.top + 0.5) / view.down));
      dot.style.setProperty("--left", String((cx - view.left + 0.5) / view.across));
      grid.append(dot);
    }
  }
}
