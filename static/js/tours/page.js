// Tours, compare mode and presenter's mode on the one-layer page and on /embed: which
// of them the link asks for, and what each borrows from the page (SPEC.md "Tours and
// compare"). The page lends `host`: { viewer, page, tour (the server's), show(raw,
// {view, step}), hooks: { link, shown }, titleOf(raw), current(), embed, options }.

import { fetchTrace } from "../api.js";
import { renderFormulas } from "../formulas.js";
import { t } from "../i18n.js";
import { writeUrl } from "../state.js";
import { Second } from "./compare.js";
import { compareQuery, splitCompare } from "./links.js";
import { TourPlayer } from "./tour.js";

const $ = (id) => document.getElementById(id);

function withoutPresent() {
  const params = new URLSearchParams(location.search);
  params.delete("present");
  return `${location.pathname}?${params.toString().replace(/%2C/gi, ",").replace(/%7C/gi, "|")}`;
}

/** "Compare with…" and "Presenter's mode": each opens its link. */
function wireControls(host) {
  const select = $("compare-with");
  select?.addEventListener("change", () => {
    const raw = host.current();
    const other = select.value === "twin" ? raw.twin : raw.query;
    if (other) location.assign(`/?${compareQuery(raw.query, other, host.page)}`);
  });
  const present = $("present-on");
  if (present) {
    const update = () => {
      present.href = `${location.pathname}${location.search}${location.search ? "&" : "?"}present=1`;
    };
    present.addEventListener("focus", update);
    present.addEventListener("pointerenter", update);
    update();
  }
}

/** The diagram area shows other pages (the stack explorer) instead of the viewer. */
function framesIn(host) {
  const box = document.createElement("div");
  box.className = "tour-frames";
  box.hidden = true;
  host.viewer.diagramEl.before(box);
  return (links) => {
    host.viewer.root.classList.toggle("showing-frames", links.length > 0);
    box.hidden = links.length === 0;
    const same = [...box.children].map((f) => f.getAttribute("src")).join(" ") === links
      .map((l) => l.replace("/stack?", "/stack/embed?")).join(" ");
    if (same) return;
    box.replaceChildren(...links.map((link) => {
      const frame = document.createElement("iframe");
      frame.src = link.replace("/stack?", "/stack/embed?");
      frame.title = t(link.startsWith("/learn?") ? "learn.title" : "tour.stack_frame");
      frame.loading = "lazy";
      return frame;
    }));
    if (links.length && $("title")) {
      $("title").textContent = t(links[0].startsWith("/learn?") ? "learn.title" : "tour.stack_frame");
    }
  };
}

function ownFormulas(host) {
  if (host.embed) return () => {};
  const box = document.createElement("div");
  box.className = "own-formulas";
  host.viewer.arithmeticEl.after(box);
  return (raw) => renderFormulas(box, raw);
}

/** Fit a viewer's diagram within its height budget: the cell fitter estimates, and a
 * row that does not fit wraps; shrink the largest cell until the diagram fits. */
function fitWithin(viewer, when = () => true) {
  const fit = viewer.fit.bind(viewer);
  const largest = viewer.maxCell;
  viewer.fit = () => {
    viewer.maxCell = largest;
    fit();
    for (let i = 0; i < 12 && viewer.view && viewer.maxCell > 12 && when(); i++) {
      if (viewer.diagramEl.offsetHeight <= viewer.height()) break;
      viewer.maxCell = Math.floor(viewer.maxCell * 0.85);
      fit();
    }
  };
}

function presenter(host) {
  document.body.classList.add("present");
  const exit = $("present-exit");
  // One diagram and the text, large: the diagram gets the height its title and numbers leave.
  const height = (viewer) => () => window.innerHeight - 48
    - (viewer.root.offsetHeight - viewer.diagramEl.offsetHeight);
  host.viewer.height = height(host.viewer);
  fitWithin(host.viewer);
  host.fitSecond = (viewer) => {
    viewer.height = height(viewer);
    fitWithin(viewer);
  };
  // the link stays the share link, in presenter's mode
  const link = host.hooks.link;
  host.hooks.link = (...args) => `${link(...args)}&present=1`;
  if (!host.embed) writeUrl(host.hooks.link(host.current(), host.viewer.viewName));
  host.viewer.fit();
  const update = () => { if (exit) exit.href = withoutPresent(); };
  update();
  return update;
}

