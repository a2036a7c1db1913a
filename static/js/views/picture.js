// The picture view (view=picture): the trace's input and output drawn as images (SPEC.md,
// "Pictures"), for a photograph given as `input=image:<name>` (GET /api/images) or any
// input. The input is drawn as it is when its values are 0–255 (RGB for three channels,
// grey for one), else normalised like the output; each output channel is normalised to its
// own range, with the scale written beside it. The player steps through the output cells:
// the current cell is marked on the output and its window's taps on the input.
// A learner's own picture is scaled in the browser to input_size and sent only as the
// `input` of one POST /api/trace (the same layer); nothing else leaves the browser.

import { fmt } from "../trace.js";

const MAX_SIDE = 320; // drawn size in CSS pixels of the larger side

// Demonstrations on a real photograph (the Distill article "Deconvolution and Checkerboard
// Artifacts", on ConvScope's own numbers): links, each a share query of this page.
const PHOTO = "input=image:astronaut&view=picture";
export const DEMOS = [
  ["sobel", `input_size=128,128&padding=1&weight=-1,0,1;-2,0,2;-1,0,1&${PHOTO}`],
  ["blur", `input_size=128,128&kernel_size=5&padding=2&fill=ones&${PHOTO}`],
  ["checkerboard", `input_size=64,64&kernel_size=3&stride=2&padding=1&output_padding=1&transposed=1&fill=ones&${PHOTO}`],
  ["even", `input_size=64,64&kernel_size=4&stride=2&padding=1&transposed=1&fill=ones&${PHOTO}`],
  ["resize", `input_size=128,128&kernel_size=3&padding=1&fill=ones&${PHOTO}`],
];

/** [min, max] of nested numbers. */
function range(planes) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of planes.flat(Infinity)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

/** An RGBA ImageData of planes [c][y][x] (1 or 3 channels), mapped from [lo, hi] to 0–255. */
function pixels(planes, [lo, hi]) {
  const h = planes[0].length;
  const w = planes[0][0].length;
  const image = new ImageData(w, h);
  const span = hi - lo || 1;
  const level = (v) => Math.round(((v - lo) / span) * 255);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * 4;
      const rgb = planes.length === 3 ? planes.map((p) => level(p[y][x])) : Array(3).fill(level(planes[0][y][x]));
      image.data.set([...rgb, 255], at);
    }
  }
  return image;
}

/** A <canvas> holding an image, scaled up without smoothing (pixels stay square). */
function drawn(image, label) {
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext("2d").putImageData(image, 0, 0);
  const scale = Math.max(1, Math.floor(MAX_SIDE / Math.max(image.width, image.height)));
  canvas.style.width = `${image.width * scale}px`;
  canvas.style.height = `${image.height * scale}px`;
  canvas.className = "picture-canvas";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  return canvas;
}

export default class PictureView {
  constructor(root, trace, ctx) {
    this.root = root;
    this.t = trace;
    this.ctx = ctx;
    this.count = trace.stepCount;
    root.replaceChildren();
    const tr = ctx.t;
    const view = document.createElement("div");
    view.className = "picture-view";
    const note = document.createElement("p");
    note.className = "view-note";
    note.textContent = tr("view.picture.note");
    const row = document.createElement("div");
    row.className = "picture-row";
    const plain = range(trace.input);
    const asIs = plain[0] >= 0 && plain[1] <= 255;
    const inRange = asIs ? [0, 255] : plain;
    const input = trace.inChannels === 3 ? trace.input : [trace.input[0]];
    this.inputBox = this.panel(pixels(input, inRange),
      tr(asIs ? "view.picture.input" : "view.picture.input.scaled", { low: fmt(inRange[0]), high: fmt(inRange[1]) }));
    row.append(this.inputBox.fig);
    this.outputBoxes = trace.output.map((plane, o) => {
      const r = range(plane);
      const caption = tr("view.picture.output", { o, low: fmt(r[0]), high: fmt(r[1]) });
      const box = this.panel(pixels([plane], r), caption, r);
      row.append(box.fig);
      return box;
    });
    view.append(note, row, this.demos(), this.ownPicture());
    root.append(view);
  }

  /** Links to the photograph demonstrations. */
  demos() {
    const list = document.createElement("ul");
    list.className = "picture-demos";
    for (const [name, query] of DEMOS) {
      const item = document.createElement("li");
      const a = document.createElement("a");
      a.href = `/?${query}`;
      a.textContent = this.ctx.t(`view.picture.demo.${name}`);
      item.append(a);
      list.append(item);
    }
    return list;
  }

