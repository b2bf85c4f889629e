/**
 * Byte ranges (RFC 9110 sec. 14). Pure: a Range header value and a length in, a decision
 * out. Overlapping and adjacent ranges are merged after sorting, so no request can make a
 * response repeat bytes of the file (the amplification of CVE-2011-3192, where
 * `bytes=0-,0-,0-,...` made Apache send the file once per range); the number of ranges left
 * after merging is capped by `maxRanges`, which bounds the multipart overhead.
 */

export interface ByteRange {
  start: number;
  /** Inclusive, as in Content-Range. */
  end: number;
}

export type RangeDecision =
  /** Serve the whole representation with 200: no Range, another unit, bad syntax, too many. */
  | { kind: "full"; reason: "absent" | "unit" | "syntax" | "too-many" | "empty" }
  /** Every range lies past the end: 416, with the Content-Range of `unsatisfiedRange`. */
  | { kind: "unsatisfiable" }
  /** Sorted, merged ranges, each inside the representation; at least one. */
  | { kind: "ranges"; ranges: ByteRange[] };

const OWS = /^[ \t]+|[ \t]+$/g;
const INT_RANGE = /^(\d+)-(\d*)$/;
const SUFFIX_RANGE = /^-(\d+)$/;

/**
 * Decides what a Range header asks of a representation of `length` bytes.
 *
 * - Units other than `bytes` (case-insensitive) and syntactically invalid values are ignored
 *   (RFC 9110 sec. 14.2 lets a server ignore Range): 200 with the whole representation.
 * - An empty representation is served whole (200), as nginx does: no byte range can select
 *   anything from it and a 416 would tell a resuming client nothing it can use.
 * - Unsatisfiable specs are dropped; if none is left, the answer is 416.
 * - More than `maxRanges` ranges after merging: 200 with the whole representation, as
 *   nginx's max_ranges does.
 *
 * @example decideRanges("bytes=0-99,50-149,-10", 1000, 16)
 *   // { kind: "ranges", ranges: [{ start: 0, end: 149 }, { start: 990, end: 999 }] }
 */
export function decideRanges(
  header: string | undefined,
  length: number,
  maxRanges: number,
): RangeDecision {
  if (header === undefined) return { kind: "full", reason: "absent" };
  const eq = header.indexOf("=");
  if (eq < 0) return { kind: "full", reason: "syntax" };
  const unit = header.slice(0, eq).replace(OWS, "");
  if (unit.toLowerCase() !== "bytes") return { kind: "full", reason: "unit" };
  const specs = parseSpecs(header.slice(eq + 1));
  if (specs === undefined) return { kind: "full", reason: "syntax" };
  if (length === 0) return { kind: "full", reason: "empty" };

  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    if (spec.suffix !== undefined) {
      if (spec.suffix === 0) continue;
      ranges.push({ start: Math.max(0, length - spec.suffix), end: length - 1 });
    } else if (spec.first < length) {
      ranges.push({ start: spec.first, end: Math.min(spec.last, length - 1) });
    }
  }
  if (ranges.length === 0) return { kind: "unsatisfiable" };
  const merged = coalesce(ranges);
  if (merged.length > maxRanges) return { kind: "full", reason: "too-many" };
  return { kind: "ranges", ranges: merged };
}

type Spec = { first: number; last: number; suffix?: undefined } | { suffix: number };

/** The range-specs of a `bytes=` value, or undefined when any of them is malformed. */
function parseSpecs(list: string): Spec[] | undefined {
  const specs: Spec[] = [];
  // RFC 9110 sec. 5.6.1: a recipient accepts empty list elements ("0-1, ,2-3").
  for (const element of list.split(",")) {
    const item = element.replace(OWS, "");
    if (item === "") continue;
    let m = INT_RANGE.exec(item);
    if (m) {
      // Digits beyond 2^53 lose precision, but such positions lie past any real file anyway.
      const first = Number(m[1]);
      const last = m[2] === "" ? Number.POSITIVE_INFINITY : Number(m[2]);
      if (last < first) return undefined; // invalid by sec. 14.1.1
      specs.push({ first, last });
      continue;
    }
    m = SUFFIX_RANGE.exec(item);
    if (m) {
      specs.push({ suffix: Number(m[1]) });
      continue;
    }
    return undefined;
  }
  return specs.length === 0 ? undefined : specs;
}

/** Sorts ranges by start and merges those that overlap or touch. */
export function coalesce(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.start <= last.end + 1) {
      if (r.end > last.end) last.end = r.end;
    } else {
      out.push({ start: r.start, end: r.end });
    }
  }
  return out;
}

/** `bytes start-end/length`, the Content-Range of a 206 or of one multipart part. */
export function contentRange(range: ByteRange, length: number): string {
  return `bytes ${range.start}-${range.end}/${length}`;
}

/** The Content-Range of a 416: "bytes", a space, a star, a slash and the length. */
export function unsatisfiedRange(length: number): string {
  return `bytes */${length}`;
}
