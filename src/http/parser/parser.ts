/**
 * HTTP/1.1 message parser (RFC 9112): an incremental state machine over bytes, for requests
 * or responses, with no I/O. Feed it bytes as they arrive; it calls `onHead`, `onBody` and
 * `onEnd` for each message and throws HttpParseError for anything RFC 9112 does not allow.
 *
 * Heads are scanned in the caller's buffer when they arrive whole (the common case) and are
 * copied into a buffer of the parser's own only when cut across reads. Strings are made once
 * per head: one latin1 decode of the head, sliced.
 *
 * @example
 * ```ts
 * const parser = new HttpParser("request", {
 *   onHead(head) { console.log(head.method, head.target, head.headers); },
 *   onBody(data) { console.log("body", data.byteLength); },
 *   onEnd() { console.log("end"); },
 * });
 * parser.feed(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
 * // GET / [ 'Host', 'a' ]  then  end
 * ```
 */
import { CR, equalsLower, HEX, LF } from "./_chars.js";
import { MAX_CHUNK_SIZE_DIGITS, parseChunkLine } from "./_chunk_line.js";
import {
  CONNECTION_CLOSE,
  CONNECTION_KEEP_ALIVE,
  CONNECTION_UPGRADE,
  connectionOptions,
  INVALID_LENGTH,
  parseContentLength,
  TransferCodings,
} from "./_framing.js";
import { HeadScanner, StartLine } from "./_head_scanner.js";
import { latin1 } from "./_latin1.js";
import { HttpParseError, type HttpParseErrorCode, parseError } from "./errors.js";
import { type ParserLimits, resolveLimits } from "./limits.js";
import { type MessageHead, ParsedHead } from "./message_head.js";

export interface ParserEvents {
  /** A head is complete. Framing is decided before this call; see `HttpParser.noBody`. */
  onHead(head: MessageHead): void;
  /** Body bytes, chunked framing removed: a view into the fed buffer, valid only during the call. */
  onBody(data: Uint8Array): void;
  /** The message is complete; `trailers` is flat like `headers` (empty without a trailer section). */
  onEnd(trailers: string[]): void;
}

enum State {
  /** Between messages: no byte of the next one seen yet. */
  Start = 0,
  /** Saw the CR of an empty line before a request line. */
  StartLF = 1,
  Head = 2,
  /** A Content-Length body. */
  BodyLength = 3,
  /** A response body that runs until the connection closes. */
  BodyUntilClose = 4,
  ChunkLine = 5,
  ChunkData = 6,
  ChunkDataCR = 7,
  ChunkDataLF = 8,
  Trailers = 9,
  /** The message needs no more bytes; onEnd follows the callback in progress. */
  EndPending = 10,
  /** finish() was called. */
  Closed = 11,
  Failed = 12,
}

/**
 * Empty lines skipped before a request line (RFC 9112 2.2 asks for at least one, for clients
 * that end a POST body with an extra CRLF); more than this is not an accident.
 */
const MAX_EMPTY_LINES = 8;

const INITIAL_STASH = 1024;
const MAX_KEPT_STASH = 4096;

export class HttpParser {
  /**
   * Set by a client before feeding a response that has no body whatever its fields say (the
   * response to HEAD, or a 2xx to CONNECT). It applies to the next final (non-1xx) response
   * and is cleared when that response's head is parsed, so `onHead` may set it for the next.
   */
  noBody = false;

  private readonly isRequest: boolean;
  private readonly limits: ParserLimits;
  private readonly scanner: HeadScanner;
  private readonly codings = new TransferCodings();
  private state = State.Start;
  private paused = false;
  private failure: HttpParseError | null = null;
  /** Body bytes left in the current Content-Length body or chunk. */
  private remaining = 0;
  private emptyLines = 0;
  /** Bytes consumed by earlier feeds: positions in errors count from the first byte ever fed. */
  private consumed = 0;
  /** Added to a position in the current feed's buffer to make it a stream offset. */
  private bias = 0;
  /** A head, trailer section or chunk-size line cut across feeds, gathered here. */
  private stash: Uint8Array | null = null;
  private stashLength = 0;
  /** Stream offset of the stash's first byte. */
  private stashOffset = 0;
  private readonly chunkLineCap: number;

