// Play / pause / step / scrub / speed. Knows nothing of convolutions: it moves an
// index through [0, count) and calls onStep(index); speed is in steps per second
// (1× is two steps a second). Fast speeds skip frames rather than fall behind.
// Between steps the player sleeps (a timer, then one animation frame): at 2 steps a second
// it asks for 2 frames a second, not 60, so a playing embed costs almost nothing.
// hold(true) stops the clock without pausing (a diagram off screen or in a hidden tab):
// nothing runs, `playing` stays true, and hold(false) goes on from the same step.

const BASE_RATE = 2;
const FRAME = 1000 / 60;

export class Player {
  constructor({ count, onStep, onPlaying, loop = false }) {
    this.count = count;
    this.onStep = onStep;
    this.onPlaying = onPlaying;
    this.loop = loop;
    this.index = 0;
    this.speed = 1;
    this.playing = false;
    this.held = false;
    this.frame = null;
  }

  setCount(count) {
    this.pause();
    this.count = count;
    this.index = Math.min(this.index, count - 1);
  }

  seek(index) {
    const clamped = Math.max(0, Math.min(this.count - 1, index));
    this.index = clamped;
    this.onStep(clamped);
  }

  forward() {
    this.pause();
    this.seek(this.index + 1);
  }

  back() {
    this.pause();
    this.seek(this.index - 1);
  }

  reset() {
    this.pause();
    this.seek(0);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (this.playing || this.count < 1) return;
    if (this.index >= this.count - 1) this.seek(0);
    this.playing = true;
    this.onPlaying(true);
    this.carry = 0;
    if (!this.held) this.run();
  }

  run() {
    this.last = performance.now();
    this.next(0);
  }

  /** The next tick: in the frame after `wait` ms (a timer first when that is frames away). */
  next(wait) {
    const frame = () => { this.frame = requestAnimationFrame((now) => this.tick(now)); };
    if (wait > 2 * FRAME) this.timer = setTimeout(frame, wait - FRAME);
    else frame();
  }

  stop() {
    clearTimeout(this.timer);
    cancelAnimationFrame(this.frame);
  }

  hold(held) {
    if (held === this.held) return;
    this.held = held;
    if (!this.playing) return;
    if (held) this.stop();
    else this.run();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.stop();
    this.onPlaying(false);
  }

  setSpeed(speed) {
    this.speed = speed > 0 ? speed : 1;
  }

  tick(now) {
    if (!this.playing || this.held) return;
    const rate = BASE_RATE * this.speed; // steps per second
    this.carry += ((now - this.last) / 1000) * rate;
    this.last = now;
    const advance = Math.floor(this.carry);
    if (advance > 0) {
      this.carry -= advance;
      let next = this.index + advance;
      if (next > this.count - 1) {
        if (this.loop) {
          next = 0;
        } else {
          this.seek(this.count - 1);
          this.pause();
          return;
        }
      }
      this.seek(next);
    }
    this.next(((1 - this.carry) / rate) * 1000);
  }
}
