// Fetching traces. Errors come back as the API's own words, per field, in the page's
// language (?lang= on the call: the API answers msg_local beside its English msg).

import { lang, t } from "./i18n.js";

/** GET /api/trace?query (compact: no per-step list) → { trace } or { errors: [{ field, msg }] }. */
export async function fetchTrace(query, signal) {
  let response;
  try {
    response = await fetch(`/api/trace?${query}&steps=0&lang=${lang}`, { signal });
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

/** GET /api/matrix?query → { matrix: { matrix, rows, columns, … } } or { errors: [{ field, msg }] }. */
export async function fetchMatrix(query, signal, route = "matrix") {
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
