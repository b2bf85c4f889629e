/**
 * evnet/http static files: what a response serving a directory must be (nginx-like), for
 * the HTTP transport to send. Pure helpers (ranges, preconditions, dates, MIME types, paths,
 * access log lines) are exported for reuse and for tests.
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
