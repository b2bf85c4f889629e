import { BACKSLASH, DQUOTE, FIELD } from "./_chars.js";

/**
 * Scans `quoted-string` (RFC 9110 5.6.4) starting at the DQUOTE at p. Returns the position
 * after the closing DQUOTE, or -1 when the string is unterminated or holds a CTL.
 */
export function scanQuotedString(buf: Uint8Array, p: number, end: number): number {
  p++;
  while (p < end) {
    const c = buf[p];
    if (c === DQUOTE) return p + 1;
    if (FIELD[c] === 0) return -1;
    if (c === BACKSLASH) {
      p++;
      if (p === end || FIELD[buf[p]] === 0) return -1;
    }
    p++;
  }
  return -1;
}
