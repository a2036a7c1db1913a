// Sharing: "Copy link", the Embed dialog (iframe, link, Markdown image) and downloads
// of the rendered step (SVG, PNG) and the animation (GIF), all built from the share query.

import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

const escapeAttr = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

export function shareLink(query) {
  return `${location.origin}/?${query}`;
}

async function copy(text, button) {
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = t("copy.done");
  } catch {
    button.textContent = t("copy.failed");
  }
  setTimeout(() => { button.textContent = label; }, 1500);
}

/** The three snippets of the Embed dialog, for what is on screen (`query` is the share
 * query: configuration, view and step). The iframe is responsive: as wide as the page it
 * sits in, at most `width` (the embed fits its cells to the frame), so a phone shows the
 * whole player instead of cutting it off. */
export function snippets({ query, title, width, height }) {
  const link = shareLink(query);
  const iframe = `<iframe src="${escapeAttr(`${location.origin}/embed?${query}`)}" width="${width}" `
    + `height="${height}" title="${escapeAttr(`ConvScope: ${title}`)}" `
    + `style="border:0;width:100%;max-width:${width}px" `
    + `loading="lazy" allowfullscreen></iframe>`;
  const image = `${location.origin}/api/render.png?${query}`;
  const markdown = `[![ConvScope: ${title.replace(/[[\]]/g, "")}](${image})](${link})`;
  return { link, iframe, markdown };
}

export function wireSharing({ current, diagram }) {
  $("copy-link").addEventListener("click", (e) => copy(shareLink(current().query), e.currentTarget));
  const dialog = $("embed-dialog");
  $("open-embed").addEventListener("click", () => {
    const box = diagram.getBoundingClientRect();
    const width = Math.min(960, Math.max(320, Math.ceil(box.width) + 32));
    const height = Math.ceil(box.height) + 170;
    const s = snippets({ ...current(), width, height });
    $("embed-iframe").value = s.iframe;
    $("embed-link").value = s.link;
    $("embed-markdown").value = s.markdown;
    dialog.showModal();
  });
  $("copy-iframe").addEventListener("click", (e) => copy($("embed-iframe").value, e.currentTarget));
  $("copy-markdown").addEventListener("click",
    (e) => copy($("embed-markdown").value, e.currentTarget));
}

/** Point the download buttons at what is on screen: this query, view and step (`index`
 * is the player's 0-based position; links and file names count from 1 as the page does:
 * "Step 5 of 9" downloads conv2d-5x5-k3-s2-p1-step5.png; `download` has no value). */
export function updateDownloads(traceQuery, view, index) {
  const shown = view && view !== "canvas" ? `&view=${view}` : "";
  $("dl-svg").href = `/api/render.svg?${traceQuery}${shown}&step=${index + 1}`;
  $("dl-png").href = `/api/render.png?${traceQuery}${shown}&step=${index + 1}`;
  $("dl-gif").href = `/api/render.gif?${traceQuery}${shown}`;
  const offline = $("dl-html");
  if (offline) offline.href = `/api/render.html?${traceQuery}${shown}&step=${index + 1}`;
}

/** "Animated GIF": fetched here, so a refusal is said, not a cancelled download. A layer
 * with more steps than a GIF may hold (max_gif_frames) or frames too large for it
 * (max_gif_pixels) gets an offer that fits: the steps from the current one on. */
export function wireGif({ current }) {
  const status = $("dl-status");
  async function download(event) {
    event.preventDefault();
    const link = event.currentTarget;
    status.replaceChildren(t("gif.making"));
    let response;
    try {
      response = await fetch(link.href);
    } catch {
      status.replaceChildren(t("form.unreachable"));
      return;
    }
    if (response.ok) {
      const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
      const url = URL.createObjectURL(await response.blob());
      const save = Object.assign(document.createElement("a"), {
        href: url, download: name ? name[1] : "convscope.gif",
      });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      status.replaceChildren(t("gif.done"));
      return;
    }
    const body = await response.json().catch(() => null);
    const error = body?.detail?.[0];
    const ctx = error?.ctx || {};
    const { index, count } = current();
    let fits = 0;
    let reason = "";
    if (ctx.limit_name === "max_gif_frames") {
      fits = ctx.limit;
      reason = t("gif.too_many_frames", { count, limit: ctx.limit });
    } else if (error?.type === "gif_too_many_pixels") {
      fits = Math.floor(ctx.max_gif_pixels / (ctx.width * ctx.height));
      reason = t("gif.too_many_pixels", { count: ctx.frames });
    }
    if (fits < 1) {
      status.replaceChildren(error?.msg || t("form.status", { status: response.status }));
      return;
    }
    const first = Math.max(1, Math.min(index + 1, count - fits + 1));
    const last = Math.min(count, first + fits - 1);
    const base = link.href.replace(/&(first|last)=\d+/g, "");
    const offer = Object.assign(document.createElement("a"), {
      className: "button", href: `${base}&first=${first}&last=${last}`, id: "dl-gif-range",
      textContent: t("gif.range", { first, last, count: last - first + 1 }),
    });
    offer.addEventListener("click", download);
    status.replaceChildren(`${reason} `, offer);
  }
  $("dl-gif").addEventListener("click", download);
}
