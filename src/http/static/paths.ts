/**
 * Request-target to file path, safely. The target's path is split on "/" first and each
 * segment is percent-decoded on its own, so an encoded slash (%2F) can never create a
 * segment boundary; a decoded segment holding "/", "\" or NUL is refused outright. Dot
 * segments are removed after decoding (so %2e%2e counts as ".."), like RFC 3986's
 * remove_dot_segments, and one that would climb above the root is refused. What comes out is
 * a list of plain names to join under the root; the caller still checks the real path of the
 * result (symlinks), see `isInsideRoot`.
 */

import { sep } from "node:path";

export type ParsedTarget =
  | {
      ok: true;
      /** Decoded path segments below the root, without empty or dot segments. */
      segments: string[];
      /** The path named a directory form ("/a/", "/a/b/.."). */
      trailingSlash: boolean;
      /** The raw query after "?", without the "?"; undefined when there was no "?". */
      query: string | undefined;
    }
  | { ok: false; reason: string };

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Percent-decodes one raw segment as UTF-8; undefined for a bad escape or bad UTF-8. */
export function decodeSegment(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  const bytes = new Uint8Array(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const hi = i + 2 < raw.length ? hexValue(raw.charCodeAt(i + 1)) : -1;
      const lo = hi >= 0 ? hexValue(raw.charCodeAt(i + 2)) : -1;
      if (lo < 0) return undefined;
      bytes[n++] = (hi << 4) | lo;
      i += 2;
    } else {
      bytes[n++] = c; // the caller has checked that raw is printable ASCII
    }
  }
  try {
    return UTF8.decode(bytes.subarray(0, n));
  } catch {
    return undefined;
  }
}

/** The path part of an origin-form or absolute-form target, or undefined. */
function pathAndQuery(target: string): string | undefined {
  if (target.startsWith("/")) return target;
  // Absolute form (RFC 9112 sec. 3.2.2): a proxy-style request; only its path matters here.
  const m = /^https?:\/\/[^/?#]*/i.exec(target);
  if (!m) return undefined;
  const rest = target.slice(m[0].length);
  return rest === "" || rest.startsWith("?") ? `/${rest}` : rest.startsWith("/") ? rest : undefined;
}

/**
 * Parses a raw request-target into decoded path segments.
 *
 * @example parseTarget("/a%20b/../c/?x=1")
 *   // { ok: true, segments: ["c"], trailingSlash: true, query: "x=1" }
 */
export function parseTarget(target: string): ParsedTarget {
  const whole = pathAndQuery(target);
  if (whole === undefined) return { ok: false, reason: "the request-target is not a path" };
  for (let i = 0; i < whole.length; i++) {
    const c = whole.charCodeAt(i);
    // Only visible ASCII may appear in a request-target; "#" starts a fragment, never sent.
    if (c <= 0x20 || c >= 0x7f || c === 0x23) {
      return { ok: false, reason: "the request-target has a character it may not have" };
    }
  }
  const q = whole.indexOf("?");
  const rawPath = q < 0 ? whole : whole.slice(0, q);
  const query = q < 0 ? undefined : whole.slice(q + 1);
  const segments: string[] = [];
  let trailingSlash = false;
  const rawSegments = rawPath.split("/");
  // rawSegments[0] is the empty text before the leading "/".
  for (let i = 1; i < rawSegments.length; i++) {
    const decoded = decodeSegment(rawSegments[i]!);
    if (decoded === undefined) {
      return { ok: false, reason: "the path has a bad percent-escape or is not UTF-8" };
    }
    if (decoded.includes("/") || decoded.includes("\\") || decoded.includes("\0")) {
      return { ok: false, reason: "the path has an encoded slash, a backslash or a NUL" };
    }
    const last = i === rawSegments.length - 1;
    if (decoded === "" || decoded === ".") {
      trailingSlash = last;
    } else if (decoded === "..") {
      if (segments.length === 0) return { ok: false, reason: "the path climbs above the root" };
      segments.pop();
      trailingSlash = last;
    } else {
      segments.push(decoded);
      trailingSlash = false;
    }
  }
  return { ok: true, segments, trailingSlash, query };
}

/** Percent-encodes a decoded segment for use in a URL path (a Location or a listing link). */
export function encodeSegment(segment: string): string {
  // encodeURIComponent also escapes ":" so a name like "a:b" never reads as a scheme.
  return encodeURIComponent(segment);
}

/** The path-absolute URL of segments, "/" for none; `directory` appends a "/". */
export function urlPath(segments: readonly string[], directory: boolean): string {
  if (segments.length === 0) return "/";
  const path = `/${segments.map(encodeSegment).join("/")}`;
  return directory ? `${path}/` : path;
}

/** True when `realPath` is the real root itself or lies beneath it. */
export function isInsideRoot(realRoot: string, realPath: string): boolean {
  if (realPath === realRoot) return true;
  const prefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  return realPath.startsWith(prefix);
}
