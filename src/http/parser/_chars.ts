/**
 * Byte classes of RFC 9110 and RFC 9112 as 256-entry tables, so that the scanners test a
 * byte with one indexed load instead of a chain of comparisons.
 */

export const HTAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const DQUOTE = 0x22;
export const COMMA = 0x2c;
export const DOT = 0x2e;
export const SLASH = 0x2f;
export const COLON = 0x3a;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
export const BACKSLASH = 0x5c;

const TCHAR_PUNCTUATION = "!#$%&'*+-.^_`|~";

/** 1 for tchar (RFC 9110 5.6.2): the bytes of methods, field names and codings. */
export const TOKEN = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;
for (const ch of TCHAR_PUNCTUATION) TOKEN[ch.charCodeAt(0)] = 1;

/**
 * 1 for the bytes a request-target may hold: visible ASCII. The URI grammar (RFC 3986) has
 * no raw byte outside it, and anything else (space, CTL, obs-text) is how request lines get
 * misread by one hop and not the next.
 */
export const TARGET = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) TARGET[c] = 1;

/**
 * Field content (RFC 9110 5.5): 1 for VCHAR and obs-text, 2 for SP and HTAB (whitespace is
 * allowed inside a value but trimmed at its ends), 0 for every CTL, DEL and NUL.
 */
export const FIELD = new Uint8Array(256);
for (let c = 0x21; c <= 0xff; c++) FIELD[c] = c === 0x7f ? 0 : 1;
FIELD[SP] = 2;
FIELD[HTAB] = 2;

/** Value of a hexadecimal digit, -1 for any other byte. */
export const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = 10 + c;
  HEX[0x61 + c] = 10 + c;
}

/** True when the bytes [start, end) equal `lower` (ASCII lower case) ignoring case. */
export function equalsLower(buf: Uint8Array, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    // OR-ing 0x20 folds A-Z onto a-z; no tchar other than a letter folds onto a letter, so
    // this is exact for the token bytes it is used on.
    if ((buf[start + i] | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