/** In a frame, each diagram takes the height its own title, numbers and player leave
 * (and the tour's text, when it sits above rather than beside the diagram). Compared, the
 * two diagrams sit one above the other (tours.css) and share what the rest leaves. */
function embedHeight(host) {
  const panel = $("tour-panel");
  const own = (viewer) => () => {
    const above = panel && !panel.hidden && window.innerWidth < 560 ? panel.offsetHeight : 0;
    const pair = viewer.root.closest(".pair");
    if (pair) {
      const diagrams = [...pair.querySelectorAll(".diagram")];
      const rest = pair.scrollHeight - diagrams.reduce((sum, d) => sum + d.offsetHeight, 0);
      return (window.innerHeight - above - 24 - rest) / diagrams.length;
    }
    return window.innerHeight - above - 24
      - (viewer.root.offsetHeight - viewer.diagramEl.offsetHeight);
  };
  const compared = (viewer) => () => Boolean(viewer.root.closest(".pair"));
  host.viewer.height = own(host.viewer);
  fitWithin(host.viewer, compared(host.viewer));
  host.fitSecond = (viewer) => {
    viewer.height = own(viewer);
    fitWithin(viewer, compared(viewer));
  };
}

export async function startGuides(host) {
  wireControls(host);
  const page = host.page;
  if (host.embed && (page.tour || page.compare)) embedHeight(host);
  const present = page.present === "1" ? presenter(host) : () => {};
  if (!page.tour && !page.compare) return;
  document.body.classList.add("guided");
  const formulas = ownFormulas(host);
  const frames = framesIn(host);
  let second = null;
  const compare = async (raw, options) => {
    if (!raw) {
      second?.remove();
      second = null;
      return;
    }
    second ??= new Second({
      first: host.viewer, template: $("compare-template"), titleOf: host.titleOf, options: host.options,
    });
    if (!second.fitted) {
      host.fitSecond?.(second.viewer);
      second.fitted = true;
    }
    await second.load(raw, options);
  };
  host.hooks.shown = (raw) => {
    formulas(raw);
    second?.resync(host.viewer.cur);
  };
  formulas(host.current());

  if (host.tour) {
    const player = new TourPlayer(host.tour, {
      ...host, panel: $("tour-panel"), t, compare, frames,
      setLink: (link) => { host.hooks.link = link; },
      wrote: () => { writeUrl(host.hooks.link()); present(); },
    });
    const stop = player.stop();
    const first = stop.query && host.current().query ? host.current() : null;
    await player.showStop({ first: first && stop.query ? first : null });
    return;
  }
  const [, b] = splitCompare(page.compare);
  const answer = await fetchTrace(b);
  if (answer.errors) {
    $("messages")?.append(Object.assign(document.createElement("p"), {
      className: "message", textContent: t("compare.refused", { msg: answer.errors[0].msg }),
    }));
    return;
  }
  let query = b;
  host.hooks.link = () => compareQuery(host.current().query, query, page);
  await compare(answer.trace, { view: page.view || "canvas", step: host.viewer.cur });
  writeUrl(host.hooks.link());
  const edit = second.section.querySelector(".compare-edit");
  if (edit) {
    edit.elements.compare_b.value = b;
    edit.addEventListener("submit", async (e) => {
      e.preventDefault();
      const result = await fetchTrace(edit.elements.compare_b.value.trim());
      if (result.errors) {
        edit.elements.compare_b.setCustomValidity(result.errors.map((x) => x.msg).join(" "));
        edit.reportValidity();
        return;
      }
      edit.elements.compare_b.setCustomValidity("");
      query = result.trace.query;
      await compare(result.trace, { view: page.view || "canvas", step: host.viewer.cur });
      writeUrl(host.hooks.link());
    });
  }
  present();
}
