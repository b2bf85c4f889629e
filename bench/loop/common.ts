/**
 * Shared by the TypeScript side of the loop benchmark: the same xorshift32 sequence as
 * common.h (same seed, same bit operations), the clock, and the median.
 */

const SEED = 0x9e3779b9;
let state = SEED | 0;

/** Marsaglia's xorshift32, bit for bit the C version: an unsigned 32-bit integer. */
export function rand(): number {
  let x = state;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state = x;
  return x >>> 0;
}

/** A float in [0, 1), computed as the C side does: x / 2^32. */
export function randUnit(): number {
  return rand() / 4294967296;
}

/** Monotonic nanoseconds as a float (microsecond-exact well beyond a bench's duration). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Median of the samples; sorts them in place. */
export function median(samples: Float64Array): number {
  samples.sort();
  const n = samples.length;
  return n % 2 ? samples[n >> 1]! : (samples[n / 2 - 1]! + samples[n / 2]!) / 2;
}
