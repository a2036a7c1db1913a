// The stack page's two API calls. Both resolve to { ok, body } (422 bodies carry `detail`,
// with msg_local in the page's language beside the English msg: ?lang= on the call).

import { lang } from "../i18n.js";

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ detail: [{ loc: [], msg: response.statusText }] }));
  return { ok: response.ok, body: data };
}

export const computeStack = (body) => post(`/api/stack?lang=${lang}`, body);
export const parseCode = (code) => post(`/api/stack/parse?lang=${lang}`, { code });
