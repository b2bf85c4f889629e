/**
 * The field values that decide how a message is framed and whether its connection stays
 * open: Content-Length (RFC 9110 8.6), Transfer-Encoding (RFC 9112 6.1), Connection
 * (RFC 9110 7.6.1). They read the value's bytes in place; no strings are made.
 */
import { COMMA, DQUOTE, EQUALS, equalsLower, HTAB, SEMICOLON, SP, TOKEN } from "./_chars.js";
import { scanQuotedString } from "./_quoted.js";

/** Returned by {@link parseContentLength} for a value that is not a valid length. */
export const INVALID_LENGTH = -1;

/**
 * Reads a Content-Length value: `1*DIGIT`, or a comma-separated list of such values that all
 * agree (RFC 9110 8.6 lets a recipient accept `42, 42`). Returns INVALID_LENGTH for anything
 * else: signs, spaces inside a number, empty list elements, differing values, or a length
 * beyond 2^53 - 1.
 */
export function parseContentLength(buf: Uint8Array, start: number, end: number): number {
  let result = INVALID_LENGTH;
  let p = start;
  for (;;) {
    const digitsStart = p;
    let value = 0;
    let d = 0;
    while (p < end && (d = buf[p] - 0x30) >= 0 && d <= 9) {
      value = value * 10 + d;
      p++;
    }
    if (p === digitsStart || value > Number.MAX_SAFE_INTEGER) return INVALID_LENGTH;
    if (result !== INVALID_LENGTH && value !== result) return INVALID_LENGTH;
    result = value;
    if (p === end) return result;
    p = skipOWS(buf, p, end);
    if (p === end || buf[p] !== COMMA) return INVALID_LENGTH;
    p = skipOWS(buf, p + 1, end);
  }
}

/** What the Transfer-Encoding field lines of one message say, accumulated line by line. */
export class TransferCodings {
  /** Some Transfer-Encoding line was present. */
  present = false;
  /** A line did not follow the list syntax, or chunked had parameters. */
  malformed = false;
  /** Codings seen, in order. */
  count = 0;
  chunkedCount = 0;
  /** The coding most recently seen is chunked. */
  lastIsChunked = false;
  /** A coding other than chunked, gzip, deflate, compress (and their x- aliases) was seen. */
  unknown = false;

  clear(): void {
    this.present = false;
    this.malformed = false;
    this.count = 0;
    this.chunkedCount = 0;
    this.lastIsChunked = false;
    this.unknown = false;
  }

  /**
   * Adds one field line's value: `#transfer-coding`, each `token *( OWS ";" OWS
   * token "=" ( token / quoted-string ) )` (RFC 9112 7, RFC 9110 10.1.4). Empty list elements
   * are ignored, as RFC 9110 5.6.1 asks of recipients.
   */
  add(buf: Uint8Array, start: number, end: number): void {
    this.present = true;
    let p = start;
    let elements = 0;
    while (p < end) {
      p = skipOWS(buf, p, end);
      if (p === end) break;
      if (buf[p] === COMMA) {
        p++;
        continue;
      }
      const nameStart = p;
      while (p < end && TOKEN[buf[p]] === 1) p++;
      if (p === nameStart) {
        this.malformed = true;
        return;
      }
      const chunked = equalsLower(buf, nameStart, p, "chunked");
      this.note(buf, nameStart, p, chunked);
      elements++;
      p = skipOWS(buf, p, end);
      while (p < end && buf[p] === SEMICOLON) {
        // The chunked coding has no parameters (RFC 9112 7).
        if (chunked) {
          this.malformed = true;
          return;
        }
        p = skipParameter(buf, skipOWS(buf, p + 1, end), end);
        if (p < 0) {
          this.malformed = true;
          return;
        }
        p = skipOWS(buf, p, end);
      }
      if (p < end && buf[p] !== COMMA) {
        this.malformed = true;
        return;
      }
    }
    if (elements === 0) this.malformed = true;
  }

  private note(buf: Uint8Array, start: number, end: number, chunked: boolean): void {
    this.count++;
    this.lastIsChunked = chunked;
    if (chunked) {
      this.chunkedCount++;
    } else if (
      !equalsLower(buf, start, end, "gzip") &&
      !equalsLower(buf, start, end, "x-gzip") &&
      !equalsLower(buf, start, end, "deflate") &&
      !equalsLower(buf, start, end, "compress") &&
      !equalsLower(buf, start, end, "x-compress")
    ) {
      this.unknown = true;
    }
  }
}

/** Connection options that change how the parser reports a message. */
export const CONNECTION_CLOSE = 1;
export const CONNECTION_KEEP_ALIVE = 2;
export const CONNECTION_UPGRADE = 4;

/**
 * Reads the connection options of a Connection value (`#connection-option`, case-insensitive)
 * and returns the CONNECTION_* bits of those it knows. Other options are ignored: they name
 * hop-by-hop fields, which is the server's business.
 */
export function connectionOptions(buf: Uint8Array, start: number, end: number): number {
  let bits = 0;
  let p = start;
  while (p < end) {
    p = skipOWS(buf, p, end);
    const tokenStart = p;
    while (p < end && TOKEN[buf[p]] === 1) p++;
    const tokenEnd = p;
    p = skipOWS(buf, p, end);
    // Only an element that is exactly one token counts; anything else is skipped to its comma.
    if (p === end || buf[p] === COMMA) {
      if (equalsLower(buf, tokenStart, tokenEnd, "close")) bits |= CONNECTION_CLOSE;
      else if (equalsLower(buf, tokenStart, tokenEnd, "keep-alive")) bits |= CONNECTION_KEEP_ALIVE;
      else if (equalsLower(buf, tokenStart, tokenEnd, "upgrade")) bits |= CONNECTION_UPGRADE;
    }
    while (p < end && buf[p] !== COMMA) p++;
    p++;
  }
  return bits;
}

function skipOWS(buf: Uint8Array, p: number, end: number): number {
  let c = 0;
  while (p < end && ((c = buf[p]) === SP || c === HTAB)) p++;
  return p;
}

/** `token BWS "=" BWS ( token / quoted-string )` at p; returns the position after it or -1. */
function skipParameter(buf: Uint8Array, p: number, end: number): number {
  const nameStart = p;
  while (p < end && TOKEN[buf[p]] === 1) p++;
  if (p === nameStart) return -1;
  p = skipOWS(buf, p, end);
  if (p === end || buf[p] !== EQUALS) return -1;
  p = skipOWS(buf, p + 1, end);
  if (p < end && buf[p] === DQUOTE) return scanQuotedString(buf, p, end);
  const valueStart = p;
  while (p < end && TOKEN[buf[p]] === 1) p++;
  return p === valueStart ? -1 : p;
}
