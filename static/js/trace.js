// A trace from /api/trace, read for drawing. No convolution maths here: positions
// follow the API contract (SPEC.md, "API contract"): input index i sits at canvas
// coordinate origin + i·step; kernel cell k covers anchor + dilation·k, or
// anchor + dilation·(K − 1 − k) when kernel_flipped. A 1-D trace is seen as one row.

const pad2 = (values, fill, nd) => (nd === 1 ? [fill, values[0]] : values);

/** Normalise a trace so every spatial thing has two coordinates [y, x]. */
export function normalize(raw) {
  const config = raw.config;
  const nd = config.input_size.length;
  const two = (values, fill) => pad2(values, fill, nd);
  const row = (planes) => (nd === 1 ? planes.map((p) => [p]) : planes);
  return {
    raw,
    nd,
    inChannels: config.in_channels,
    outChannels: config.out_channels,
    groups: config.groups,
    transposed: config.transposed,
    inputSize: two(config.input_size, 1),
    kernelSize: two(config.kernel_size, 1),
    dilation: two(config.dilation, 1),
    outputSize: two(raw.output_size, 1),
    canvas: {
      size: two(raw.canvas.size, 1),
      origin: two(raw.canvas.origin, 0),
      step: two(raw.canvas.step, 1),
    },
    flipped: raw.kernel_flipped,
    input: row(raw.input),
    weight: nd === 1 ? raw.weight.map(row) : raw.weight,
    output: row(raw.output),
    bias: raw.bias,
    steps: nd === 1 ? raw.steps.map(steps1d) : raw.steps,
  };
}

function steps1d(step) {
  return {
    output: [step.output[0], 0, step.output[1]],
    anchor: [0, step.anchor[0]],
    taps: step.taps.map(([i, w]) => [[i[0], 0, i[1]], [w[0], w[1], 0, w[2]]]),
    value: step.value,
  };
}

/** The data-index of a cell: "y,x", "c,y,x", and for 1-D "x", "c,x". */
export function cellKey(t, multi, c, y, x) {
  const position = t.nd === 1 ? [x] : [y, x];
  return (multi ? [c, ...position] : position).join(",");
}

/** What a canvas cell holds: an input index, an inserted zero, or padding. */
export function canvasCell(t, cy, cx) {
  const { origin, step } = t.canvas;
  const iy = (cy - origin[0]) / step[0];
  const ix = (cx - origin[1]) / step[1];
  const insideY = iy >= 0 && iy <= t.inputSize[0] - 1;
  const insideX = ix >= 0 && ix <= t.inputSize[1] - 1;
  if (insideY && insideX && Number.isInteger(iy) && Number.isInteger(ix)) {
    return { kind: "input", iy, ix };
  }
  return { kind: insideY && insideX ? "zero" : "padding" };
}

/** Canvas offset of kernel cell (ky, kx) from the window's anchor. */
export function kernelOffset(t, ky, kx) {
  const [kh, kw] = t.kernelSize;
  const [dy, dx] = t.dilation;
  return t.flipped ? [dy * (kh - 1 - ky), dx * (kw - 1 - kx)] : [dy * ky, dx * kx];
}

// The weight layouts of SPEC.md ("Words"): direct [out, in/groups, …], transposed
// [in, out/groups, …]. Output channel o belongs to group floor(o / (out/groups)).

/** The input channels that output channel o reads. */
export function inputChannelsOf(t, o) {
  const perGroupIn = t.inChannels / t.groups;
  const group = Math.floor(o / (t.outChannels / t.groups));
  return Array.from({ length: perGroupIn }, (_, i) => group * perGroupIn + i);
}

/** The output channels that input channel c feeds. */
export function outputChannelsOf(t, c) {
  const perGroupOut = t.outChannels / t.groups;
  const group = Math.floor(c / (t.inChannels / t.groups));
  return Array.from({ length: perGroupOut }, (_, i) => group * perGroupOut + i);
}

/** The 2-D kernel slice that links input channel c to output channel o. */
export function kernelSlice(t, o, c) {
  if (t.transposed) return t.weight[c][o % (t.outChannels / t.groups)];
  return t.weight[o][c % (t.inChannels / t.groups)];
}

/** Every input cell's consumers: "c,y,x" → [{ step, weight }] (the taps, inverted). */
export function feeds(t) {
  if (t._feeds) return t._feeds;
  const map = new Map();
  t.steps.forEach((step, index) => {
    for (const [i, w] of step.taps) {
      const k = i.join(",");
      if (!map.has(k)) map.set(k, []);
      map.get(k).push({ step: index, weight: w });
    }
  });
  t._feeds = map;
  return map;
}

/** Step index of every output cell, by "o,y,x". */
export function stepOfOutput(t) {
  if (t._stepOf) return t._stepOf;
  t._stepOf = new Map(t.steps.map((s, index) => [s.output.join(","), index]));
  return t._stepOf;
}

/** A number as a person writes it: 3, −1, 0.5625. */
export function fmt(value) {
  if (value === null || value === undefined) return "";
  const rounded = Math.round(value * 10000) / 10000;
  const text = Number.isInteger(rounded) ? String(rounded) : String(rounded);
  return text.replace("-", "−");
}
