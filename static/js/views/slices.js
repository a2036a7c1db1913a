// Depth slices: a 3-D grid drawn as a row of 2-D slices z = 0…D−1, one ARIA grid per
// channel (data-nd="3"), the arrows moving within a slice and PageUp/PageDown across depth.
// The volume view draws every 3-D layer with these; the matrix, overlap and scatter views
// draw their 3-D input and output with them too, so a 2-D file that offers those views does
// not carry the volume view itself (app/offline/views.py carries only the views offered).

import { fmt } from "../trace.js";

/** One channel's volume for `host` (a view with `ctx` and a `grids` list of sizes for
 * fitting): a captioned box holding one ARIA grid (`data-nd="3"`) of depth slices. Returns
 * { box, slice }: slice(z, label) adds slice z and gives rows(y), the row element of y. */
export function volumeBox(host, caption, kind, depth, rows, cols, explore = true) {
  const box = document.createElement("figure");
  box.className = `grid-figure volume ${kind}-figure`;
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  cap.id = `volume-${kind}-${host.grids.length}-${Math.random().toString(36).slice(2, 7)}`;
  const slices = document.createElement("div");
  slices.className = "slices";
  if (explore) {
    slices.setAttribute("role", "grid");
    slices.setAttribute("aria-labelledby", cap.id);
    slices.dataset.nd = "3";
    if (host.ctx.keysId) slices.setAttribute("aria-describedby", host.ctx.keysId);
  }
  box.append(cap, slices);
  host.grids.push({ rows, cols: cols * depth + Math.ceil(depth / 2) });
  const slice = (z, label) => {
    const fig = document.createElement("div");
    fig.className = "slice";
    fig.dataset.z = String(z);
    fig.style.setProperty("--rows", rows);
    fig.style.setProperty("--cols", cols);
    const sCap = document.createElement("span");
    sCap.className = "slice-label";
    sCap.textContent = label;
    const grid = document.createElement("div");
    grid.className = "grid";
    fig.append(sCap, grid);
    slices.append(fig);
    const made = [];
    return (y) => {
      if (!made[y]) {
        made[y] = document.createElement("div");
        made[y].className = "grid-row";
        if (explore) made[y].setAttribute("role", "row");
        grid.append(made[y]);
      }
      return made[y];
    };
  };
  return { box, slice };
}

/** One volume per channel (`count` of them) of `[D, H, W]` cells made by make(c, [z, y, x]),
 * each cell given its data-grid/data-index by make. Returns { els: Map "c,z,y,x" → cell,
 * boxes, list: the cells in step order (channel, then z, y, x), positions: [c, z, y, x] of
 * each }. Captions: "kind" or "kind, channel c". A volume not `explore`d is no ARIA grid. */
export function valueVolumes(host, kind, count, multi, [d, h, w], parent, make, explore = true) {
  const tr = host.ctx.t;
  const els = new Map();
  const boxes = [];
  const positions = [];
  for (let c = 0; c < count; c++) {
    const name = multi ? tr("caption.channel", { name: tr(`grid.${kind}`), c }) : tr(`grid.${kind}`);
    const { box, slice } = volumeBox(host, name, kind, d, h, w, explore);
    for (let z = 0; z < d; z++) {
      const rows = slice(z, tr("volume.slice", { z }));
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const el = make(c, [z, y, x]);
          rows(y).append(el);
          els.set(`${c},${z},${y},${x}`, el);
          positions.push([c, z, y, x]);
        }
      }
    }
    boxes.push(box);
    parent.append(box);
  }
  return { els, boxes, list: [...els.values()], positions };
}

/** Output cells 0..n of `view` are written (view.outputList in step order, outputPositions,
 * cur: the step shown before); touches only the cells between the previous step and n. */
export function writeVolumeUpTo(view, n) {
  const t = view.t;
  const cells = view.outputList;
  const before = view.cur ?? -1;
  const [lo, hi] = before < n ? [before + 1, n] : [n + 1, before];
  for (let i = Math.max(lo, 0); i <= hi && i < cells.length; i++) {
    const [oc, z, y, x] = view.outputPositions[i];
    const on = i <= n;
    cells[i].classList.toggle("written", on);
    cells[i].textContent = on ? fmt(t.output[oc][z][y][x]) : "";
  }
  if (before >= 0) cells[before]?.classList.remove("current");
  cells[n].classList.add("current");
}

/** The cell a key moves to in a volume's grid: arrows within a slice, PageUp/PageDown one
 * slice in depth, Home/End along the row; undefined for other keys. */
export function volumeNeighbour(cell, keyName) {
  const grid = cell.closest("[role=grid]");
  const p = cell.dataset.index.split(",").map(Number);
  const head = p.length > 3 ? p.slice(0, 1) : [];
  const [z, y, x] = p.slice(-3);
  const moves = {
    ArrowUp: [z, y - 1, x], ArrowDown: [z, y + 1, x], ArrowLeft: [z, y, x - 1],
    ArrowRight: [z, y, x + 1], PageUp: [z - 1, y, x], PageDown: [z + 1, y, x],
  };
  const row = [...grid.querySelectorAll(`[role=gridcell][data-grid="${cell.dataset.grid}"]`)]
    .map((el) => [el, el.dataset.index.split(",").map(Number).slice(-3)])
    .filter(([, q]) => q[0] === z && q[1] === y);
  let target;
  if (keyName === "Home") target = row[0]?.[1];
  else if (keyName === "End") target = row[row.length - 1]?.[1];
  else target = moves[keyName];
  if (!target) return undefined;
  const found = grid.querySelector(
    `[role=gridcell][data-grid="${cell.dataset.grid}"][data-index="${[...head, ...target].join(",")}"]`,
  );
  return found || cell;
}
