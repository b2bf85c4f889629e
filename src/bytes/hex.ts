/** Hex encoding and decoding of byte arrays. */

const HEX_DIGITS = "0123456789abcdef";
/** Two-character lowercase hex for every byte value, built once. */
const BYTE_HEX: string[] = [];
for (let i = 0; i < 256; i++) BYTE_HEX.push(HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!);

/** Two lowercase hex digits for one byte value (masked to 0..255). */
export function byteToHex(v: number): string {
  return BYTE_HEX[v & 0xff]!;
}

/**
 * Lowercase hex of `data[start, end)`, with an optional separator between bytes.
 *
 * @example
 * toHex(new Uint8Array([1, 0xab])); // "01ab"
 * toHex(new Uint8Array([1, 0xab]), ":"); // "01:ab"
 */
export function toHex(data: Uint8Array, separator = "", start = 0, end = data.length): string {
  if (end > data.length) end = data.length;
  let s = "";
  for (let i = start; i < end; i++) {
    if (i > start && separator !== "") s += separator;
    s += BYTE_HEX[data[i]!]!;
  }
  return s;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * Parses hex text into bytes. Whitespace and the separators `:`, `-` and `.` between byte
 * pairs are ignored. Returns null for an odd digit count or a non-hex character.
 *
 * @example
 * fromHex("45 00 00 1c"); // Uint8Array [0x45, 0, 0, 0x1c]
 */
export function fromHex(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length >> 1);
  let n = 0;
  let high = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 58 || c === 45 || c === 46) {
      if (high >= 0) return null; // a separator may not split a byte
      continue;
    }
    const v = hexValue(c);
    if (v < 0) return null;
    if (high < 0) high = v;
    else {
      out[n++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) return null;
  return out.slice(0, n);
}
