// Page state ⇄ the URL query (SPEC.md, "The page"). The trace fields are the
// share link; page parameters (step, speed, view, …) are the page's own and are
// never sent to /api/trace, which rejects unknown fields.

export const TRACE_FIELDS = [
  "transposed", "input_size", "kernel_size", "stride", "padding", "dilation", "output_padding",
  "in_channels", "out_channels", "groups", "input", "weight", "bias", "grad_output", "seed",
  "fill", "op", "padding_mode", "ceil_mode", "count_include_pad", "divisor_override", "target",
];
export const PAGE_PARAMS = [
  "step", "speed", "view", "autoplay", "controls", "theme", "tour", "stop", "compare",
  "present",
];

/** Split a query string into { fields, page }, both plain objects of strings. */
export function readQuery(search) {
  const fields = {};
  const page = {};
  for (const [name, value] of new URLSearchParams(search)) {
    if (TRACE_FIELDS.includes(name)) fields[name] = value;
    else if (PAGE_PARAMS.includes(name)) page[name] = value;
  }
  return { fields, page };
}

// Keep the query notation readable: , ; : | need no escaping in a link.
function encode(value) {
  return encodeURIComponent(value)
    .replace(/%2C/gi, ",").replace(/%3B/gi, ";").replace(/%3A/gi, ":").replace(/%7C/gi, "|");
}

/** { stride: "2", padding: "" } → "stride=2" (empty fields are left to their defaults). */
export function toQuery(values, names) {
  return names
    .filter((name) => values[name] !== undefined && String(values[name]).trim() !== "")
    .map((name) => `${name}=${encode(String(values[name]).trim())}`)
    .join("&");
}

/** The share query: the API's canonical trace query plus what is on screen: the view
 * (canvas is the default) and the step as the page numbers it ("Step 5 of 9" is step=5;
 * step 1 is the default). `index` is the player's 0-based position. */
export function shareQuery(traceQuery, { view, index = 0 } = {}) {
  const shown = { view: view === "canvas" ? "" : view, step: index > 0 ? String(index + 1) : "" };
  return [traceQuery, toQuery(shown, ["view", "step"])].filter(Boolean).join("&");
}

/** The player's 0-based position of a link's step=N (N as the page shows it, from 1). */
export function stepIndex(page) {
  const n = Number(page.step);
  return Number.isInteger(n) && n >= 1 ? n - 1 : 0;
}

/** The address bar always holds the share link of what is on screen. A deliberate change
 * (a preset, a view, the twin) pushes a history entry, so Back returns to it; typing and
 * stepping replace the current one. */
export function writeUrl(query, { push = false } = {}) {
  const url = `${location.pathname}?${query}`;
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

let initial = null;

/** What the server embedded for the first paint: { fields, page, messages, trace, catalogue }. */
export function initialState() {
  initial ??= JSON.parse(document.getElementById("initial-state")?.textContent || "{}");
  return initial;
}
