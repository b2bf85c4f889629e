/**
 * Conditional requests (RFC 9110 sec. 13): validators of a file and the preconditions
 * If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since and If-Range, evaluated in
 * the order of sec. 13.2.2.
 */

import { parseHttpDate } from "./dates.js";

/** What a response can be validated with. */
export interface Validators {
  /** A strong entity-tag with its quotes, or undefined when ETags are off. */
  etag: string | undefined;
  /** Last modification, truncated to whole seconds (HTTP dates have no finer resolution). */
  lastModifiedMs: number;
}

/** One entity-tag of a list: `W/"x"` is `{ weak: true, opaque: '"x"' }`. */
export interface EntityTag {
  weak: boolean;
  /** The quoted string, quotes included. */
  opaque: string;
}

/**
 * The entity-tag nginx sends: mtime in seconds and size, both in hex, quoted. Strong, since
 * a change within the same second that keeps the size is the only case it misses, and nginx
 * accepts that trade too.
 *
 * @example etagFor(784111777000, 1234) // "\"2ebc4ba1-4d2\""
 */
export function etagFor(mtimeMs: number, size: number): string {
  return `"${Math.floor(mtimeMs / 1000).toString(16)}-${size.toString(16)}"`;
}

/** Parses a strong or weak entity-tag alone (If-Range), or undefined. */
export function parseEntityTag(text: string): EntityTag | undefined {
  const list = parseEntityTagList(text);
  return list !== undefined && list !== "*" && list.length === 1 ? list[0] : undefined;
}

/**
 * Parses `*` or a comma-separated list of entity-tags (If-Match, If-None-Match). Returns
 * undefined when the value is malformed: a precondition built from it then matches nothing.
 */
export function parseEntityTagList(text: string): "*" | EntityTag[] | undefined {
  const value = text.trim();
  if (value === "*") return "*";
  const tags: EntityTag[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x2c /* , */) {
      i++;
      continue;
    }
    let weak = false;
    if (value.startsWith("W/", i)) {
      weak = true;
      i += 2;
    }
    if (value.charCodeAt(i) !== 0x22 /* " */) return undefined;
    const close = value.indexOf('"', i + 1);
    if (close < 0) return undefined;
    const opaque = value.slice(i, close + 1);
    for (let k = 1; k < opaque.length - 1; k++) {
      const e = opaque.charCodeAt(k);
      // etagc = %x21 / %x23-7E / obs-text
      if (e < 0x21 || e === 0x7f) return undefined;
    }
    tags.push({ weak, opaque });
    i = close + 1;
    // After a tag only OWS and a comma may follow.
    while (i < n && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
    if (i < n && value.charCodeAt(i) !== 0x2c) return undefined;
  }
  return tags.length === 0 ? undefined : tags;
}

function sameOpaque(current: string, tag: EntityTag): boolean {
  return current === tag.opaque;
}

/** Strong comparison (sec. 8.8.3.2): both strong and identical. `current` is our strong tag. */
export function strongMatch(current: string | undefined, tag: EntityTag): boolean {
  return current !== undefined && !tag.weak && sameOpaque(current, tag);
}

/** Weak comparison: identical opaque-tags, weak or not. */
export function weakMatch(current: string | undefined, tag: EntityTag): boolean {
  return current !== undefined && sameOpaque(current, tag);
}

/** `*` matches any existing representation; a malformed list matches nothing. */
function listMatches(value: string, matches: (tag: EntityTag) => boolean): boolean {
  const tags = parseEntityTagList(value);
  if (tags === "*") return true;
  return tags === undefined ? false : tags.some(matches);
}

/** The outcome of the preconditions: go on, answer 304, or answer 412. */
export type Precondition = "proceed" | "not-modified" | "failed";

/**
 * Evaluates the preconditions of a GET or HEAD for an existing representation, in the order
 * of RFC 9110 sec. 13.2.2: If-Match (strong comparison, else If-Unmodified-Since) may fail
 * with 412; then If-None-Match (weak comparison), or when it is absent If-Modified-Since,
 * may answer 304. Dates that do not parse are ignored, as sec. 13.1.3 and 13.1.4 require.
 */
export function evaluatePreconditions(
  header: (name: string) => string | undefined,
  validators: Validators,
): Precondition {
  const { etag, lastModifiedMs } = validators;
  const ifMatch = header("if-match");
  if (ifMatch !== undefined) {
    if (!listMatches(ifMatch, (tag) => strongMatch(etag, tag))) return "failed";
  } else {
    const ius = header("if-unmodified-since");
    const date = ius === undefined ? undefined : parseHttpDate(ius);
    if (date !== undefined && lastModifiedMs > date) return "failed";
  }

  const ifNoneMatch = header("if-none-match");
  if (ifNoneMatch !== undefined) {
    return listMatches(ifNoneMatch, (tag) => weakMatch(etag, tag)) ? "not-modified" : "proceed";
  }
  const ims = header("if-modified-since");
  const date = ims === undefined ? undefined : parseHttpDate(ims);
  if (date !== undefined && lastModifiedMs <= date) return "not-modified";
  return "proceed";
}

/**
 * Whether a Range may be honoured under If-Range (sec. 13.1.5): with no If-Range, yes; with
 * an entity-tag, only when it is strong and equals ours; with a date, only when it equals
 * Last-Modified exactly. Anything else means "send the whole representation".
 */
export function ifRangeAllows(value: string | undefined, validators: Validators): boolean {
  if (value === undefined) return true;
  const text = value.trim();
  if (text.startsWith('"') || text.startsWith("W/")) {
    const tag = parseEntityTag(text);
    return tag !== undefined && strongMatch(validators.etag, tag);
  }
  const date = parseHttpDate(text);
  return date !== undefined && date === validators.lastModifiedMs;
}
