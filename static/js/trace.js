// A trace from /api/trace, read for drawing. No convolution maths here: everything
// is a reading of SPEC.md's "API contract".
// - Input index i sits at canvas coordinate origin + i·step (per dimension).
// - Kernel cell k covers anchor + dilation·k, or anchor + dilation·(K − 1 − k) when
//   kernel_flipped.
// - The taps of step (o, y, x) are [[c, iy, ix], [w0, w1, ky, kx]] for [c, w0, w1] in
//   channel_taps[o], [ky, iy] in axes[0].taps[y], [kx, ix] in axes[1].taps[x], in that
//   nesting order; steps run by output channel, then row-major.
// A 1-D trace is seen as one row: y is always 0.

/** Read a raw trace (the API's JSON) into what the views draw from. */
export function readTrace(raw) {
  const config = raw.config;
  const nd = config.input_size.length;
  if (nd === 3) return readVolume(raw);
  const two = (values, fill) => (nd === 1 ? [fill, values[0]] : values);
  const row = (planes) => (nd === 1 ? planes.map((p) => [p]) : planes);
  const ONE_ROW = { anchor: [0], taps: [[[0, 0]]] };
  const axes = nd === 1 ? [ONE_ROW, raw.axes[0]] : raw.axes;
  const channelTaps = raw.channel_taps;
  const outputSize = two(raw.output_size, 1);
  const [oh, ow] = outputSize;
  const outChannels = raw.output.length;
  const perChannel = oh * ow;
  const weight = raw.weight ? (nd === 1 ? raw.weight.map(row) : raw.weight) : null;
  const input = row(raw.input);
  const output = row(raw.output);

  const inverse = (axis, size) => {
    const map = Array.from({ length: size }, () => []);
    axis.taps.forEach((pairs, o) => { for (const [k, i] of pairs) map[i]?.push([o, k]); });
    return map;
  };
  const inputSize = two(config.input_size, 1);
  let feedsY = null;
  let feedsX = null;
  let fedBy = null;

  const t = {
    raw,
    nd,
    op: config.op || raw.op || new URLSearchParams(raw.query).get("op") || "conv",
    inChannels: config.in_channels,
    outChannels,
    groups: config.groups,
    transposed: config.transposed,
    flipped: Boolean(raw.kernel_flipped),
    inputSize,
    kernelSize: two(config.kernel_size, 1),
    stride: two(config.stride, 1),
    dilation: two(config.dilation, 1),
    outputSize,
    canvas: {
      size: two(raw.canvas.size, 1),
      origin: two(raw.canvas.origin, 0),
      step: two(raw.canvas.step, 1),
      // per dimension, the input index each canvas coordinate shows (padding_mode copies)
      source: raw.canvas.source ? two(raw.canvas.source, [0]) : null,
    },
    input,
    weight,
    output,
    bias: raw.bias,
    overlap: raw.overlap ? overlapOf(raw.overlap, nd, outChannels) : null,
    unused: [new Set(nd === 1 ? [] : raw.unused_input?.[0] || []),
      new Set(raw.unused_input?.[nd === 1 ? 0 : 1] || [])],
    stepCount: outChannels * perChannel,

    /** Step n: { output: [o, y, x], anchor: [ay, ax], taps, value }. */
    step(n) {
      const o = Math.floor(n / perChannel);
      const y = Math.floor((n % perChannel) / ow);
      const x = n % ow;
      const taps = [];
      for (const [c, w0, w1] of channelTaps[o]) {
        for (const [ky, iy] of axes[0].taps[y]) {
          for (const [kx, ix] of axes[1].taps[x]) taps.push([[c, iy, ix], [w0, w1, ky, kx]]);
        }
      }
      return {
        output: [o, y, x],
        anchor: [axes[0].anchor[y], axes[1].anchor[x]],
        taps,
        value: output[o][y][x],
      };
    },

    /** The step that writes output cell (o, y, x). */
    stepOf(o, y, x) {
      return (o * oh + y) * ow + x;
    },

    /** The input channels output channel o reads: [[c, w0, w1], …] (channel_taps[o]). */
    readChannels(o) {
      return channelTaps[o];
    },

    /** The output channels input channel c feeds: [[o, w0, w1], …]. */
    fedChannels(c) {
      if (!fedBy) {
        fedBy = Array.from({ length: input.length }, () => []);
        channelTaps.forEach((list, o) => { for (const [ci, w0, w1] of list) fedBy[ci].push([o, w0, w1]); });
      }
      return fedBy[c];
    },

    /** Every step input cell (c, iy, ix) takes part in, with the weight it meets there. */
    feeds(c, iy, ix) {
      feedsY ??= inverse(axes[0], inputSize[0]);
      feedsX ??= inverse(axes[1], inputSize[1]);
      const found = [];
      for (const [o, w0, w1] of t.fedChannels(c)) {
        for (const [y, ky] of feedsY[iy] || []) {
          for (const [x, kx] of feedsX[ix] || []) {
            found.push({ step: t.stepOf(o, y, x), output: [o, y, x], weight: [w0, w1, ky, kx] });
          }
        }
      }
      return found;
    },

    /** What canvas cell (cy, cx) holds: an input index, an inserted zero, padding, or a
     * padding cell that copies input (iy, ix) (padding_mode: SPEC's canvas.source). */
    canvasCell(cy, cx) {
      const { origin, step, source } = t.canvas;
      const iy = (cy - origin[0]) / step[0];
      const ix = (cx - origin[1]) / step[1];
      const insideY = iy >= 0 && iy <= inputSize[0] - 1;
      const insideX = ix >= 0 && ix <= inputSize[1] - 1;
      if (insideY && insideX && Number.isInteger(iy) && Number.isInteger(ix)) {
        return { kind: "input", iy, ix };
      }
      const [sy, sx] = source ? [source[0][cy], source[1][cx]] : [null, null];
      if (sy !== null && sy !== undefined && sx !== null && sx !== undefined) {
        return { kind: "copy", iy: sy, ix: sx };
      }
      return { kind: insideY && insideX ? "zero" : "padding" };
    },

    /** Canvas offset of kernel cell (ky, kx) from the window's anchor. */
    kernelAt(ky, kx) {
      const [kh, kw] = t.kernelSize;
      const [dy, dx] = t.dilation;
      return t.flipped ? [dy * (kh - 1 - ky), dx * (kw - 1 - kx)] : [dy * ky, dx * kx];
    },

    /** The weight a tap meets ([w0, w1, ky, kx]), or null for pooling. */
    weightAt(w) {
      return weight ? weight[w[0]][w[1]][w[2]][w[3]] : null;
    },

    /** Is input cell (iy, ix) read by no window? */
    isUnused(iy, ix) {
      return t.unused[0].has(iy) || t.unused[1].has(ix);
    },
  };
  return t;
}