  constructor(
    kind: "request" | "response",
    private readonly events: ParserEvents,
    limits?: Partial<ParserLimits>,
  ) {
    if (kind !== "request" && kind !== "response") {
      throw new TypeError(`parser kind must be "request" or "response", got ${String(kind)}`);
    }
    this.isRequest = kind === "request";
    this.limits = resolveLimits(limits);
    this.scanner = new HeadScanner(this.limits.maxStartLine, this.limits.maxHeaderCount);
    this.chunkLineCap = MAX_CHUNK_SIZE_DIGITS + this.limits.maxChunkExtension + 2;
  }

  /**
   * True between messages with nothing of the next one seen or held: the parser can be reset
   * and reused by another connection without losing anything (servers pool parsers so that
   * idle keep-alive connections hold none).
   */
  get atMessageStart(): boolean {
    return this.state === State.Start && this.stashLength === 0 && this.failure === null;
  }

  /**
   * Parses bytes [start, end) of `data`, calling the events as messages take shape. Returns
   * the number of bytes consumed: all of them, unless a callback called `pause()`, in which
   * case the rest is the caller's to feed again. Throws HttpParseError on invalid input, and
   * keeps throwing it until `reset()`.
   */
  feed(data: Uint8Array, start = 0, end: number = data.length): number {
    if (this.failure !== null) throw this.failure;
    if (!(start >= 0 && start <= end && end <= data.length)) {
      throw new RangeError(
        `feed range [${start}, ${end}) is outside a buffer of ${data.length} bytes`,
      );
    }
    this.paused = false;
    this.bias = this.consumed - start;
    let p = start;
    try {
      while (p < end && !this.paused) {
        switch (this.state) {
          case State.Start:
            p = this.startOfMessage(data, p, end);
            break;
          case State.StartLF:
            if (data[p] !== LF) this.fail("HPE_LF_EXPECTED", "CR without LF", p);
            p++;
            this.state = State.Start;
            break;
          case State.Head:
            p = this.section(data, p, end, this.limits.maxHeaderBytes);
            break;
          case State.BodyLength:
            p = this.lengthBody(data, p, end);
            break;
          case State.BodyUntilClose:
            this.events.onBody(data.subarray(p, end));
            p = end;
            break;
          case State.ChunkLine:
            p = this.chunkLine(data, p, end);
            break;
          case State.ChunkData:
            p = this.chunkData(data, p, end);
            break;
          case State.ChunkDataCR:
            if (data[p] !== CR)
              this.fail("HPE_INVALID_CHUNK_DATA", "chunk data not followed by CRLF", p);
            p++;
            this.state = State.ChunkDataLF;
            break;
          case State.ChunkDataLF:
            if (data[p] !== LF)
              this.fail("HPE_INVALID_CHUNK_DATA", "chunk data not followed by CRLF", p);
            p++;
            this.state = State.ChunkLine;
            break;
          case State.Trailers:
            p = this.section(data, p, end, this.limits.maxTrailerBytes);
            break;
          case State.Closed:
            this.fail("HPE_CLOSED", "data after finish()", p);
            break;
          default:
            // EndPending is left within the step that set it; Failed throws above.
            throw new Error(`HttpParser: feed() in state ${this.state}, from inside a callback?`);
        }
      }
    } catch (err) {
      if (err instanceof HttpParseError) {
        this.failure = err;
        this.state = State.Failed;
      }
      throw err;
    }
    this.consumed += p - start;
    return p - start;
  }

  /**
   * Makes the `feed` in progress return right after the callback that called this. When that
   * callback completes a message that needs no more bytes (`onHead` of a message without a
   * body, `onBody` with the last bytes of a Content-Length body), `onEnd` is still delivered
   * first, since no later feed would bring it. Outside a callback it has no effect.
   */
  pause(): void {
    this.paused = true;
  }

