/**
 * evnet/http static files: what a response serving a directory must be (nginx-like), for
 * the HTTP transport to send. Pure helpers (ranges, preconditions, dates, MIME types, paths,
 * access log lines) are exported for reuse and for tests.
 *
 * Choices where nginx or RFC 9110 leave room (each is tested):
 * - Only GET and HEAD; anything else is 405 with `Allow: GET, HEAD`.
 * - Encoded "/" or "\" (%2F, %5C), a backslash, NUL, a bad %-escape or non-UTF-8 in the path
 *   is 400 (nginx decodes %2F and serves; this module never lets an escape make a segment).
 *   Dot segments are resolved after decoding; climbing above the root is 400.
 * - Symlinks are served when their target is inside the root; with followSymlinks, anywhere.
 *   A symlink leading out is 404 and is left out of listings.
 * - A directory without an index file is 403 unless listDirectories. Listings hide dotfiles.
 * - Range applies to GET only (HEAD gets the 200 head). Ranges are sorted and overlapping or
 *   touching ones merged; more than maxRanges (default 16) after merging is a full 200, as
 *   nginx's max_ranges. An empty file is served whole (200) whatever the Range. A
 *   syntactically invalid Range (including `last < first`) or another unit is ignored (200).
 * - If-Modified-Since answers 304 when Last-Modified is at or before the date (RFC 9110;
 *   nginx's default is an exact match).
 * - A file body carries an open descriptor the transport must close (`releaseBody`).
 */

export { type AccessLogEntry, escapeLogValue, formatAccessLog, timeLocal } from "./accesslog.js";

export {
  type EntityTag,
  etagFor,
  evaluatePreconditions,
  ifRangeAllows,
  type Precondition,
  parseEntityTag,
  parseEntityTagList,
  strongMatch,
  type Validators,
  weakMatch,
} from "./conditional.js";
export { httpDate, parseHttpDate } from "./dates.js";
export { escapeHtml, type ListingEntry, renderListing } from "./listing.js";
export { DEFAULT_MIME_TYPE, extensionOf, mimeTypeFor } from "./mime.js";
export { encodeSegment, isInsideRoot, type ParsedTarget, parseTarget, urlPath } from "./paths.js";
export {
  type ByteRange,
  coalesce,
  contentRange,
  decideRanges,
  type RangeDecision,
  unsatisfiedRange,
} from "./ranges.js";
export {
  type FilePart,
  multipartBody,
  releaseBody,
  type StaticBody,
  StaticFiles,
  type StaticOptions,
  type StaticRequest,
  type StaticResponse,
} from "./static.js";