function overlapOf(overlap, nd, outChannels) {
  // SPEC: nested list of output_size; a view may also get one per output channel.
  const depth = (v) => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
  let planes = depth(overlap) === nd ? [overlap] : overlap;
  if (nd === 1) planes = planes.map((p) => [p]);
  return planes.length === outChannels ? planes : Array.from({ length: outChannels }, () => planes[0]);
}

/** The data-index of a cell: "y,x", "c,y,x", and for 1-D "x", "c,x". */
export function cellKey(t, multi, c, y, x) {
  const position = t.nd === 1 ? [x] : [y, x];
  return (multi ? [c, ...position] : position).join(",");
}

/** A number as a person writes it: 3, −1, 0.5625. */
export function fmt(value) {
  if (value === null || value === undefined) return "";
  if (value === Infinity || value === -Infinity) return value > 0 ? "∞" : "−∞";
  const rounded = Math.round(value * 10000) / 10000;
  return String(rounded).replace("-", "−");
}

/** A 3-D trace ([D, H, W]) read for the volume view (static/js/views/volume.js): the same
 * readings as readTrace, one more dimension, depth first (z, y, x). SPEC.md "3-D". */
export function readVolume(raw) {
  const config = raw.config;
  const axes = raw.axes;
  const channelTaps = raw.channel_taps;
  const outputSize = raw.output_size;
  const [od, oh, ow] = outputSize;
  const perChannel = od * oh * ow;
  const inverse = (axis, size) => {
    const map = Array.from({ length: size }, () => []);
    axis.taps.forEach((pairs, o) => { for (const [k, i] of pairs) map[i]?.push([o, k]); });
    return map;
  };
  let fed = null;
  const t = {
    raw,
    nd: 3,
    op: config.op || "conv",
    inChannels: config.in_channels,
    outChannels: raw.output.length,
    groups: config.groups,
    transposed: config.transposed,
    flipped: Boolean(raw.kernel_flipped),
    inputSize: config.input_size,
    kernelSize: config.kernel_size,
    dilation: config.dilation,
    outputSize,
    canvas: raw.canvas,
    input: raw.input,
    weight: raw.weight,
    output: raw.output,
    bias: raw.bias,
    stepCount: raw.output.length * perChannel,
    // the page's "never read" legend reads 2-D [y, x] sets; a volume leaves it out
    unused: [new Set(), new Set()],
    step(n) {
      const o = Math.floor(n / perChannel);
      const r = n % perChannel;
      const [z, y, x] = [Math.floor(r / (oh * ow)), Math.floor((r % (oh * ow)) / ow), r % ow];
      const taps = [];
      for (const [c, w0, w1] of channelTaps[o]) {
        for (const [kz, iz] of axes[0].taps[z]) {
          for (const [ky, iy] of axes[1].taps[y]) {
            for (const [kx, ix] of axes[2].taps[x]) taps.push([[c, iz, iy, ix], [w0, w1, kz, ky, kx]]);
          }
        }
      }
      return {
        output: [o, z, y, x],
        anchor: [axes[0].anchor[z], axes[1].anchor[y], axes[2].anchor[x]],
        taps,
        value: raw.output[o][z][y][x],
      };
    },
    stepOf(o, z, y, x) {
      return ((o * od + z) * oh + y) * ow + x;
    },
    readChannels(o) {
      return channelTaps[o];
    },
    /** Every output cell input cell (c, iz, iy, ix) feeds. */
    feeds(c, iz, iy, ix) {
      fed ??= axes.map((a, d) => inverse(a, config.input_size[d]));
      const found = [];
      for (const [o, list] of channelTaps.entries()) {
        if (!list.some(([ci]) => ci === c)) continue;
        for (const [z] of fed[0][iz] || []) {
          for (const [y] of fed[1][iy] || []) {
            for (const [x] of fed[2][ix] || []) found.push([o, z, y, x]);
          }
        }
      }
      return found;
    },
    /** What canvas cell (cz, cy, cx) holds: input (its own place), copy (a padding cell that
     * copies an input cell, padding_mode), zero (inserted) or padding. */
    canvasCell(cz, cy, cx) {
      const { origin, step, source } = raw.canvas;
      const at = [cz, cy, cx];
      const index = at.map((p, d) => source[d][p]);
      const own = at.every((p, d) => index[d] !== null && p === origin[d] + index[d] * step[d]);
      if (own) return { kind: "input", i: index };
      if (index.every((i) => i !== null)) return { kind: "copy", i: index };
      const inside = at.every((p, d) => {
        const i = (p - origin[d]) / step[d];
        return i >= 0 && i <= config.input_size[d] - 1;
      });
      return { kind: inside ? "zero" : "padding" };
    },
    /** Canvas offset of kernel cell (kz, ky, kx) from the window's anchor. */
    kernelAt(k) {
      return k.map((kk, d) => config.dilation[d] * (t.flipped ? config.kernel_size[d] - 1 - kk : kk));
    },
    weightAt(w) {
      return raw.weight ? raw.weight[w[0]][w[1]][w[2]][w[3]][w[4]] : null;
    },
  };
  return t;
}