  /** A figure with the image, a marker layer and (for outputs) the scale bar. */
  panel(image, caption, scale) {
    const fig = document.createElement("figure");
    fig.className = "picture-figure";
    const frame = document.createElement("div");
    frame.className = "picture-frame";
    const canvas = drawn(image, caption);
    const marks = document.createElement("div");
    marks.className = "picture-marks";
    frame.append(canvas, marks);
    const cap = document.createElement("figcaption");
    cap.textContent = caption;
    fig.append(frame, cap);
    if (scale) {
      const bar = document.createElement("div");
      bar.className = "picture-scale";
      bar.setAttribute("aria-hidden", "true");
      const [lo, hi] = scale;
      bar.innerHTML = "";
      const low = document.createElement("span");
      low.textContent = fmt(lo);
      const ramp = document.createElement("span");
      ramp.className = "picture-ramp";
      const high = document.createElement("span");
      high.textContent = fmt(hi);
      bar.append(low, ramp, high);
      fig.append(bar);
    }
    return { fig, canvas, marks, size: [image.height, image.width] };
  }

  /** Choose a picture from the device: scaled here, sent only as this layer's input. */
  ownPicture() {
    const tr = this.ctx.t;
    const box = document.createElement("div");
    box.className = "picture-own";
    const label = document.createElement("label");
    label.textContent = `${tr("view.picture.own")} `;
    const file = document.createElement("input");
    file.type = "file";
    file.accept = "image/*";
    file.className = "picture-file";
    label.append(file);
    const privacy = document.createElement("p");
    privacy.className = "hint";
    privacy.textContent = tr("view.picture.privacy");
    const result = document.createElement("div");
    result.className = "picture-row picture-own-result";
    result.setAttribute("aria-live", "polite");
    file.addEventListener("change", () => { if (file.files[0]) this.traceOwn(file.files[0], result); });
    box.append(label, privacy, result);
    return box;
  }

  async traceOwn(blob, result) {
    const t = this.t;
    const tr = this.ctx.t;
    const [h, w] = t.inputSize;
    const bitmap = await createImageBitmap(blob);
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext("2d");
    g.imageSmoothingQuality = "high";
    g.drawImage(bitmap, 0, 0, w, h);
    const data = g.getImageData(0, 0, w, h).data;
    const plane = (f) => Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => f((y * w + x) * 4)));
    const input = t.inChannels === 3
      ? [0, 1, 2].map((c) => plane((at) => data[at + c]))
      : t.inChannels === 1
        ? [plane((at) => Math.round(0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2]))]
        : null;
    if (!input) { result.textContent = tr("view.picture.own.channels"); return; }
    const config = t.raw.config;
    const body = {
      input_size: config.input_size, kernel_size: config.kernel_size, stride: config.stride,
      padding: config.padding, dilation: config.dilation, in_channels: config.in_channels,
      out_channels: config.out_channels, groups: config.groups, transposed: config.transposed,
      input, steps: false,
    };
    if (t.op !== "conv") body.op = t.op;
    if (config.transposed) body.output_padding = config.output_padding;
    if (t.raw.weight && t.op === "conv") body.weight = t.raw.weight;
    if (t.raw.bias) body.bias = t.raw.bias;
    const response = await fetch("/api/trace", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) { result.textContent = answer.detail?.[0]?.msg || tr("view.picture.own.failed"); return; }
    result.replaceChildren(
      this.panel(pixels(input, [0, 255]), tr("view.picture.own.input")).fig,
      ...answer.output.map((p, o) => {
        const r = range(p);
        return this.panel(pixels([p], r), tr("view.picture.output", { o, low: fmt(r[0]), high: fmt(r[1]) }), r).fig;
      }),
    );
  }

  /** A marker over pixel rows y0..y1, columns x0..x1 of a panel. */
  mark(box, [y0, x0, y1, x1], cls) {
    const [h, w] = box.size;
    const m = document.createElement("div");
    m.className = `picture-mark ${cls}`;
    m.style.top = `${(y0 / h) * 100}%`;
    m.style.left = `${(x0 / w) * 100}%`;
    m.style.height = `${((y1 - y0 + 1) / h) * 100}%`;
    m.style.width = `${((x1 - x0 + 1) / w) * 100}%`;
    box.marks.append(m);
  }

  showStep(n) {
    const step = this.t.step(n);
    const [o, y, x] = step.output;
    this.inputBox.marks.replaceChildren();
    for (const box of this.outputBoxes) box.marks.replaceChildren();
    this.mark(this.outputBoxes[o], [y, x, y, x], "current");
    if (step.taps.length) {
      const ys = step.taps.map(([[, iy]]) => iy);
      const xs = step.taps.map(([[, , ix]]) => ix);
      this.mark(this.inputBox, [Math.min(...ys), Math.min(...xs), Math.max(...ys), Math.max(...xs)], "tap");
    }
  }

  arithmetic(n) {
    const step = this.t.step(n);
    return this.ctx.t("view.picture.arithmetic", {
      output: step.output.slice(this.t.outChannels > 1 ? 0 : 1).join(","), value: fmt(step.value),
      count: step.taps.length,
    });
  }

  status(n) {
    const step = this.t.step(n);
    return this.ctx.t("view.picture.status", {
      step: n + 1, count: this.count, output: step.output.slice(1).join(","), value: fmt(step.value),
    });
  }

  highlight() {}

  clearHighlight() {}

  describe() {
    return "";
  }

  stages() {
    return [];
  }

  destroy() {}
}