  /**
   * End of input. Completes a response body that runs until the connection closes; throws
   * HttpParseError (HPE_INVALID_EOF_STATE) if a message was cut short. Afterwards `feed`
   * refuses bytes until `reset()`.
   */
  finish(): void {
    if (this.failure !== null) throw this.failure;
    const state = this.state;
    this.state = State.Closed;
    if (state === State.BodyUntilClose) {
      this.events.onEnd([]);
    } else if (state !== State.Start && state !== State.Closed) {
      const err = parseError(
        "HPE_INVALID_EOF_STATE",
        "the input ended inside a message",
        this.consumed,
      );
      this.failure = err;
      this.state = State.Failed;
      throw err;
    }
  }

  /**
   * Forgets everything: the next byte fed is the first of a new stream (a connection reused
   * for another, or recovery after an error). Not meant to be called from inside a callback.
   */
  reset(): void {
    this.state = State.Start;
    this.paused = false;
    this.failure = null;
    this.remaining = 0;
    this.emptyLines = 0;
    this.consumed = 0;
    this.stashLength = 0;
    this.noBody = false;
  }

  // ----------------------------------------------------------------------- states

  private startOfMessage(data: Uint8Array, p: number, end: number): number {
    if (this.isRequest) {
      const c = data[p];
      if (c === CR || c === LF) {
        if (c === LF) this.fail("HPE_CR_EXPECTED", "LF without CR", p);
        if (++this.emptyLines > MAX_EMPTY_LINES) {
          this.fail(
            "HPE_TOO_MANY_EMPTY_LINES",
            `more than ${MAX_EMPTY_LINES} empty lines before a request`,
            p,
          );
        }
        if (p + 1 === end) {
          this.state = State.StartLF;
          return end;
        }
        if (data[p + 1] !== LF) this.fail("HPE_LF_EXPECTED", "CR without LF", p + 1);
        return p + 2;
      }
    }
    this.state = State.Head;
    this.scanner.begin(
      this.isRequest ? StartLine.Request : StartLine.Status,
      this.limits.maxHeaderCount,
    );
    return p;
  }

  /**
   * Scans a head or trailer section of at most `limit` bytes. Whole sections are scanned in
   * place; a cut one is gathered in the stash, which is rescanned only once an LF arrives.
   */
  private section(data: Uint8Array, p: number, end: number, limit: number): number {
    const scanner = this.scanner;
    if (this.stashLength === 0) {
      const cap = p + limit;
      const lim = Math.min(end, cap);
      scanner.bias = this.bias;
      const sectionEnd = scanner.scan(data, p, lim);
      if (sectionEnd >= 0) {
        this.sectionDone(data, p, sectionEnd);
        return sectionEnd;
      }
      if (lim === cap) this.overflow(limit, lim);
      this.stashBytes(data, p, end - p, 0);
      this.stashOffset = p + this.bias;
      return end;
    }
    const before = this.stashLength;
    const n = Math.min(end - p, limit - before);
    const stash = this.stashBytes(data, p, n, before);
    const now = before + n;
    // Scanning again is only worth it once an LF has come (see HeadScanner.scan), a start
    // line may have gone over its limit, or the section is at its limit (so that a fault in
    // its last line is reported as it would be had the bytes come in one piece).
    if (
      hasLF(stash, before, now) ||
      now === limit ||
      (!scanner.startLineDone && now > scanner.maxStartLine + 1)
    ) {
      scanner.bias = this.stashOffset;
      const sectionEnd = scanner.scan(stash, 0, now);
      if (sectionEnd >= 0) {
        this.stashLength = 0;
        this.sectionDone(stash, 0, sectionEnd);
        // A large stash is not kept for the connection's lifetime for one large head.
        if (stash.length > MAX_KEPT_STASH) this.stash = null;
        return p + (sectionEnd - before);
      }
    }
    if (now === limit) this.overflow(limit, p + n);
    return p + n;
  }

  private sectionDone(buf: Uint8Array, base: number, sectionEnd: number): void {
    if (this.state === State.Head) this.headDone(buf, base, sectionEnd);
    else this.trailersDone(buf, base, sectionEnd);
  }

