/**
 * Idle watchers (ev_idle): invoked once per iteration when nothing of a higher priority is
 * pending, and while any is active the loop does not block. For work to do "when there is
 * nothing else to do", at a chosen priority.
 */
import { MINPRI } from "./constants.js";
import type { Loop } from "./loop.js";
import { Watcher, type WatcherCallback } from "./watcher.js";

export class Idle extends Watcher {
  constructor(loop: Loop, cb: WatcherCallback<Idle>) {
    super(loop, cb);
  }

  /** Nothing to set: kept so every watcher type has set(...) (ev_idle_set). */
  set(): void {
    this.assertInactive("set");
  }

  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    const list = loop._idles[this._priority - MINPRI]!;
    loop._start(this, list.length + 1);
    list.push(this);
    loop._idleAll++;
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    const list = loop._idles[this._priority - MINPRI]!;
    const last = list.pop()!;
    if (last !== this) {
      list[this._active - 1] = last;
      last._active = this._active;
    }
    loop._idleAll--;
    loop._stop(this);
  }
}
