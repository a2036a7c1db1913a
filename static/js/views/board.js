// Small drawing helpers shared by the matrix and overlap views: an element, a captioned
// ARIA grid of cells (one tab stop, arrow keys move within it), and that movement.

export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** An arrow or operator between grids, hidden from screen readers. */
export function operator(text) {
  const el = element("div", "arrow", text);
  el.setAttribute("aria-hidden", "true");
  return el;
}

/** A captioned ARIA grid of rows × cols cells made by `make(r, c)`; returns { fig, cells }. */
export function board(caption, rows, cols, className, make) {
  const fig = element("figure", `grid-figure ${className}`);
  const cap = element("figcaption", "", caption);
  const grid = element("div", "grid");
  grid.setAttribute("role", "grid");
  grid.setAttribute("aria-label", caption);
  fig.style.setProperty("--rows", rows);
  fig.style.setProperty("--cols", cols);
  const cells = [];
  for (let r = 0; r < rows; r++) {
    const row = element("div", "grid-row");
    row.setAttribute("role", "row");
    cells.push([]);
    for (let c = 0; c < cols; c++) {
      const el = make(r, c);
      el.setAttribute("role", "gridcell");
      cells[r].push(el);
      row.append(el);
    }
    grid.append(row);
  }
  cells[0][0].tabIndex = 0;
  fig.append(cap, grid);
  return { fig, cells };
}

/** The cell of `cells` (rows of cells) an arrow key moves `el` to; undefined for other keys. */
export function neighbourIn(cells, el, key, ctrl = false) {
  let r = cells.findIndex((row) => row.includes(el));
  if (r < 0) return undefined;
  let c = cells[r].indexOf(el);
  const last = [cells.length - 1, cells[0].length - 1];
  switch (key) {
    case "ArrowUp": r -= 1; break;
    case "ArrowDown": r += 1; break;
    case "ArrowLeft": c -= 1; break;
    case "ArrowRight": c += 1; break;
    case "PageUp": r -= 5; break;
    case "PageDown": r += 5; break;
    case "Home": c = 0; if (ctrl) r = 0; break;
    case "End": c = last[1]; if (ctrl) r = last[0]; break;
    default: return undefined;
  }
  return cells[Math.min(Math.max(r, 0), last[0])][Math.min(Math.max(c, 0), last[1])];
}

/** Up to `most` items joined, then "… (n more)". */
export function listed(items, most = 12) {
  return items.length > most
    ? `${items.slice(0, most - 1).join(", ")}, … (+${items.length - most + 1})`
    : items.join(", ");
}