  /** The head [base, headEnd) is complete: decide the framing, report it, enter the body. */
  private headDone(buf: Uint8Array, base: number, headEnd: number): void {
    const scanner = this.scanner;
    const marks = scanner.marks;
    const count = scanner.fieldCount;
    const minor = scanner.versionMinor;
    // One decode for the whole head; the parts are slices of it.
    const text = latin1(buf, base, headEnd - 2);
    // Sized up front: growing an array by push costs a copy or two per head.
    const headers: string[] = new Array(count << 1);
    let contentLength = -1;
    let connection = 0;
    let hosts = 0;
    let upgradeField = false;
    let expectContinue = false;
    const codings = this.codings;
    codings.clear();
    for (let m = 0; m < count << 2; m += 4) {
      const nameStart = marks[m];
      const nameEnd = marks[m + 1];
      const valueStart = marks[m + 2];
      const valueEnd = marks[m + 3];
      headers[m >> 1] = text.slice(nameStart, nameEnd);
      headers[(m >> 1) + 1] = text.slice(valueStart, valueEnd);
      // Only these lengths can be a name that matters for framing, and the first letter rules
      // out most others: most fields cost one switch and one compare here.
      const ns = base + nameStart;
      const ne = base + nameEnd;
      const first = buf[ns] | 0x20;
      switch (nameEnd - nameStart) {
        case 4:
          if (first === 0x68 && equalsLower(buf, ns, ne, "host")) hosts++;
          break;
        case 6:
          if (
            first === 0x65 &&
            equalsLower(buf, ns, ne, "expect") &&
            equalsLower(buf, base + valueStart, base + valueEnd, "100-continue")
          ) {
            expectContinue = true;
          }
          break;
        case 7:
          if (first === 0x75 && equalsLower(buf, ns, ne, "upgrade")) upgradeField = true;
          break;
        case 10:
          if (first === 0x63 && equalsLower(buf, ns, ne, "connection")) {
            connection |= connectionOptions(buf, base + valueStart, base + valueEnd);
          }
          break;
        case 14:
          if (first === 0x63 && equalsLower(buf, ns, ne, "content-length")) {
            const length = parseContentLength(buf, base + valueStart, base + valueEnd);
            if (length === INVALID_LENGTH || (contentLength >= 0 && length !== contentLength)) {
              this.failAt(
                "HPE_INVALID_CONTENT_LENGTH",
                contentLength >= 0 && length !== INVALID_LENGTH
                  ? "Content-Length values that differ"
                  : "a Content-Length that is not a decimal number below 2^53",
                buf,
                base + valueStart,
              );
            }
            contentLength = length;
          }
          break;
        case 17:
          if (first === 0x74 && equalsLower(buf, ns, ne, "transfer-encoding")) {
            codings.add(buf, base + valueStart, base + valueEnd);
          }
          break;
      }
    }

    const head = new ParsedHead(headers);
    head.versionMajor = scanner.versionMajor;
    head.versionMinor = minor;
    head.contentLength = contentLength;
    let chunked = false;
    if (codings.present) chunked = this.checkCodings(buf, base, minor, contentLength);
    let keepAlive =
      (connection & CONNECTION_CLOSE) === 0 &&
      (minor === 1 || (connection & CONNECTION_KEEP_ALIVE) !== 0);
    let next: State;
    if (this.isRequest) {
      if (hosts > 1 || (hosts === 0 && minor === 1)) {
        this.failAt(
          "HPE_INVALID_HOST",
          `${hosts === 0 ? "no" : hosts} Host fields in an HTTP/1.1 request`,
          buf,
          base,
        );
      }
      head.method = text.slice(0, scanner.methodEnd);
      head.target = text.slice(scanner.targetStart, scanner.targetEnd);
      head.upgrade =
        head.method === "CONNECT" || (upgradeField && (connection & CONNECTION_UPGRADE) !== 0);
      head.expectContinue = expectContinue;
      next = chunked ? State.ChunkLine : contentLength > 0 ? State.BodyLength : State.EndPending;
    } else {
      const status = scanner.status;
      head.status = status;
      head.reason = text.slice(scanner.reasonStart, scanner.reasonEnd);
      head.upgrade = status === 101;
      let bodiless = status < 200 || status === 204 || status === 304;
      if (status >= 200) {
        bodiless ||= this.noBody;
        this.noBody = false;
      }
      if (bodiless) next = State.EndPending;
      else if (chunked) next = State.ChunkLine;
      else if (codings.present || contentLength < 0) next = State.BodyUntilClose;
      else next = contentLength > 0 ? State.BodyLength : State.EndPending;
      // A body that ends with the connection leaves nothing to keep alive.
      if (next === State.BodyUntilClose) keepAlive = false;
    }
    head.chunked = chunked;
    head.keepAlive = keepAlive;
    this.remaining = contentLength;
    this.state = next;
    this.events.onHead(head);
    if (this.state === State.EndPending) this.endMessage([]);
  }

