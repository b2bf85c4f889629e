/**
 * evnet/http parser: a strict, incremental HTTP/1.1 message parser (RFC 9112) for requests
 * and responses. Pure: bytes in, events out, no I/O.
 *
 * @example
 * ```ts
 * import { HttpParser } from "evnet/http";
 * const parser = new HttpParser("request", {
 *   onHead: (head) => console.log(head.method, head.target),
 *   onBody: (data) => console.log(data.byteLength),
 *   onEnd: (trailers) => console.log("end", trailers),
 * });
 * parser.feed(bytes);
 * ```
 */
export { HttpParseError, type HttpParseErrorCode } from "./errors.js";
export { DEFAULT_LIMITS, type ParserLimits } from "./limits.js";
export type { MessageHead } from "./message_head.js";
export { HttpParser, type ParserEvents } from "./parser.js";
