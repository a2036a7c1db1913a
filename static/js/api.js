// Fetching traces. Errors come back as the API's own words, per field, in the page's
// language (?lang= on the call: the API answers msg_local beside its English msg).

import { lang, t } from "./i18n.js";

/** GET /api/trace?query (compact: no per-step list; the formulas the page shows at once)
 * → { trace } or { errors: [{ field, msg }] }. */
export async function fetchTrace(query, signal, { include = "formulas" } = {}) {
  let response;
  try {
    response = await fetch(`/api/trace?${query}&steps=0&include=${include}&lang=${lang}`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    return { errors: [{ field: null, msg: t("form.unreachable") }] };
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body) return { trace: body };
  if (response.status === 422 && body && Array.isArray(body.detail)) {
    return {
      errors: body.detail.map((d) => ({ field: String(d.loc[d.loc.length - 1]), msg: d.msg_local ?? d.msg })),
    };
  }
  return { errors: [{ field: null, msg: t("form.status", { status: response.status }) }] };
}

/** The code snippets of a configuration, built only when asked (include=code)
 * → { code: { pytorch, keras } } or { errors }. */
export async function fetchCode(query, signal) {
  const result = await fetchTrace(query, signal, { include: "code" });
  return result.trace ? { code: result.trace.code } : result;
}

// Answers asked for before their view exists (prefetchMatrix), by route and query.
const early = new Map();

/** Ask for a matrix now, while the page is still loading its view's module: the view's
 * fetchMatrix of the same route and query takes this answer (once) instead of asking again. */
export function prefetchMatrix(query, route = "matrix") {
  const key = `${route}?${query}`;
  if (!early.has(key)) early.set(key, fetchMatrix(query, undefined, route));
}

/** GET /api/matrix?query → { matrix: { matrix, rows, columns, … } } or { errors: [{ field, msg }] }. */
export async function fetchMatrix(query, signal, route = "matrix") {
  const asked = early.get(`${route}?${query}`);
  if (asked) {
    early.delete(`${route}?${query}`);
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      asked.then(resolve, reject);
    });
  }
  let response;
  try {
    response = await fetch(`/api/${route}?${query}&lang=${lang}`, { signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    return { errors: [{ field: null, msg: t("form.unreachable") }] };
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body) return { matrix: body };
  if (response.status === 422 && body && Array.isArray(body.detail)) {
    return {
      errors: body.detail.map((d) => ({ field: String(d.loc[d.loc.length - 1]), msg: d.msg_local ?? d.msg })),
    };
  }
  return { errors: [{ field: null, msg: t("form.status", { status: response.status }) }] };
}
