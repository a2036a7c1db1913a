// The links of tours and compare mode (SPEC.md "Tours and compare"):
//   /?tour=<slug>&stop=<n>            a tour stop, stops counted from 1
//   /?compare=<query A>|<query B>     two diagrams, each query URL-encoded (& is %26)
// plus present=1 (presenter's mode) and theme, kept as they were.

const KEEP = ["present", "theme", "lang"];

// , ; : | need no escaping in a link: keep the queries readable.
const encode = (text) => encodeURIComponent(text)
  .replace(/%2C/gi, ",").replace(/%3B/gi, ";").replace(/%3A/gi, ":").replace(/%7C/gi, "|");

function kept(page) {
  return KEEP.filter((name) => page[name]).map((name) => `&${name}=${encode(page[name])}`).join("");
}

export function stopQuery(slug, n, page = {}) {
  return `tour=${encode(slug)}&stop=${n}${kept(page)}`;
}

export function compareQuery(a, b, page = {}) {
  return `compare=${encode(a)}|${encode(b)}${kept(page)}`;
}

/** "A|B" (already decoded from the link) → [A, B]; a query never holds a bare "|"
 * outside its values, where it separates 2-D slices, so split at the first "|" that is
 * followed by a parameter name. */
export function splitCompare(text) {
  const match = /\|(?=[a-z_]+=)/.exec(text);
  return match ? [text.slice(0, match.index), text.slice(match.index + 1)] : [text, ""];
}

/** The one-layer page's link of a configuration, at a view and a step (as the page shows it). */
export function editorLink(query, { view = "canvas", step = 1 } = {}) {
  const extra = [view !== "canvas" ? `view=${view}` : "", step > 1 ? `step=${step}` : ""];
  return `/?${[query, ...extra].filter(Boolean).join("&")}`;
}
