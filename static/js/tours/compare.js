// Compare mode: a second Viewer beside the first, both driven by one player (SPEC.md
// "Tours and compare"). Each diagram keeps its own title, output-size panel and
// exploring; Play, step, scrub, speed and the keys of either move both to the same step
// (a diagram with fewer steps stays on its last).

import { renderFormulas } from "../formulas.js";
import { t } from "../i18n.js";
import { Player } from "../player.js";
import { Viewer } from "../viewer.js";

const DRIVEN = ["toggle", "play", "forward", "back", "reset", "seek", "setSpeed"];

/** Drive several viewers with one player; returns a function that frees them again. */
export function lockstep(viewers) {
  const driver = new Player({
    count: 1,
    onStep: (n) => {
      for (const v of viewers) {
        const i = Math.min(n, v.view.count - 1);
        v.player.index = i;
        v.show(i);
        v.parts.step.value = String(n);
      }
    },
    onPlaying: (playing) => viewers.forEach((v) => {
      v.player.playing = playing;
      v.showPlaying(playing);
    }),
  });
  for (const v of viewers) {
    const own = v.player;
    for (const name of DRIVEN) own[name] = (...args) => driver[name](...args);
    own.pause = () => driver.pause();
  }
  const sync = (step = driver.index) => {
    const count = Math.max(...viewers.map((v) => v.view?.count || 1));
    driver.setCount(count);
    for (const v of viewers) v.parts.step.max = String(count - 1);
    driver.seek(step);
  };
  const free = () => {
    driver.pause();
    for (const v of viewers) for (const name of [...DRIVEN, "pause"]) delete v.player[name];
  };
  return { driver, sync, free };
}

/** The second diagram: built from <template id="compare-template">, placed after `first`. */
export class Second {
  constructor({ first, template, titleOf, options }) {
    this.first = first;
    this.titleOf = titleOf;
    this.pair = document.createElement("div");
    this.pair.className = "pair";
    first.root.before(this.pair);
    this.section = template.content.firstElementChild.cloneNode(true);
    this.pair.append(first.root, this.section);
    // The text says "left" and "right"; stacked on a phone, a tag says which is which.
    this.tags = [[first.root, "compare.left"], [this.section, "compare.right"]].map(([root, key]) => {
      const tag = Object.assign(document.createElement("p"), { className: "side-tag", textContent: t(key) });
      root.prepend(tag);
      return tag;
    });
    this.viewer = new Viewer(this.section, options);
    this.link = lockstep([first, this.viewer]);
    document.body.classList.add("comparing");
  }

  /** Show `raw` (an /api/trace answer) in the second diagram, both at `step`. */
  async load(raw, { view = "canvas", step = 0 } = {}) {
    this.raw = raw;
    await this.viewer.load(raw, { view, step });
    this.section.querySelector(".compare-title").textContent = this.titleOf(raw);
    renderFormulas(this.section.querySelector(".own-formulas"), raw);
    this.first.fit(); // the room each diagram gets may depend on the other (an embed's height)
    this.link.sync(step);
  }

  /** The first diagram changed (edited, or a new tour stop): keep both on one step. */
  resync(step) {
    this.link.sync(step);
  }

  remove() {
    this.link.free();
    this.viewer.destroy();
    this.tags.forEach((tag) => tag.remove());
    this.pair.before(this.first.root);
    this.pair.remove();
    document.body.classList.remove("comparing");
  }
}
