/**
 * The line that opens each chunk (RFC 9112 7.1):
 *
 *   chunk-size [ chunk-ext ] CRLF
 *   chunk-size = 1*HEXDIG
 *   chunk-ext  = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *   chunk-ext-val = token / quoted-string
 *
 * The size takes no sign, no "0x" and no whitespace. The grammar's BWS around ";" and "="
 * is refused too (see scanExtensions). Extensions are checked, bounded and dropped: no field
 * of HTTP gives them a meaning.
 */
import { CR, DQUOTE, EQUALS, HEX, SEMICOLON, TOKEN } from "./_chars.js";
import { scanQuotedString } from "./_quoted.js";
import { type HttpParseErrorCode, parseError } from "./errors.js";

/** 16 hex digits are 64 bits; more could only be leading zeros or an overflow attempt. */
export const MAX_CHUNK_SIZE_DIGITS = 16;

/**
 * Parses the chunk-size line in [start, lf), lf being the position of its LF. Returns the
 * chunk size. `bias` turns a position into a stream offset for errors.
 */
export function parseChunkLine(
  buf: Uint8Array,
  start: number,
  lf: number,
  maxExtension: number,
  bias: number,
): number {
  const cr = lf - 1;
  if (cr < start || buf[cr] !== CR) fail("HPE_CR_EXPECTED", "LF without CR", lf, bias);
  let p = start;
  let size = 0;
  let digit = 0;
  while (p < cr && (digit = HEX[buf[p]]) >= 0) {
    size = size * 16 + digit;
    p++;
  }
  const digits = p - start;
  if (digits === 0) fail("HPE_INVALID_CHUNK_SIZE", "the chunk size is not hexadecimal", p, bias);
  if (digits > MAX_CHUNK_SIZE_DIGITS || size > Number.MAX_SAFE_INTEGER) {
    fail("HPE_INVALID_CHUNK_SIZE", "the chunk size is too large", start, bias);
  }
  if (p === cr) return size;
  if (cr - p > maxExtension) {
    fail("HPE_CHUNK_EXTENSIONS_OVERFLOW", `chunk extensions over ${maxExtension} bytes`, p, bias);
  }
  const bad = scanExtensions(buf, p, cr);
  if (bad >= 0) {
    // A size followed by anything but ";" is a bad size ("1x", "1 ").
    const code: HttpParseErrorCode =
      bad === p ? "HPE_INVALID_CHUNK_SIZE" : "HPE_INVALID_CHUNK_EXTENSION";
    fail(code, "malformed chunk-size line", bad, bias);
  }
  return size;
}

/**
 * Checks `chunk-ext` over [p, end); returns -1 if valid, else the position of the fault.
 * The grammar's BWS is refused: llhttp refuses it too, and whitespace inside a chunk line is
 * where parsers in a chain have disagreed about where a chunk ends.
 */
function scanExtensions(buf: Uint8Array, p: number, end: number): number {
  while (p < end) {
    if (buf[p] !== SEMICOLON) return p;
    const nameStart = ++p;
    while (p < end && TOKEN[buf[p]] === 1) p++;
    if (p === nameStart) return p;
    if (p < end && buf[p] === EQUALS) {
      p++;
      if (p === end) return p;
      if (buf[p] === DQUOTE) {
        const after = scanQuotedString(buf, p, end);
        if (after < 0) return p;
        p = after;
      } else {
        const valueStart = p;
        while (p < end && TOKEN[buf[p]] === 1) p++;
        if (p === valueStart) return p;
      }
    }
  }
  return -1;
}

function fail(code: HttpParseErrorCode, message: string, pos: number, bias: number): never {
  throw parseError(code, message, pos + bias);
}
