/**
 * Every way a message can be refused, with the status a server answers it with. Codes follow
 * llhttp's `HPE_*` names where llhttp has one, so logs read the same as Node's.
 */
export type HttpParseErrorCode =
  /** The method is not a token, or is not followed by one space. */
  | "HPE_INVALID_METHOD"
  /** The request-target is empty or holds a space, a CTL or a non-ASCII byte. */
  | "HPE_INVALID_URL"
  /** The request line is longer than `maxStartLine`. */
  | "HPE_URI_TOO_LONG"
  /** The version is not `HTTP/` DIGIT "." DIGIT (lower-case `http/` included). */
  | "HPE_INVALID_VERSION"
  /** A well-formed version other than HTTP/1.0 and HTTP/1.1. */
  | "HPE_UNSUPPORTED_VERSION"
  /** A status code that is not three digits in 100..599, or a bad status line. */
  | "HPE_INVALID_STATUS"
  /** More empty lines before a request line than a client could have sent by accident. */
  | "HPE_TOO_MANY_EMPTY_LINES"
  /** A field name that is empty, not a token, or followed by whitespace before the colon. */
  | "HPE_INVALID_HEADER_TOKEN"
  /** A CTL (other than HTAB), DEL or NUL in a field value. */
  | "HPE_INVALID_HEADER_VALUE"
  /** A field line that starts with whitespace (obsolete line folding, RFC 9112 5.2). */
  | "HPE_OBS_FOLD"
  /** An LF not preceded by CR (strict CRLF). */
  | "HPE_CR_EXPECTED"
  /** A CR not followed by LF. */
  | "HPE_LF_EXPECTED"
  /** More field lines than `maxHeaderCount`. */
  | "HPE_TOO_MANY_HEADERS"
  /** A head (or trailer section) longer than its byte limit. */
  | "HPE_HEADER_OVERFLOW"
  /** A Content-Length that is not digits, is too large, or disagrees with another. */
  | "HPE_INVALID_CONTENT_LENGTH"
  /** Content-Length and Transfer-Encoding together (request smuggling, RFC 9112 6.3). */
  | "HPE_SMUGGLING_CL_TE"
  /** A malformed Transfer-Encoding, chunked twice or not last, or in an HTTP/1.0 message. */
  | "HPE_INVALID_TRANSFER_ENCODING"
  /** A request whose transfer codings this parser cannot frame (501). */
  | "HPE_UNSUPPORTED_TRANSFER_ENCODING"
  /** An HTTP/1.1 request without exactly one Host field (RFC 9112 3.2). */
  | "HPE_INVALID_HOST"
  /** A chunk size that is not 1 to 16 hex digits, or is beyond 2^53 - 1. */
  | "HPE_INVALID_CHUNK_SIZE"
  /** A chunk extension that does not follow `;name[=token|quoted-string]`. */
  | "HPE_INVALID_CHUNK_EXTENSION"
  /** Chunk extensions longer than `maxChunkExtension`. */
  | "HPE_CHUNK_EXTENSIONS_OVERFLOW"
  /** Chunk data not followed by exactly CRLF. */
  | "HPE_INVALID_CHUNK_DATA"
  /** `finish()` while a message was incomplete. */
  | "HPE_INVALID_EOF_STATE"
  /** Bytes fed after `finish()`. */
  | "HPE_CLOSED";

/**
 * A message the parser refuses. Once thrown, the parser keeps throwing it from `feed` and
 * `finish` until `reset()`: the framing of what follows is unknown.
 */
export class HttpParseError extends Error {
  override readonly name = "HttpParseError";

  constructor(
    readonly code: HttpParseErrorCode,
    message: string,
    /** The status a server answers with: 400, 414, 431, 501 or 505. */
    readonly status: number,
    /** Position of the offending byte, counted from the first byte fed since construction or reset(). */
    readonly offset: number,
  ) {
    super(`${message} (${code} at byte ${offset})`);
  }
}

const STATUS_OF: Partial<Record<HttpParseErrorCode, number>> = {
  HPE_URI_TOO_LONG: 414,
  HPE_TOO_MANY_HEADERS: 431,
  HPE_HEADER_OVERFLOW: 431,
  HPE_UNSUPPORTED_TRANSFER_ENCODING: 501,
  HPE_UNSUPPORTED_VERSION: 505,
};

/** Builds the error for `code` with the status a server answers it with. */
export function parseError(
  code: HttpParseErrorCode,
  message: string,
  offset: number,
): HttpParseError {
  return new HttpParseError(code, message, STATUS_OF[code] ?? 400, offset);
}
