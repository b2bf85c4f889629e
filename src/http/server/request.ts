/**
 * A request as the low-level server hands it to a handler: the parsed head, the body as a
 * stream of chunks or collected whole, and an AbortSignal that fires when the client goes
 * away before the response is complete.
 */
import type { SocketAddress } from "../../sys/index.js";
import type { MessageHead } from "../parser/index.js";

/** Thrown by body() when the body is larger than the server's limit or the client left. */
export class RequestBodyError extends Error {
  constructor(
    readonly code: "BODY_TOO_LARGE" | "CLIENT_GONE",
    message: string,
  ) {
    super(message);
    this.name = "RequestBodyError";
  }
}

/** What a request needs from its connection, kept narrow so requests stay small. */
export interface RequestOwner {
  /** The client's address, or null once the socket is gone. */
  peer(): SocketAddress | null;
}

export class ServerRequest {
  readonly method: string;
  /** The request-target as sent (origin-form: path and query). */
  readonly target: string;
  readonly versionMinor: number;
  /** Header fields as received, flat: name, value, name, value... */
  readonly rawHeaders: string[];
  readonly keepAlive: boolean;
  readonly expectContinue: boolean;
  /** Content-Length, or -1 when absent (chunked or no body). */
  readonly contentLength: number;
  readonly chunked: boolean;

  /** A body chunk arrived (a view valid only during the call: copy to keep it). */
  ondata: ((chunk: Uint8Array) => void) | null = null;
  /** The body is complete; trailers flat like rawHeaders. */
  onend: ((trailers: string[]) => void) | null = null;

  /** @internal */ _complete = false;
  /** Trailer fields, flat like rawHeaders, once a chunked body is complete. */
  trailers: string[] = EMPTY;
  /** @internal */ _aborted = false;
  private chunks: Uint8Array[] | null = null;
  private received = 0;
  private waiters: { resolve(b: Buffer): void; reject(e: Error): void } | null = null;
  private controller: AbortController | null = null;
  private pathEnd = -2;

  constructor(
    head: MessageHead,
    private readonly owner: RequestOwner,
  ) {
    this.method = head.method;
    this.target = head.target;
    this.versionMinor = head.versionMinor;
    this.rawHeaders = head.headers;
    this.keepAlive = head.keepAlive;
    this.expectContinue = head.expectContinue;
    this.contentLength = head.contentLength;
    this.chunked = head.chunked;
    if (!this.hasBody) this._complete = true;
  }

  /** True when the request carries a body (Content-Length > 0 or chunked). */
  get hasBody(): boolean {
    return this.contentLength > 0 || this.chunked;
  }

  /** The path part of the target (before `?`), still percent-encoded. */
  get path(): string {
    const end = this.queryStart();
    return end < 0 ? this.target : this.target.slice(0, end);
  }

  /** The query string without `?`, or "". */
  get query(): string {
    const end = this.queryStart();
    return end < 0 ? "" : this.target.slice(end + 1);
  }

  private queryStart(): number {
    if (this.pathEnd === -2) this.pathEnd = this.target.indexOf("?");
    return this.pathEnd;
  }

  /** The first value of a header, matched case-insensitively; undefined when absent. */
  header(name: string): string | undefined {
    const headers = this.rawHeaders;
    const lower = name.toLowerCase();
    for (let i = 0; i < headers.length; i += 2) {
      const n = headers[i]!;
      if (n.length === lower.length && n.toLowerCase() === lower) return headers[i + 1];
    }
    return undefined;
  }

  /** Fires when the client disconnects before the response is complete. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this._aborted) this.controller.abort(goneError());
    }
    return this.controller.signal;
  }

  /** True once the client went away before the response was complete. */
  get aborted(): boolean {
    return this._aborted;
  }

  remoteAddress(): SocketAddress | null {
    return this.owner.peer();
  }

  /** Collects the whole body (at most the server's maxBodySize). */
  body(): Promise<Buffer> {
    if (this._aborted) return Promise.reject(goneError());
    if (this._complete && !this.chunks) {
      return Promise.resolve(Buffer.alloc(0));
    }
    if (this._complete) return Promise.resolve(Buffer.concat(this.chunks!, this.received));
    if (this.waiters) return Promise.reject(new Error("body() was already called"));
    if (!this.chunks) this.chunks = [];
    return new Promise((resolve, reject) => {
      this.waiters = { resolve, reject };
    });
  }

  /** The body decoded as UTF-8 text. */
  async text(): Promise<string> {
    return (await this.body()).toString("utf8");
  }

  /** @internal The connection delivers a body chunk. */
  _data(chunk: Uint8Array): void {
    this.received += chunk.byteLength;
    if (this.ondata) this.ondata(chunk);
    else {
      if (!this.chunks) this.chunks = [];
      this.chunks.push(Buffer.from(chunk));
    }
  }

  /** @internal The body is complete. */
  _end(trailers: string[]): void {
    this._complete = true;
    this.trailers = trailers;
    if (this.onend) this.onend(trailers);
    const waiters = this.waiters;
    if (waiters) {
      this.waiters = null;
      waiters.resolve(Buffer.concat(this.chunks ?? [], this.received));
    }
  }

  /** @internal The body could not be completed (too large, client gone). */
  _fail(err: RequestBodyError): void {
    const waiters = this.waiters;
    if (waiters) {
      this.waiters = null;
      waiters.reject(err);
    }
  }

  /** @internal The client went away before the response was complete. */
  _abort(): void {
    if (this._aborted) return;
    this._aborted = true;
    if (!this._complete) this._fail(goneError());
    this.controller?.abort(goneError());
  }
}

const EMPTY: string[] = [];

function goneError(): RequestBodyError {
  return new RequestBodyError("CLIENT_GONE", "the client closed the connection");
}
