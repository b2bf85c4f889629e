import { parseIPv6 } from "../../bytes/index.js";
import { KEYWORDS, NAMED_NUMBERS } from "./_tables.js";
import { FilterError } from "./errors.js";

/**
 * The lexer follows libpcap's scanner: the longest match wins, and among equally long
 * matches a keyword beats a number, which beats an address, which beats a plain name. A
 * name may contain `-`, `_` and `.` (so `icmp-echo` and `6000-6008` are one token each,
 * and `len-1` is a name, not an expression), and `\` escapes a keyword (`\tcp` is a name).
 */
export type Token =
  | { kind: "num"; value: number; text: string; position: number }
  | { kind: "hid"; text: string; position: number }
  | { kind: "hid6"; text: string; position: number }
  | { kind: "eid"; text: string; position: number }
  | { kind: "id"; text: string; position: number }
  | { kind: "kw"; text: string; position: number }
  | { kind: "op"; text: string; position: number }
  | { kind: "eof"; text: ""; position: number };

const NAME_CHARS = /[-_.A-Za-z0-9]/;
const ALNUM = /[A-Za-z0-9]/;
const TWO_CHAR_OPS = new Set([">=", "<=", "!=", "==", "<<", ">>", "&&", "||"]);
const ONE_CHAR_OPS = new Set([..."+-*/%:[]!<>()&|^="]);
const NUMBER = /^(?:[0-9]+|0[xX][0-9a-fA-F]+)$/;
const DOTTED = /^(?:[0-9]+|0[xX][0-9a-fA-F]+)(?:\.(?:[0-9]+|0[xX][0-9a-fA-F]+)){1,3}$/;
const MAC_SEPARATED = /^[0-9a-fA-F]{1,2}([:.-])[0-9a-fA-F]{1,2}(?:\1[0-9a-fA-F]{1,2}){4}/;
const MAC_DOTTED_WORDS = /^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/;
const IPV6_RUN = /^[0-9a-fA-F:.]+/;

/** Parses a number the way libpcap does: decimal, 0x hex, or octal with a leading 0. */
export function parseNumber(text: string, position: number): number {
  let value: number;
  if (/^0[xX]/.test(text)) value = Number.parseInt(text.slice(2), 16);
  else if (text.length > 1 && text[0] === "0") {
    if (/[89]/.test(text)) {
      throw new FilterError(
        "FILTER_BAD_NUMBER",
        `number ${text} contains non-octal digit`,
        position,
      );
    }
    value = Number.parseInt(text, 8);
  } else value = Number.parseInt(text, 10);
  if (!(value <= 0xffffffff)) {
    throw new FilterError("FILTER_BAD_NUMBER", `number ${text} overflows 32 bits`, position);
  }
  return value;
}

function nameAt(src: string, start: number): string {
  if (!ALNUM.test(src[start] ?? "")) return "";
  let end = start + 1;
  while (end < src.length && NAME_CHARS.test(src[end]!)) end++;
  // A name ends in a letter, digit or dot, as in libpcap's scanner.
  while (end > start + 1 && /[-_]/.test(src[end - 1]!)) end--;
  return src.slice(start, end);
}

function macAt(src: string, start: number): string {
  const m = MAC_SEPARATED.exec(src.slice(start));
  return m ? m[0] : "";
}

function ipv6At(src: string, start: number): string {
  const run = IPV6_RUN.exec(src.slice(start));
  if (!run?.[0].includes(":")) return "";
  // Shrink to the longest prefix that is an IPv6 address (so "::1]" or "fe80::/10" work).
  for (let end = run![0].length; end >= 2; end--) {
    const text = run![0].slice(0, end);
    if (isIPv6Text(text)) return text;
  }
  return "";
}

function isIPv6Text(text: string): boolean {
  return parseIPv6(text) !== null;
}

/** Splits a filter expression into tokens, ending with an `eof` token. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "\\") {
      let end = i + 1;
      while (end < src.length && !/[ !()\n\t]/.test(src[end]!)) end++;
      if (end === i + 1) {
        throw new FilterError("FILTER_ILLEGAL_CHARACTER", `illegal character at ${i}: '\\'`, i);
      }
      out.push({ kind: "id", text: src.slice(i + 1, end), position: i });
      i = end;
      continue;
    }
    const name = nameAt(src, i);
    const mac = macAt(src, i);
    const v6 = c === ":" || /[0-9a-fA-F]/.test(c) ? ipv6At(src, i) : "";
    const longest = Math.max(name.length, mac.length, v6.length);
    if (longest > 0) {
      out.push(classify(name, mac, v6, longest, i));
      i += longest;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      out.push({ kind: "op", text: two === "==" ? "=" : two, position: i });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      out.push({ kind: "op", text: c, position: i });
      i++;
      continue;
    }
    throw new FilterError("FILTER_ILLEGAL_CHARACTER", `illegal character at ${i}: '${c}'`, i);
  }
  out.push({ kind: "eof", text: "", position: src.length });
  return out;
}

function classify(name: string, mac: string, v6: string, length: number, position: number): Token {
  if (name.length === length) {
    const lower = name;
    if (KEYWORDS.has(lower)) return { kind: "kw", text: lower, position };
    const named = NAMED_NUMBERS.get(lower);
    if (named !== undefined) return { kind: "num", value: named, text: name, position };
    if (NUMBER.test(name))
      return { kind: "num", value: parseNumber(name, position), text: name, position };
    if (DOTTED.test(name)) return { kind: "hid", text: name, position };
    if (MAC_DOTTED_WORDS.test(name) || /^[0-9a-fA-F]{1,2}(\.[0-9a-fA-F]{1,2}){5}$/.test(name)) {
      return { kind: "eid", text: name, position };
    }
  }
  if (mac.length === length) return { kind: "eid", text: mac, position };
  if (v6.length === length) return { kind: "hid6", text: v6, position };
  return { kind: "id", text: name, position };
}
