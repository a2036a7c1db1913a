// The tour player (SPEC.md "Tours and compare"): a stop's paragraph beside its live
// diagram, Previous / Next, "Stop n of N", the stop's own link and "Open this in the
// editor". The address bar follows the stop. Keys that do not clash with the diagram's
// player (Space, ← →, Home): Page Down / N next stop, Page Up / P previous.
//
// `host` is what the page lends the tour: { viewer, show(raw, {view, step}), setLink(fn),
// compare(query | null, {view, step}), panel, frames, t, embed }.

import { fetchTrace } from "../api.js";
import { editorLink, stopQuery } from "./links.js";

const $in = (root, name) => root.querySelector(`[data-tour=${name}]`);

function typing(target) {
  return target.closest?.("input, textarea, select, [contenteditable]");
}

export class TourPlayer {
  constructor(tour, host) {
    this.tour = tour;
    this.host = host;
    this.n = tour.stop;
    this.wanted = tour.stop;
    this.panel = host.panel;
    this.traces = new Map(); // stop number → its answer, once fetched
    const t = host.t;
    $in(this.panel, "question").textContent = t(tour.question);
    $in(this.panel, "previous").addEventListener("click", () => this.go(this.wanted - 1));
    $in(this.panel, "next").addEventListener("click", () => this.go(this.wanted + 1));
    document.addEventListener("keydown", (e) => this.onKey(e));
    this.panel.hidden = false;
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (key === "PageDown" || key === "n") this.go(this.wanted + 1);
    else if (key === "PageUp" || key === "p") this.go(this.wanted - 1);
    else return;
    e.preventDefault();
  }

  stop(n = this.n) {
    return this.tour.stops[n - 1];
  }

  link(n = this.n) {
    return stopQuery(this.tour.slug, n, this.host.page);
  }

  /** Go to stop n; keys pressed while a stop loads queue up (the last one wins). */
  async go(n) {
    if (n < 1 || n > this.tour.stops.length) return;
    this.wanted = n;
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.n !== this.wanted) {
        this.n = this.wanted;
        await this.showStop();
      }
    } finally {
      this.busy = false;
    }
  }

  async answer(query) {
    if (!this.traces.has(query)) {
      const result = await fetchTrace(query);
      if (result.errors) throw new Error(result.errors.map((e) => e.msg).join(" "));
      this.traces.set(query, result.trace);
    }
    return this.traces.get(query);
  }

  /** Show the current stop: text, controls, diagram(s), address bar. */
  async showStop({ first = null } = {}) {
    const { host, n } = this;
    const stop = this.stop();
    const count = this.tour.stops.length;
    const t = host.t;
    $in(this.panel, "title").textContent = t(stop.title);
    $in(this.panel, "text").textContent = t(stop.text);
    $in(this.panel, "position").textContent = t("tour.position", { n, count });
    $in(this.panel, "previous").disabled = n === 1;
    $in(this.panel, "next").disabled = n === count;
    const stopLink = $in(this.panel, "link");
    stopLink.href = `/?${this.link()}`; // in an embed too: the page a teacher sends students to
    const editor = $in(this.panel, "editor");
    editor.href = stop.page ?? editorLink(stop.query, { view: stop.view, step: stop.step });
    host.setLink(() => this.link());
    const options = { view: stop.view, step: stop.step - 1 };
    if (stop.page) {
      host.frames([stop.page, stop.compare].filter(Boolean));
      await host.compare(null);
    } else {
      host.frames([]);
      const raw = first ?? (await this.answer(stop.query));
      await host.show(raw, options);
      await host.compare(stop.compare ? await this.answer(stop.compare) : null, options);
      this.light(stop.highlight || []);
    }
    host.wrote();
    this.panel.dataset.stop = String(n); // shown: text, diagram(s) and address bar
    document.dispatchEvent(new CustomEvent("convscope:stop", { detail: { n } }));
  }

  /** The cells the text talks about, marked on the diagram(s). */
  light(cells) {
    for (const el of document.querySelectorAll(".tour-lit")) el.classList.remove("tour-lit");
    for (const spec of cells) {
      const [grid, index] = spec.split(":");
      const selector = `.diagram [data-grid="${grid}"][data-index="${index}"]`;
      this.host.viewer.root.querySelectorAll(selector).forEach((el) => el.classList.add("tour-lit"));
    }
  }
}
