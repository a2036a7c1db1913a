// The receptive field of one output cell, drawn on the stack's input, growing layer by
// layer. Small grids are drawn cell by cell (exactly the cells the API lists, holes
// included); large ones to scale: the field's rectangle and, around it, the centres
// of the neighbouring cells (start + n·jump). Everything comes from /api/stack's probe.

import { t } from "./i18n.js";

const CELLWISE = 64; // per dimension: cell by cell up to this size

function el(tag, className = "", text = "") {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

const as2d = (size) => (size.length === 1 ? [1, size[0]] : size);
const index2d = (index) => (index.length === 1 ? [0, index[0]] : index);

function fitCell(root, rows, cols) {
  // Two figures side by side on a wide card, one above the other on a narrow one.
  const card = root.closest(".card")?.clientWidth || 360;
  const width = Math.min(card > 720 ? card / 2 - 48 : card - 40, 420);
  const cell = Math.max(3, Math.min(28, Math.floor(width / cols), Math.floor(360 / rows)));
  root.style.setProperty("--cell", `${cell}px`);
  root.style.setProperty("--cols", String(cols));
  root.style.setProperty("--rows", String(rows));
}

/** Arrow keys move the probed cell (Home: the centre), so the grid works without a mouse. */
function keyboard(node, size, chosen, onPick, label) {
  node.tabIndex = 0;
  node.setAttribute("role", "group");
  node.setAttribute("aria-label", label);
  node.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const [rows, cols] = as2d(size);
    let [y, x] = chosen ? index2d(chosen) : [Math.floor(rows / 2), Math.floor(cols / 2)];
    if (event.key in moves) {
      y = Math.min(rows - 1, Math.max(0, y + moves[event.key][0]));
      x = Math.min(cols - 1, Math.max(0, x + moves[event.key][1]));
    } else if (event.key === "Home") {
      [y, x] = [Math.floor(rows / 2), Math.floor(cols / 2)];
    } else return;
    event.preventDefault();
    onPick(size.length === 1 ? [x] : [y, x]);
  });
}

/** The chosen layer's output: click a cell (or use the arrow keys) to probe it. */
export function renderOutput(root, size, chosen, onPick, label = "") {
  const [rows, cols] = as2d(size);
  const hadFocus = root.contains(document.activeElement);
  root.replaceChildren();
  root.classList.toggle("scaled", rows > CELLWISE || cols > CELLWISE);
  const [cy, cx] = chosen ? index2d(chosen) : [-1, -1];
  if (rows <= CELLWISE && cols <= CELLWISE) {
    fitCell(root, rows, cols);
    const grid = el("div", "field-cells out");
    for (let y = 0; y < rows; y += 1) {
      for (let x = 0; x < cols; x += 1) {
        const cell = el("span", `fcell out${y === cy && x === cx ? " chosen" : ""}`);
        cell.dataset.grid = "output";
        cell.dataset.index = size.length === 1 ? String(x) : `${y},${x}`;
        grid.append(cell);
      }
    }
    grid.addEventListener("click", (event) => {
      const index = event.target.dataset?.index;
      if (index !== undefined) onPick(index.split(",").map(Number));
    });
    keyboard(grid, size, chosen, onPick, label);
    root.append(grid);
    if (hadFocus) grid.focus();
    return;
  }
  fitCell(root, Math.min(rows, 240), Math.min(cols, 240));
  const box = el("div", "field-box out");
  box.style.setProperty("--aspect", String(cols / rows));
  box.dataset.grid = "output";
  if (chosen) {
    const mark = el("span", "field-mark");
    place(mark, [cy, cy], [cx, cx], rows, cols);
    box.append(mark);
  }
  box.addEventListener("click", (event) => {
    const rect = box.getBoundingClientRect();
    const y = Math.min(rows - 1, Math.floor(((event.clientY - rect.top) / rect.height) * rows));
    const x = Math.min(cols - 1, Math.floor(((event.clientX - rect.left) / rect.width) * cols));
    onPick(size.length === 1 ? [x] : [y, x]);
  });
  keyboard(box, size, chosen, onPick, label);
  root.append(box);
  if (hadFocus) box.focus();
}

