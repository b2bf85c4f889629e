/**
 * Timers (ev_timer): relative timeouts on the monotonic clock, optionally repeating, kept
 * in the loop's 4-ary heap. While inactive, `at` holds the time left (the `after` given, or
 * what remained when it was stopped); while active, the absolute monotonic deadline.
 */
import type { HeapNode } from "./heap.js";
import { adjustheap } from "./heap.js";
import type { Loop } from "./loop.js";
import { checkTime, Watcher, type WatcherCallback } from "./watcher.js";

export class Timer extends Watcher implements HeapNode {
  /** @internal deadline (active) or time left (inactive), seconds */
  _at: number;
  private _repeat: number;

  constructor(loop: Loop, after: number, repeat: number, cb: WatcherCallback<Timer>) {
    super(loop, cb);
    this._at = checkTime(after, "Timer after");
    this._repeat = checkTime(repeat, "Timer repeat");
  }

  /** Seconds between repeats; 0 for a one-shot timer. Writable at any time. */
  get repeat(): number {
    return this._repeat;
  }

  set repeat(seconds: number) {
    this._repeat = checkTime(seconds, "Timer repeat");
  }

  /** Sets `after` and `repeat`; only while inactive (ev_timer_set). */
  set(after: number, repeat: number): void {
    this.assertInactive("set");
    this._at = checkTime(after, "Timer after");
    this._repeat = checkTime(repeat, "Timer repeat");
  }

  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    loop._checkAlive();
    this._at += loop._mnNow;
    loop._heapInsert(loop._timers, ++loop._timerCount, this);
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    loop._heapRemove(loop._timers, --loop._timerCount, this);
    this._at -= loop._mnNow;
  }

  /**
   * ev_timer_again: a repeating timer is restarted `repeat` seconds from now (started if
   * inactive); a timer with repeat 0 is stopped. The idiom for an inactivity timeout.
   */
  again(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active !== 0) {
      if (this._repeat) {
        this._at = loop._mnNow + this._repeat;
        adjustheap(loop._timers, loop._timerCount, this._active);
      } else {
        this.stop();
      }
    } else if (this._repeat) {
      this._at = this._repeat;
      this.start();
    }
  }

  /** Seconds until the timer fires (ev_timer_remaining); the time left when inactive. */
  remaining(): number {
    return this._at - (this._active !== 0 ? this.loop._mnNow : 0);
  }
}
