/** Bounds on what one message may make the parser hold or scan. All counts are bytes unless named otherwise. */
export interface ParserLimits {
  /** Longest request or status line, CRLF excluded. A longer request line is answered 414. */
  maxStartLine: number;
  /** Most field lines in a head (and in a trailer section). More is answered 431. */
  maxHeaderCount: number;
  /** Longest head, from the first byte of the start line to the empty line included. Longer is 431. */
  maxHeaderBytes: number;
  /** Longest run of chunk extensions on one chunk-size line. */
  maxChunkExtension: number;
  /** Longest trailer section, its final empty line included. */
  maxTrailerBytes: number;
}

/**
 * 8190 is Apache's LimitRequestLine (nginx refuses lines over 8 KiB by default), 100 fields
 * is Apache's LimitRequestFields, and 16 KiB heads are Node's default --max-http-header-size.
 */
export const DEFAULT_LIMITS: Readonly<ParserLimits> = Object.freeze({
  maxStartLine: 8190,
  maxHeaderCount: 100,
  maxHeaderBytes: 16384,
  maxChunkExtension: 1024,
  maxTrailerBytes: 16384,
});

/** Fills the missing limits with the defaults and checks that each is a positive integer. */
export function resolveLimits(limits: Partial<ParserLimits> | undefined): ParserLimits {
  const out: ParserLimits = { ...DEFAULT_LIMITS, ...limits };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ParserLimits)[]) {
    const value = out[key];
    if (value === undefined) {
      out[key] = DEFAULT_LIMITS[key];
    } else if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`parser limit ${key} must be a positive integer, got ${value}`);
    }
  }
  return out;
}