function place(node, [y0, y1], [x0, x1], rows, cols) {
  node.style.setProperty("--top", String(y0 / rows));
  node.style.setProperty("--left", String(x0 / cols));
  node.style.setProperty("--height", String((y1 - y0 + 1) / rows));
  node.style.setProperty("--width", String((x1 - x0 + 1) / cols));
}

const ranges = (bounds, names) => bounds.map(([a, b], d) => `${names[d]} ${a}–${b}`).join(", ");

/** The stack's input with the field of `probe` (one entry of the API's probe list). */
export function renderInput(root, inputSize, probe, layer) {
  const [rows, cols] = as2d(inputSize);
  root.replaceChildren();
  const names = (inputSize.length === 1 ? ["cells"] : ["rows", "columns"])
    .map((name) => t(`stack_page.range.${name}`));
  if (rows <= CELLWISE && cols <= CELLWISE) {
    fitCell(root, rows, cols);
    const grid = el("div", "field-cells in");
    const bounds = probe?.bounds ? (probe.bounds.length === 1 ? [[0, 0], probe.bounds[0]] : probe.bounds) : null;
    const cells = probe?.cells ? (probe.cells.length === 1 ? [[0], probe.cells[0]] : probe.cells) : null;
    const sets = cells ? cells.map((c) => new Set(c)) : null;
    for (let y = 0; y < rows; y += 1) {
      for (let x = 0; x < cols; x += 1) {
        const inBox = bounds && y >= bounds[0][0] && y <= bounds[0][1] && x >= bounds[1][0] && x <= bounds[1][1];
        const inField = sets ? sets[0].has(y) && sets[1].has(x) : inBox;
        const cell = el("span", `fcell in${inBox ? " box" : ""}${inField ? " rf" : ""}`);
        cell.dataset.grid = "input";
        cell.dataset.index = inputSize.length === 1 ? String(x) : `${y},${x}`;
        grid.append(cell);
      }
    }
    root.append(grid);
  } else {
    fitCell(root, Math.min(rows, 240), Math.min(cols, 240));
    const box = el("div", "field-box in");
    box.style.setProperty("--aspect", String(cols / rows));
    box.dataset.grid = "input";
    if (probe?.bounds) {
      const [by, bx] = probe.bounds.length === 1 ? [[0, rows - 1], probe.bounds[0]] : probe.bounds;
      const rect = el("span", "field-rect");
      rect.dataset.bounds = JSON.stringify(probe.bounds);
      place(rect, by, bx, rows, cols);
      root.append(box);
      box.append(rect);
      // Dots only where they stay apart (at least 5 px between neighbouring centres).
      const scale = box.getBoundingClientRect().width / cols;
      // Centres of the neighbouring output cells of this layer: start + n·jump.
      const [iy, ix] = index2d(probe.index);
      const start = layer.start.length === 1 ? [(rows - 1) / 2, layer.start[0]] : layer.start;
      const jump = layer.jump.length === 1 ? [0, layer.jump[0]] : layer.jump;
      const spaced = Math.min(...jump.filter((j) => j > 0)) * scale >= 5;
      for (let dy = -3; spaced && dy <= 3; dy += 1) {
        for (let dx = -3; dx <= 3; dx += 1) {
          if (inputSize.length === 1 && dy !== 0) continue;
          const cy = inputSize.length === 1 ? start[0] : start[0] + (iy + dy) * jump[0];
          const cx = start[1] + (ix + dx) * jump[1];
          if (cy < 0 || cy > rows - 1 || cx < 0 || cx > cols - 1) continue;
          const dot = el("span", `field-dot${dy === 0 && dx === 0 ? " own" : ""}`);
          dot.style.setProperty("--top", String((cy + 0.5) / rows));
          dot.style.setProperty("--left", String((cx + 0.5) / cols));
          box.append(dot);
        }
      }
    }
    root.append(box);
  }
  if (!probe?.bounds) return t("stack_page.field_padding_only");
  const extent = probe.bounds.map(([a, b]) => b - a + 1).join("×");
  let text = t("stack_page.field_status", {
    layer: probe.layer + 1, index: probe.index.join(", "), extent, ranges: ranges(probe.bounds, names),
  });
  if (rows > CELLWISE || cols > CELLWISE) {
    text += ` — ${t("stack_page.field_large", { start: layer.start.join(", "), jump: layer.jump.join(", ") })}`;
  }
  return text;
}
