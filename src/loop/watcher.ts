/**
 * What every watcher shares (ev.pod, "ANATOMY OF A WATCHER"): it belongs to one loop, has a
 * callback `cb(w, revents)`, a priority from -2 to 2 that can only change while it is
 * inactive, and user `data`. `_active` is the watcher's slot in whatever structure holds it
 * (heap index, array position + 1, or 1), 0 when inactive; `_pending` is its slot in the
 * pending queue of its priority plus one, 0 when not pending. Knowing both means stopping a
 * watcher never searches.
 */
import { MAXPRI, MINPRI } from "./constants.js";
import type { Loop } from "./loop.js";

export type WatcherCallback<W> = (w: W, revents: number) => void;

export abstract class Watcher {
  readonly loop: Loop;
  /** Any value the user wants to keep with the watcher. */
  data: unknown = undefined;
  /** @internal slot in the structure holding the active watcher, 0 when inactive */
  _active = 0;
  /** @internal slot + 1 in its priority's pending array, 0 when not pending */
  _pending = 0;
  /** @internal */
  _priority = 0;
  /** @internal the user's callback, called as cb(this, revents) */
  _cb: (w: never, revents: number) => void;

  constructor(loop: Loop, cb: (w: never, revents: number) => void) {
    if (loop === null || typeof loop !== "object" || typeof loop.feedEvent !== "function") {
      throw new TypeError(`watcher needs a Loop as its first argument, got ${String(loop)}`);
    }
    if (typeof cb !== "function")
      throw new TypeError(`watcher callback must be a function, got ${typeof cb}`);
    this.loop = loop;
    this._cb = cb;
  }

  abstract start(): void;
  abstract stop(): void;

  /** True between start() and stop() (ev_is_active). */
  get active(): boolean {
    return this._active !== 0;
  }

  /** True while an event for it waits in the pending queue (ev_is_pending). */
  get pending(): boolean {
    return this._pending !== 0;
  }

  get priority(): number {
    return this._priority;
  }

  set priority(pri: number) {
    if (!Number.isInteger(pri) || pri < MINPRI || pri > MAXPRI) {
      throw new RangeError(`priority must be an integer in ${MINPRI}..${MAXPRI}, got ${pri}`);
    }
    if (this._active !== 0 || this._pending !== 0) {
      throw new Error(
        `cannot change the priority of an active or pending ${this.constructor.name}`,
      );
    }
    this._priority = pri;
  }

  /** The callback, replaceable at any time (ev_set_cb). */
  get cb(): (w: never, revents: number) => void {
    return this._cb;
  }

  set cb(cb: (w: never, revents: number) => void) {
    if (typeof cb !== "function")
      throw new TypeError(`watcher callback must be a function, got ${typeof cb}`);
    this._cb = cb;
  }

  /** @internal throws when set() is called while active, as libev forbids it */
  protected assertInactive(what: string): void {
    if (this._active !== 0)
      throw new Error(`cannot call ${what}() on an active ${this.constructor.name}; stop it first`);
  }
}

/** Throws unless `t` is a finite number >= 0 (times in seconds). */
export function checkTime(t: number, what: string): number {
  if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
    throw new RangeError(`${what} must be a finite number of seconds >= 0, got ${String(t)}`);
  }
  return t;
}
