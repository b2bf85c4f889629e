/**
 * The two clocks libev keeps: a monotonic one for relative timers (never jumps) and the
 * realtime clock for `now()` and periodics (can jump when the system time is set).
 */
import { performance } from "node:perf_hooks";

/** Seconds on a monotonic clock (CLOCK_MONOTONIC through performance.now()). */
export function monotonic(): number {
  return performance.now() / 1000;
}

/** Seconds since the epoch on the realtime clock. */
export function realtime(): number {
  return Date.now() / 1000;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `seconds` (ev_sleep), used for the collect intervals in owned mode. */
export function sleep(seconds: number): void {
  if (seconds > 0) Atomics.wait(sleeper, 0, 0, seconds * 1000);
}
