/**
 * ASCII text written straight into a byte buffer, for formatters that skip building strings.
 *
 * Each function writes at `at` and returns the offset just past what it wrote; none checks
 * for room, so the caller sizes the buffer first (the fast line formatter reserves a bound on
 * its longest line). Building the same text as a JavaScript string and encoding it afterwards
 * costs a string per piece, a rope flattening per line and a UTF-8 encoding pass.
 */

/** The character codes of "00" to "99": TWO_DIGITS[2n] and TWO_DIGITS[2n + 1] for n. */
const TWO_DIGITS = new Uint8Array(200);
for (let n = 0; n < 100; n++) {
  TWO_DIGITS[2 * n] = 48 + Math.floor(n / 10);
  TWO_DIGITS[2 * n + 1] = 48 + (n % 10);
}

/** Writes `text`, whose characters must all be below 0x80 (callers pass literals). */
export function putAscii(dst: Uint8Array, at: number, text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) dst[at + i] = text.charCodeAt(i);
  return at + n;
}

/**
 * Writes `text` when it is all ASCII and leaves at least one byte of `dst` free after it (for
 * the line's newline); returns -1 otherwise, so that the caller can hand the packet to the
 * general path (which encodes UTF-8 and makes room).
 */
export function putTextIfAscii(dst: Uint8Array, at: number, text: string): number {
  const n = text.length;
  if (at + n >= dst.length) return -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return -1;
    dst[at + i] = c;
  }
  return at + n;
}

/** How many decimal digits a non-negative integer has. */
function decimalDigits(n: number): number {
  if (n < 100000) {
    if (n < 100) return n < 10 ? 1 : 2;
    return n < 1000 ? 3 : n < 10000 ? 4 : 5;
  }
  if (n < 1000000000) {
    if (n < 10000000) return n < 1000000 ? 6 : 7;
    return n < 100000000 ? 8 : 9;
  }
  let digits = 10;
  for (let limit = 10000000000; n >= limit && digits < 21; limit *= 10) digits++;
  return digits;
}

/**
 * Writes a non-negative integer (up to 2^53) in decimal, as `String(n)` would. Two digits
 * per step from a table: sequence numbers have ten digits, and a division per digit showed
 * up in profiles.
 */
export function putDecimal(dst: Uint8Array, at: number, n: number): number {
  if (n < 10) {
    dst[at] = 48 + n;
    return at + 1;
  }
  const end = at + decimalDigits(n);
  let p = end;
  while (n >= 100) {
    const q = Math.floor(n / 100);
    const r = (n - q * 100) * 2;
    p -= 2;
    dst[p] = TWO_DIGITS[r]!;
    dst[p + 1] = TWO_DIGITS[r + 1]!;
    n = q;
  }
  if (n >= 10) {
    dst[at] = TWO_DIGITS[n * 2]!;
    dst[at + 1] = TWO_DIGITS[n * 2 + 1]!;
  } else {
    dst[at] = 48 + n;
  }
  return end;
}

/**
 * Writes `n` (0 <= n < 10^width) zero-padded to exactly `width` digits, as the fraction of
 * a timestamp is printed.
 */
export function putFixedDecimal(dst: Uint8Array, at: number, n: number, width: number): number {
  let p = at + width;
  while (p - at >= 2) {
    const q = Math.floor(n / 100);
    const r = (n - q * 100) * 2;
    p -= 2;
    dst[p] = TWO_DIGITS[r]!;
    dst[p + 1] = TWO_DIGITS[r + 1]!;
    n = q;
  }
  if (p > at) dst[at] = 48 + (n % 10);
  return at + width;
}

/** Writes the four bytes at `data[off..off+3]` as a dotted quad ("127.0.0.1"). */
export function putIPv4(dst: Uint8Array, at: number, data: Uint8Array, off: number): number {
  at = putDecimal(dst, at, data[off]!);
  dst[at++] = 46;
  at = putDecimal(dst, at, data[off + 1]!);
  dst[at++] = 46;
  at = putDecimal(dst, at, data[off + 2]!);
  dst[at++] = 46;
  return putDecimal(dst, at, data[off + 3]!);
}
