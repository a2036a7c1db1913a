// Reading which input cells an output cell's window covers, and its inverse, from a
// trace (SPEC.md, "API contract"): the taps of output cell (o, y, x) are the input
// cells (c, iy, ix) for [c, …] in channel_taps[o], [·, iy] in axes[0].taps[y],
// [·, ix] in axes[1].taps[x]. No geometry here: the API computed every index.
// A trace asked for with its steps (and none of axes/channel_taps) is read from its
// steps instead, which list the same taps in the same order.

/** Row-major index of `index` in an array of `shape`. */
export function ravel(index, shape) {
  return index.reduce((flat, i, d) => flat * shape[d] + i, 0);
}

/** Every index of an array of `shape`, row-major (numpy's ndindex). */
export function ndindex(shape) {
  let all = [[]];
  for (const n of shape) all = all.flatMap((prefix) => Array.from({ length: n }, (_, i) => [...prefix, i]));
  return all;
}

/** The input cells [c, …position] under output cell [o, …position]'s window (real cells only). */
export function windowTaps(raw, out) {
  const [o, ...position] = out;
  if (raw.axes && raw.channel_taps) {
    let spatial = [[]];
    position.forEach((p, d) => {
      spatial = spatial.flatMap((prefix) => raw.axes[d].taps[p].map(([, i]) => [...prefix, i]));
    });
    return raw.channel_taps[o].flatMap(([c]) => spatial.map((s) => [c, ...s]));
  }
  const step = raw.steps[ravel(out, [raw.config.out_channels, ...raw.output_size])];
  return step.taps.map(([i]) => i);
}

/** The spatial input positions under spatial output position `position`'s window (one channel). */
export function spatialTaps(raw, position) {
  if (raw.axes) {
    let spatial = [[]];
    position.forEach((p, d) => {
      spatial = spatial.flatMap((prefix) => raw.axes[d].taps[p].map(([, i]) => [...prefix, i]));
    });
    return spatial;
  }
  const taps = windowTaps(raw, [0, ...position]);
  const first = taps[0]?.[0];
  return taps.filter(([c]) => c === first).map(([, ...i]) => i);
}

/** Inverse of `taps(out)` over every `out` in `outs`: "i…" key → [out, …], in `outs` order. */
export function feeds(outs, taps) {
  const map = new Map();
  for (const out of outs) {
    for (const i of taps(out)) {
      const key = i.join(",");
      if (!map.has(key)) map.set(key, []);
      map.get(key).push(out);
    }
  }
  return map;
}