  /**
   * Applies RFC 9112 6.1 and 6.3 to the Transfer-Encoding of a message; returns whether the
   * body is chunked.
   */
  private checkCodings(
    buf: Uint8Array,
    base: number,
    minor: number,
    contentLength: number,
  ): boolean {
    const codings = this.codings;
    if (contentLength >= 0) {
      this.failAt(
        "HPE_SMUGGLING_CL_TE",
        "Content-Length together with Transfer-Encoding",
        buf,
        base,
      );
    }
    if (minor === 0) {
      this.failAt(
        "HPE_INVALID_TRANSFER_ENCODING",
        "Transfer-Encoding in an HTTP/1.0 message",
        buf,
        base,
      );
    }
    if (codings.malformed) {
      this.failAt("HPE_INVALID_TRANSFER_ENCODING", "a malformed Transfer-Encoding", buf, base);
    }
    if (codings.chunkedCount > 1) {
      this.failAt("HPE_INVALID_TRANSFER_ENCODING", "chunked applied more than once", buf, base);
    }
    if (this.isRequest) {
      if (!codings.lastIsChunked && codings.chunkedCount > 0) {
        this.failAt(
          "HPE_INVALID_TRANSFER_ENCODING",
          "chunked is not the final transfer coding",
          buf,
          base,
        );
      }
      if (!codings.lastIsChunked || codings.unknown) {
        this.failAt(
          "HPE_UNSUPPORTED_TRANSFER_ENCODING",
          codings.unknown ? "an unknown transfer coding" : "a request body not framed by chunked",
          buf,
          base,
        );
      }
    }
    return codings.lastIsChunked;
  }

  private trailersDone(buf: Uint8Array, base: number, sectionEnd: number): void {
    const count = this.scanner.fieldCount;
    const trailers: string[] = new Array(count << 1);
    if (count > 0) {
      const marks = this.scanner.marks;
      const text = latin1(buf, base, sectionEnd - 2);
      for (let m = 0; m < count << 2; m += 4) {
        trailers[m >> 1] = text.slice(marks[m], marks[m + 1]);
        trailers[(m >> 1) + 1] = text.slice(marks[m + 2], marks[m + 3]);
      }
    }
    this.endMessage(trailers);
  }

  private endMessage(trailers: string[]): void {
    this.state = State.Start;
    this.emptyLines = 0;
    this.events.onEnd(trailers);
  }

  private lengthBody(data: Uint8Array, p: number, end: number): number {
    const available = end - p;
    const remaining = this.remaining;
    if (available < remaining) {
      this.remaining = remaining - available;
      this.events.onBody(data.subarray(p, end));
      return end;
    }
    this.remaining = 0;
    this.state = State.EndPending;
    this.events.onBody(data.subarray(p, p + remaining));
    if (this.state === State.EndPending) this.endMessage([]);
    return p + remaining;
  }

  private chunkData(data: Uint8Array, p: number, end: number): number {
    const remaining = this.remaining;
    const n = Math.min(end - p, remaining);
    this.remaining = remaining - n;
    if (n === remaining) {
      // The CRLF after the data, when it is already here, is checked at once.
      if (p + n + 1 < end) {
        if (data[p + n] !== CR || data[p + n + 1] !== LF) {
          const at = data[p + n] !== CR ? p + n : p + n + 1;
          this.fail("HPE_INVALID_CHUNK_DATA", "chunk data not followed by CRLF", at);
        }
        this.state = State.ChunkLine;
        this.events.onBody(data.subarray(p, p + n));
        return p + n + 2;
      }
      this.state = State.ChunkDataCR;
    }
    this.events.onBody(data.subarray(p, p + n));
    return p + n;
  }

