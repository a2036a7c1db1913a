// Page state ⇄ the URL query (SPEC.md, "The page"). The trace fields are the
// share link; page parameters (step, speed, view, …) are the page's own and are
// never sent to /api/trace, which rejects unknown fields.

export const TRACE_FIELDS = [
  "transposed", "input_size", "kernel_size", "stride", "padding", "dilation", "output_padding",
  "in_channels", "out_channels", "groups", "input", "weight", "bias", "seed", "fill", "op",
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

/** The share query: the API's canonical trace query plus the page parameters worth sharing. */
export function shareQuery(traceQuery, page = {}) {
  const extra = toQuery(page.view === "canvas" ? {} : page, ["view"]);
  return [traceQuery, extra].filter(Boolean).join("&");
}

/** The address bar always holds the share link of what is on screen. */
export function writeUrl(query) {
  const url = `${location.pathname}?${query}`;
  if (url !== location.pathname + location.search) history.replaceState(null, "", url);
}

let initial = null;

/** What the server embedded for the first paint: { fields, page, messages, trace, catalogue }. */
export function initialState() {
  initial ??= JSON.parse(document.getElementById("initial-state")?.textContent || "{}");
  return initial;
}
