/**
 * The response a low-level handler fills in. The head is serialised once, when the first
 * bytes go out: a cached status line, the handler's fields, a cached Date, the framing
 * (Content-Length when the whole body is known, chunked otherwise; close-delimited for
 * HTTP/1.0 clients) and Connection when it differs from the version's default.
 */
import { dateLine } from "./date.js";
import type { ServerRequest } from "./request.js";
import { statusHasNoBody, statusLine } from "./status.js";

/** What a response needs from its connection. */
export interface ResponseOwner {
  /** Queues bytes of `res` (held back while earlier pipelined responses are unfinished). */
  _emit(res: ServerResponse, a: Uint8Array, b?: Uint8Array): boolean;
  _emitFile(
    res: ServerResponse,
    fd: number,
    offset: number,
    length: number,
    done: ((err: Error | null) => void) | null,
  ): boolean;
  /** `res` is complete; `keepAlive` false closes the connection after it. */
  _finish(res: ServerResponse, keepAlive: boolean): void;
}

const CRLF = Buffer.from("\r\n");
const LAST_CHUNK = Buffer.from("0\r\n\r\n");
/** Characters that would let a header value or name split the response (CR, LF, NUL). */
const UNSAFE_VALUE = /[\r\n\0]/;
/** Header names already checked against TOKEN (handlers use the same few over and over). */
const validNames = new Set<string>();
/** Bodies up to this size are copied behind the head; larger ones go out by writev. */
const JOIN_BODY_LIMIT = 8192;
/** reason-phrase = *( HTAB / SP / VCHAR / obs-text ) (RFC 9112 sec. 4) */
const REASON = /^[\t\x20-\x7e\x80-\xff]*$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export class ServerResponse {
  status = 200;
  /** Reason phrase; the standard one for the status when unset. */
  statusText: string | undefined = undefined;
  /** Called when a write() that returned false has drained. */
  ondrain: (() => void) | null = null;

  /** @internal */ _headers: string[] = [];
  /** @internal */ _headersSent = false;
  /** @internal */ _finished = false;
  /** @internal bytes held back while an earlier pipelined response is unfinished */
  _held: Uint8Array[] | null = null;
  /** @internal file sends held back likewise, in order with _held (index into _held) */
  _heldFiles: Array<{
    at: number;
    fd: number;
    offset: number;
    length: number;
    done: ((err: Error | null) => void) | null;
  }> | null = null;
  /** @internal bytes in _held (the held-back part of a pipelined response) */
  _heldBytes = 0;
  /** @internal */ _closeAfter: boolean;
  private chunked = false;
  private noBody: boolean;
  private contentLength = -1;
  private sent = 0;

  constructor(
    private readonly owner: ResponseOwner,
    /** @internal the request answered (null for the server's own error responses) */
    readonly _req: ServerRequest | null,
    /** @internal the request is HEAD: headers as for GET, no body */
    readonly _head: boolean,
    /** @internal the client speaks HTTP/1.0 (no chunked) */
    private readonly http10: boolean,
    keepAlive: boolean,
  ) {
    this._closeAfter = !keepAlive;
    this.noBody = _head;
  }

  get headersSent(): boolean {
    return this._headersSent;
  }

  /** True once end() was called. */
  get finished(): boolean {
    return this._finished;
  }

  /** Sets a header, replacing any of the same name (case-insensitive). */
  setHeader(name: string, value: string | number): this {
    if (this._headers.length > 0) this.removeHeader(name);
    return this.addHeader(name, value);
  }

  /** Adds a header field line (for fields that may repeat, such as Set-Cookie). */
  addHeader(name: string, value: string | number): this {
    if (this._headersSent) throw new Error("headers were already sent");
    const text = typeof value === "number" ? String(value) : value;
    if (!validNames.has(name)) {
      if (!TOKEN.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
      if (validNames.size < 1024) validNames.add(name);
    }
    if (UNSAFE_VALUE.test(text)) {
      throw new TypeError(`header ${name} has CR, LF or NUL in its value`);
    }
    this._headers.push(name, text);
    return this;
  }

  getHeader(name: string): string | undefined {
    const lower = name.toLowerCase();
    const h = this._headers;
    for (let i = 0; i < h.length; i += 2) if (h[i]!.toLowerCase() === lower) return h[i + 1];
    return undefined;
  }

  removeHeader(name: string): void {
    if (this._headersSent) throw new Error("headers were already sent");
    const lower = name.toLowerCase();
    const h = this._headers;
    for (let i = h.length - 2; i >= 0; i -= 2) {
      if (h[i]!.toLowerCase() === lower) h.splice(i, 2);
    }
  }

  /** Sets status and (optionally) headers in one call. */
  writeHead(status: number, headers?: Record<string, string | number>): this {
    this.status = status;
    if (headers) for (const name in headers) this.setHeader(name, headers[name]!);
    return this;
  }

  /**
   * Sends a body chunk. Without a Content-Length set, the body is chunked (close-delimited
   * for HTTP/1.0). Returns false when the connection's buffer is full: wait for ondrain.
   */
  write(chunk: string | Uint8Array): boolean {
    if (this._finished) throw new Error("write() after end()");
    const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (!this._headersSent) this.owner._emit(this, this.sendHead(-1));
    if (this.noBody || data.byteLength === 0) return true;
    this.refuseOverLength(data.byteLength);
    this.sent += data.byteLength;
    if (this.chunked) {
      const size = Buffer.from(`${data.byteLength.toString(16)}\r\n`);
      this.owner._emit(this, size, data);
      return this.owner._emit(this, CRLF);
    }
    return this.owner._emit(this, data);
  }

  /** Finishes the response, with a last chunk of body when given. */
  end(chunk?: string | Uint8Array): void {
    if (this._finished) return;
    if (!this._headersSent) {
      // The whole body is known: one Content-Length head, and a small body joined to it in
      // one buffer (one plain write; a larger one goes out with the head in one writev).
      const isString = typeof chunk === "string";
      const length =
        chunk === undefined ? 0 : isString ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (!this.noBody && !statusHasNoBody(this.status)) this.checkDeclaredLength(length);
      const head = this.headText(length);
      this._finished = true;
      if (this.noBody || length === 0) this.owner._emit(this, Buffer.from(head, "latin1"));
      else if (length <= JOIN_BODY_LIMIT) {
        const out = Buffer.allocUnsafe(head.length + length);
        out.write(head, 0, "latin1");
        if (isString) out.write(chunk, head.length, "utf8");
        else out.set(chunk as Uint8Array, head.length);
        this.owner._emit(this, out);
      } else {
        const body = isString ? Buffer.from(chunk) : (chunk as Uint8Array);
        this.owner._emit(this, Buffer.from(head, "latin1"), body);
      }
      this.owner._finish(this, !this._closeAfter);
      return;
    }
    if (chunk !== undefined) this.write(chunk);
    this._finished = true;
    if (this.chunked && !this.noBody) this.owner._emit(this, LAST_CHUNK);
    else if (this.contentLength >= 0 && this.sent < this.contentLength && !this.noBody) {
      // The body is shorter than its Content-Length: the client would wait for the rest
      // forever, so the connection must close after it (the client sees a truncated body).
      this._closeAfter = true;
    }
    this.owner._finish(this, !this._closeAfter);
  }

  /**
   * Sends `length` bytes of the open file `fd` from `offset` with sendfile, as (part of) the
   * body. With the head not yet sent, Content-Length defaults to `length`.
   */
  sendFile(
    fd: number,
    offset: number,
    length: number,
    done: ((err: Error | null) => void) | null = null,
  ): boolean {
    if (this._finished) throw new Error("sendFile() after end()");
    if (!this._headersSent) {
      const declared = this.getHeader("content-length");
      this.owner._emit(this, this.sendHead(declared === undefined ? length : -1));
    }
    if (this.noBody) {
      done?.(null);
      return true;
    }
    if (this.chunked) throw new Error("sendFile() needs a Content-Length (not chunked)");
    this.refuseOverLength(length);
    this.sent += length;
    return this.owner._emitFile(this, fd, offset, length, done);
  }

  /**
   * A body that is not the declared Content-Length would desynchronise the connection (the
   * extra bytes read as the next response, or the next response read as this body): it is a
   * handler bug, refused like Node's ERR_HTTP_CONTENT_LENGTH_MISMATCH.
   */
  private checkDeclaredLength(length: number): void {
    const declared = this.getHeader("content-length");
    if (declared === undefined) return;
    const expected = parseContentLength(declared);
    if (expected !== length) {
      throw new RangeError(`the body has ${length} bytes but Content-Length declares ${expected}`);
    }
  }

  private refuseOverLength(more: number): void {
    if (this.contentLength >= 0 && this.sent + more > this.contentLength) {
      throw new RangeError(
        `writing ${more} more bytes would exceed the declared Content-Length ${this.contentLength} (${this.sent} sent)`,
      );
    }
  }

  /** Asks the connection to close after this response (adds `Connection: close`). */
  closeConnection(): void {
    this._closeAfter = true;
  }

  /**
   * Serialises the head for the caller to emit. `bodyLength` is the whole body's length
   * when known (end() with everything, sendFile), else -1.
   */
  private sendHead(bodyLength: number): Uint8Array {
    return Buffer.from(this.headText(bodyLength), "latin1");
  }

  /** The head as text (latin1), with the framing chosen for `bodyLength` (-1: unknown). */
  private headText(bodyLength: number): string {
    const status = this.status;
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw new RangeError(`status must be an integer in 100..999, got ${String(status)}`);
    }
    if (this.statusText !== undefined && !REASON.test(this.statusText)) {
      throw new TypeError("statusText has characters a reason phrase cannot hold (CR, LF...)");
    }
    let head = statusLine(status, this.statusText);
    const h = this._headers;
    let userLength = -1;
    let userChunked = false;
    let hasDate = false;
    for (let i = 0; i < h.length; i += 2) {
      const name = h[i]!;
      const value = h[i + 1]!;
      // Framing and connection fields are the server's: it decides them from the body.
      // (first letter and length before lowercasing: most names are none of these)
      const first = name.charCodeAt(0) | 0x20;
      const n = name.length;
      if (first === 0x63 /* c */ && (n === 14 || n === 10)) {
        const lower = name.toLowerCase();
        if (lower === "content-length") {
          userLength = parseContentLength(value);
          continue;
        }
        if (lower === "connection") {
          if (/\bclose\b/i.test(value)) this._closeAfter = true;
          continue;
        }
      } else if (first === 0x74 /* t */ && n === 17 && name.toLowerCase() === "transfer-encoding") {
        userChunked = true;
        continue;
      } else if (first === 0x64 /* d */ && n === 4 && name.toLowerCase() === "date") hasDate = true;
      head += `${name}: ${value}\r\n`;
    }
    if (!hasDate) head += dateLine();
    const bodyless = statusHasNoBody(status);
    if (bodyless) this.noBody = true;
    if (status === 204 || status < 200) {
      // no framing fields at all (RFC 9110 sec. 8.6)
    } else if (bodyLength >= 0 && !this.noBody) {
      // The whole body is known (end() with it, checked against a declared length there):
      // Content-Length, whatever framing the handler named.
      this.contentLength = bodyLength;
      head += `Content-Length: ${bodyLength}\r\n`;
    } else if (userLength >= 0 && !userChunked) {
      this.contentLength = userLength;
      head += `Content-Length: ${userLength}\r\n`;
    } else if (bodyLength >= 0) {
      // HEAD or 304: the length the body would have had
      if (status !== 304) head += `Content-Length: ${bodyLength}\r\n`;
      this.contentLength = bodyLength;
    } else if (!bodyless) {
      if (this.http10) this._closeAfter = true;
      else {
        this.chunked = true;
        head += "Transfer-Encoding: chunked\r\n";
      }
    }
    if (this._closeAfter) head += "Connection: close\r\n\r\n";
    else if (this.http10) head += "Connection: keep-alive\r\n\r\n";
    else head += "\r\n";
    // Only now: a bad field above (an invalid Content-Length) leaves the head unsent, so
    // the handler's failure can still be answered with a 500.
    this._headersSent = true;
    return head;
  }
}

function parseContentLength(value: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new TypeError(`invalid Content-Length ${JSON.stringify(value)}`);
  return Number(value);
}
