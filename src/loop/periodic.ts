/**
 * Periodics (ev_periodic): wake-ups at wall-clock times, which follow the realtime clock when
 * it is set (a timer would not). Three forms, as in libev:
 * - absolute: interval 0 and no reschedule; fires once at `offset` (seconds since the epoch);
 * - interval: fires at offset + k*interval for whole k, e.g. every full hour;
 * - reschedule(w, now) returns the next time, for anything more complex.
 */
import { MIN_INTERVAL } from "./constants.js";
import type { HeapNode } from "./heap.js";
import type { Loop } from "./loop.js";
import { Watcher, type WatcherCallback } from "./watcher.js";

export type Reschedule = (w: Periodic, now: number) => number;

function checkNumber(v: number, what: string, min: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    throw new RangeError(
      `${what} must be a finite number${min === 0 ? " >= 0" : ""}, got ${String(v)}`,
    );
  }
  return v;
}

function checkReschedule(r: Reschedule | null): Reschedule | null {
  if (r !== null && typeof r !== "function") {
    throw new TypeError(`Periodic reschedule must be a function or null, got ${typeof r}`);
  }
  return r;
}

export class Periodic extends Watcher implements HeapNode {
  /** @internal the next time it fires, seconds since the epoch */
  _at = 0;
  private _offset: number;
  private _interval: number;
  private _reschedule: Reschedule | null;

  constructor(
    loop: Loop,
    offset: number,
    interval: number,
    reschedule: Reschedule | null,
    cb: WatcherCallback<Periodic>,
  ) {
    super(loop, cb);
    this._offset = checkNumber(offset, "Periodic offset", Number.NEGATIVE_INFINITY);
    this._interval = checkNumber(interval, "Periodic interval", 0);
    this._reschedule = checkReschedule(reschedule);
  }

  get offset(): number {
    return this._offset;
  }
  set offset(v: number) {
    this._offset = checkNumber(v, "Periodic offset", Number.NEGATIVE_INFINITY);
  }
  get interval(): number {
    return this._interval;
  }
  set interval(v: number) {
    this._interval = checkNumber(v, "Periodic interval", 0);
  }
  get reschedule(): Reschedule | null {
    return this._reschedule;
  }
  set reschedule(r: Reschedule | null) {
    this._reschedule = checkReschedule(r);
  }

  /** Sets offset, interval and reschedule; only while inactive (ev_periodic_set). */
  set(offset: number, interval: number, reschedule: Reschedule | null): void {
    this.assertInactive("set");
    this.offset = offset;
    this.interval = interval;
    this.reschedule = reschedule;
  }

  /** The time (seconds since the epoch) it fires next (ev_periodic_at). */
  at(): number {
    return this._at;
  }

  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    loop._checkAlive();
    if (this._reschedule || this._interval) this._recalc(loop._rtNow);
    else this._at = this._offset;
    loop._heapInsert(loop._periodics, ++loop._periodicCount, this);
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    loop._heapRemove(loop._periodics, --loop._periodicCount, this);
  }

  /** Stops and starts it again, so changed parameters take effect (ev_periodic_again). */
  again(): void {
    this.stop();
    this.start();
  }

  /** @internal computes `at` for the next time after `now` (periodic_recalc) */
  _recalc(now: number): void {
    if (this._reschedule) {
      const at = this._reschedule(this, now);
      if (typeof at !== "number" || Number.isNaN(at) || at < now) {
        throw new RangeError(
          `Periodic reschedule returned ${String(at)}, which is before now (${now})`,
        );
      }
      this._at = at;
      return;
    }
    const interval = Math.max(this._interval, MIN_INTERVAL);
    let at = this._offset + interval * Math.floor((now - this._offset) / interval);
    // The division above errs on the low side; step forward to the first time after now.
    while (at <= now) {
      const next = at + this._interval;
      if (next === at) {
        at = now;
        break;
      }
      at = next;
    }
    this._at = at;
  }
}
