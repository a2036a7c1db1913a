// Big grids while playing: thousands of DOM cells cost a full repaint per step (measured:
// 8 frames per second at 64×64), so while a dense diagram plays, its cells are hidden
// (.diagram.dense.playing) and each grid is painted on one <canvas> instead; per step
// only the cells that change are repainted. The DOM cells stay (data-grid/data-index,
// names, keyboard and hover exploring) and come back, already up to date, on pause.
// Colours are the CSS palette's custom properties, so the two pictures agree.

const DENSE_CELLS = 2500;

/** Is a diagram of this many cells drawn on canvas while playing? */
export function isDense(cells) {
  return cells > DENSE_CELLS;
}

/** The palette, read from the diagram's computed custom properties. */
export function palette(root) {
  const style = getComputedStyle(root);
  const v = (name) => style.getPropertyValue(name).trim();
  return {
    input: v("--blue"), inputEdge: v("--blue-edge"), unused: "#c9ddf0",
    padding: v("--pad-bg"), paddingEdge: v("--pad-edge"), zero: v("--hatch"),
    output: v("--green-pale"), outputEdge: v("--green-pale-edge"),
    written: v("--green"), writtenEdge: v("--green-edge"), current: v("--green-now"),
    cell: parseFloat(v("--cell")) || 8,
  };
}

/** One grid painted on a canvas: paint(r, c, fill, edge) fills a cell with an edge. */
export class GridPainter {
  constructor(grid, rows, cols) {
    this.grid = grid;
    this.rows = rows;
    this.cols = cols;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "dense-canvas";
    this.canvas.setAttribute("aria-hidden", "true");
    grid.prepend(this.canvas);
  }

  /** Size the canvas to the grid (device pixels) and reset its drawing. */
  resize(cell) {
    const ratio = window.devicePixelRatio || 1;
    this.cell = cell;
    this.canvas.width = Math.round(this.cols * cell * ratio);
    this.canvas.height = Math.round(this.rows * cell * ratio);
    this.canvas.style.setProperty("width", `${this.cols * cell}px`);
    this.canvas.style.setProperty("height", `${this.rows * cell}px`);
    this.ctx = this.canvas.getContext("2d");
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  paint(r, c, fill, edge) {
    const { ctx, cell } = this;
    const x = c * cell;
    const y = r * cell;
    ctx.fillStyle = edge;
    ctx.fillRect(x, y, cell, cell);
    const inset = cell >= 6 ? 1 : 0;
    ctx.fillStyle = fill;
    ctx.fillRect(x + inset, y + inset, cell - 2 * inset, cell - 2 * inset);
  }
}