  /** The chunk-size line: parsed in place when whole, gathered in the stash when cut. */
  private chunkLine(data: Uint8Array, p: number, end: number): number {
    const cap = this.chunkLineCap;
    const maxExtension = this.limits.maxChunkExtension;
    let size: number;
    let next: number;
    if (this.stashLength === 0) {
      if (HEX[data[p]] < 0)
        this.fail("HPE_INVALID_CHUNK_SIZE", "the chunk size is not hexadecimal", p);
      const lim = end - p < cap ? end : p + cap;
      const lf = indexOfLF(data, p, lim);
      if (lf < 0) {
        if (lim === p + cap) this.lineTooLong(data, p, lim, this.bias);
        this.stashBytes(data, p, end - p, 0);
        this.stashOffset = p + this.bias;
        return end;
      }
      size = parseChunkLine(data, p, lf, maxExtension, this.bias);
      next = lf + 1;
    } else {
      const before = this.stashLength;
      const n = Math.min(end - p, cap - before);
      const stash = this.stashBytes(data, p, n, before);
      const lf = indexOfLF(stash, before, before + n);
      if (lf < 0) {
        if (before + n === cap) this.lineTooLong(stash, 0, cap, this.stashOffset);
        return p + n;
      }
      this.stashLength = 0;
      size = parseChunkLine(stash, 0, lf, maxExtension, this.stashOffset);
      next = p + (lf + 1 - before);
    }
    if (size === 0) {
      this.state = State.Trailers;
      this.scanner.begin(StartLine.None, this.limits.maxHeaderCount);
    } else {
      this.state = State.ChunkData;
      this.remaining = size;
    }
    return next;
  }

  // ----------------------------------------------------------------------- helpers

  /** Copies n bytes of data at p into the stash at `at`, growing it; returns the stash. */
  private stashBytes(data: Uint8Array, p: number, n: number, at: number): Uint8Array {
    let stash = this.stash;
    const needed = at + n;
    if (stash === null || stash.length < needed) {
      const grown = new Uint8Array(
        Math.max(needed, INITIAL_STASH, stash === null ? 0 : stash.length * 2),
      );
      if (stash !== null && at > 0) grown.set(stash.subarray(0, at));
      this.stash = stash = grown;
    }
    stash.set(data.subarray(p, p + n), at);
    this.stashLength = needed;
    return stash;
  }

  private lineTooLong(buf: Uint8Array, start: number, end: number, bias: number): never {
    let p = start;
    while (p < end && HEX[buf[p]] >= 0) p++;
    if (p - start > MAX_CHUNK_SIZE_DIGITS) {
      throw parseError("HPE_INVALID_CHUNK_SIZE", "the chunk size is too large", start + bias);
    }
    throw parseError(
      "HPE_CHUNK_EXTENSIONS_OVERFLOW",
      `chunk extensions over ${this.limits.maxChunkExtension} bytes`,
      p + bias,
    );
  }

  private overflow(limit: number, pos: number): never {
    const what = this.state === State.Head ? "head" : "trailer section";
    this.fail("HPE_HEADER_OVERFLOW", `${what} longer than ${limit} bytes`, pos);
  }

  /** Fails at a position of `buf`, which is either the fed buffer or the stash. */
  private failAt(code: HttpParseErrorCode, message: string, buf: Uint8Array, pos: number): never {
    throw parseError(code, message, pos + (buf === this.stash ? this.stashOffset : this.bias));
  }

  private fail(code: HttpParseErrorCode, message: string, pos: number): never {
    throw parseError(code, message, pos + this.bias);
  }
}

function hasLF(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === LF) return true;
  return false;
}

function indexOfLF(buf: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) if (buf[i] === LF) return i;
  return -1;
}
