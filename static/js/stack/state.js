// The stack page's state ⇄ its share link. One readable `layer=` parameter per layer:
//   /stack?input_size=224,224&in_channels=3&layer=conv,c64,k7,s2,p3&layer=maxpool,k3,s2,p1
// A layer is its kind (conv, convt, maxpool, avgpool) then tokens: c out_channels,
// k kernel_size, s stride, p padding, d dilation, g groups, o output_padding, b bias.
// Per-dimension values are joined by "x" (k3x5); per-side padding pairs by ":" (p0:1x1:2);
// named paddings are written as they are (psame). `probe=2:28,28` is the clicked cell
// (layer counted from 1) and `preset=` the preset it came from, while unchanged.

export const KINDS = {
  conv: { op: "conv", transposed: false },
  convt: { op: "conv", transposed: true },
  maxpool: { op: "max_pool", transposed: false },
  avgpool: { op: "avg_pool", transposed: false },
};

export function kindOf(layer) {
  if (layer.op === "max_pool") return "maxpool";
  if (layer.op === "avg_pool") return "avgpool";
  return layer.transposed ? "convt" : "conv";
}

const isDefault = (value, def) => value === undefined || value === null
  || JSON.stringify(value) === JSON.stringify(def);

/** 3 → "3", [3, 5] → "3x5" (and the editor's form with ","). */
export function dimsText(value, sep = "x") {
  return Array.isArray(value) ? value.join(sep) : String(value);
}

export function paddingText(value, sep = "x") {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.some(Array.isArray)) {
    return value.map((p) => (Array.isArray(p) ? p.join(":") : `${p}:${p}`)).join(sep);
  }
  return dimsText(value, sep);
}

function int(text) {
  if (!/^\d+$/.test(text)) throw new Error(text);
  return Number(text);
}

/** "3" → 3, "3x5" or "3,5" → [3, 5]. */
export function parseDims(text, sep = /[x,]/) {
  const parts = String(text).trim().split(sep).map((p) => int(p.trim()));
  return parts.length === 1 ? parts[0] : parts;
}

/** "same" → "same", "1" → 1, "1x2" → [1, 2], "0:1x1:2" → [[0, 1], [1, 2]]. */
export function parsePadding(text, sep = /[x,]/) {
  const trimmed = String(text).trim().toLowerCase();
  if (["same", "valid", "full", "causal"].includes(trimmed)) return trimmed;
  if (trimmed.includes(":")) {
    return trimmed.split(sep).map((pair) => {
      const sides = pair.split(":");
      if (sides.length !== 2) throw new Error(pair);
      return sides.map((s) => int(s.trim()));
    });
  }
  return parseDims(trimmed, sep);
}

export function encodeLayer(layer) {
  const parts = [kindOf(layer)];
  if (layer.op === "conv" || layer.op === undefined) {
    parts.push(`c${layer.out_channels ?? 1}`);
  }
  parts.push(`k${dimsText(layer.kernel_size ?? 3)}`);
  if (!isDefault(layer.stride, 1)) parts.push(`s${dimsText(layer.stride)}`);
  if (!isDefault(layer.padding, 0)) parts.push(`p${paddingText(layer.padding)}`);
  if (!isDefault(layer.dilation, 1)) parts.push(`d${dimsText(layer.dilation)}`);
  if (!isDefault(layer.groups, 1)) parts.push(`g${layer.groups}`);
  if (layer.output_padding !== undefined && layer.output_padding !== null) {
    parts.push(`o${dimsText(layer.output_padding)}`);
  }
  if (layer.bias) parts.push("b");
  return parts.join(",");
}

export function decodeLayer(text) {
  const [kind, ...tokens] = text.split(",");
  if (!(kind in KINDS)) throw new Error(kind);
  const layer = { ...KINDS[kind] };
  for (const token of tokens) {
    const key = token[0];
    const rest = token.slice(1);
    if (key === "c") layer.out_channels = int(rest);
    else if (key === "k") layer.kernel_size = parseDims(rest, "x");
    else if (key === "s") layer.stride = parseDims(rest, "x");
    else if (key === "p") layer.padding = parsePadding(rest, "x");
    else if (key === "d") layer.dilation = parseDims(rest, "x");
    else if (key === "g") layer.groups = int(rest);
    else if (key === "o") layer.output_padding = parseDims(rest, "x");
    else if (token === "b") layer.bias = true;
    else throw new Error(token);
  }
  if (layer.op !== "conv") delete layer.transposed;
  return layer;
}

/** The query string → { state, problems } (problems: layers the link could not read). */
export function readQuery(search) {
  const params = new URLSearchParams(search);
  const state = { input_size: null, in_channels: null, layers: [], probe: null, preset: null };
  const problems = [];
  if (params.has("input_size")) {
    try {
      const size = parseDims(params.get("input_size"), ",");
      state.input_size = Array.isArray(size) ? size : [size];
    } catch { problems.push({ layer: "input_size", text: params.get("input_size") }); }
  }
  if (params.has("in_channels")) {
    try { state.in_channels = int(params.get("in_channels")); } catch {
      problems.push({ layer: "in_channels", text: params.get("in_channels") });
    }
  }
  params.getAll("layer").forEach((text, i) => {
    try { state.layers.push(decodeLayer(text)); } catch { problems.push({ layer: i + 1, text }); }
  });
  const probe = params.get("probe");
  const match = probe && /^(\d+):([\d,]+)$/.exec(probe);
  if (match) {
    state.probe = { layer: Number(match[1]) - 1, index: match[2].split(",").map(Number) };
  }
  state.preset = params.get("preset");
  return { state, problems };
}

// , : need no escaping in a query; keep the link readable.
const encode = (text) => encodeURIComponent(text).replace(/%2C/gi, ",").replace(/%3A/gi, ":");

export function toQuery(state) {
  const parts = [
    `input_size=${state.input_size.join(",")}`,
    `in_channels=${state.in_channels}`,
    ...state.layers.map((layer) => `layer=${encode(encodeLayer(layer))}`),
  ];
  if (state.probe) parts.push(`probe=${state.probe.layer + 1}:${state.probe.index.join(",")}`);
  if (state.preset) parts.push(`preset=${encode(state.preset)}`);
  return parts.join("&");
}

/** The address bar always holds the share link of what is on screen. */
export function writeUrl(state, link = (query) => query) {
  const url = `${location.pathname}?${link(toQuery(state))}`;
  if (url !== location.pathname + location.search) history.replaceState(null, "", url);
}

/** The body of POST /api/stack. */
export function requestBody(state) {
  const body = { input_size: state.input_size, in_channels: state.in_channels, layers: state.layers };
  if (state.probe) body.probe = state.probe;
  return body;
}
