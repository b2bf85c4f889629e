/**
 * One HTTP/1.1 connection on the server side: parses requests as bytes arrive, calls the
 * handler for each, keeps pipelined responses in request order, and owns the connection's
 * single timer, whose meaning follows the state:
 *
 *   idle     waiting for the next request on a kept-alive connection   keepAliveTimeout
 *   head     from the first byte of a request until its head is parsed  headersTimeout
 *   body     between two reads of a request body                       bodyTimeout
 *   busy     the handler is working                                    none
 *   sending  the client does not take the response's bytes             sendTimeout
 *
 * requestTimeout, when set, caps head and body together from the request's first byte.
 * A client that sends slowly enough to dodge the limits above is what slowloris does; the
 * head timeout is therefore not restarted by data, while the body timeout is (an upload that
 * keeps sending is fine, however long it takes).
 */
import { Timer } from "../../loop/index.js";
import type { Connection } from "../../net/index.js";
import type { SocketAddress } from "../../sys/index.js";
import { HttpParseError, HttpParser, type MessageHead } from "../parser/index.js";
import { dateLine } from "./date.js";
import { RequestBodyError, type RequestOwner, ServerRequest } from "./request.js";
import { type ResponseOwner, ServerResponse } from "./response.js";
import type { HttpServer } from "./server.js";
import { statusLine } from "./status.js";

enum State {
  Idle = 0,
  Head = 1,
  Body = 2,
  Busy = 3,
}

const CONTINUE = Buffer.from("HTTP/1.1 100 Continue\r\n\r\n");

/** Pipelined requests answered ahead of time, at most; beyond, reading pauses. */
const MAX_IN_FLIGHT = 64;

export class HttpConnection implements RequestOwner, ResponseOwner {
  /** Responses in request order; the first is the one on the wire. */
  private readonly inFlight: ServerResponse[] = [];
  private readonly requests: (ServerRequest | null)[] = [];
  private readonly parser: HttpParser;
  private readonly timer: Timer;
  private state = State.Idle;
  private requestStarted = 0;
  /** The request whose body is being parsed. */
  private reading: ServerRequest | null = null;
  private bodyBytes = 0;
  /** Bytes that arrived while parsing was paused, fed again on resume. */
  private stash: Buffer | null = null;
  private paused = false;
  /** No more requests are read: the connection closes once the responses are out. */
  private closing = false;
  private peerEnded = false;
  private writeBlocked = false;
  private closed = false;

  constructor(
    readonly server: HttpServer,
    readonly conn: Connection,
  ) {
    this.parser = new HttpParser(
      "request",
      {
        onHead: (head) => this.onHead(head),
        onBody: (data) => this.onBody(data),
        onEnd: (trailers) => this.onEnd(trailers),
      },
      server.parserLimits,
    );
    this.timer = new Timer(conn.loop, 0, 0, () => this.onTimeout());
    // A new connection gets the head's time to send its first request (nginx does the same).
    this.armTimer(server.headersTimeout);
    conn.onData = (data) => this.onData(data);
    conn.onEnd = () => this.onPeerEnd();
    conn.onClose = () => this.onClose();
    conn.onDrain = () => this.onDrain();
  }

  /** True when no request is in progress (graceful shutdown closes these at once). */
  get idle(): boolean {
    return this.state === State.Idle && this.inFlight.length === 0;
  }

  remoteAddress(): SocketAddress | null {
    try {
      return this.conn.remoteAddress();
    } catch {
      return null;
    }
  }

  /** Graceful shutdown: finish what is in flight, read nothing new. */
  shutdown(): void {
    this.closing = true;
    if (this.idle) this.conn.end();
  }

  destroy(): void {
    this.conn.destroy(null);
  }

  // ------------------------------------------------------------------ reading

  private onData(data: Uint8Array): void {
    // Closing: no new request is read, but the body of the current one still is.
    if (this.closing && this.reading === null) return;
    if (this.paused) {
      this.stash = this.stash ? Buffer.concat([this.stash, data]) : Buffer.from(data);
      return;
    }
    if (this.state === State.Idle) this.startRequest();
    else if (this.state === State.Body) this.timer.again();
    this.conn.cork();
    this.parse(data);
    this.conn.uncork();
  }

  private parse(data: Uint8Array): void {
    let offset = 0;
    try {
      while (offset < data.byteLength) {
        const used = this.parser.feed(data, offset, data.byteLength);
        offset += used;
        if (this.paused || (this.closing && this.reading === null) || used === 0) break;
      }
    } catch (err) {
      if (err instanceof HttpParseError) this.reject(err.status || 400, err.message);
      else throw err;
      return;
    }
    if (this.paused && offset < data.byteLength && !this.closing) {
      this.stash = Buffer.from(data.subarray(offset));
    }
  }

  private startRequest(): void {
    this.state = State.Head;
    this.requestStarted = this.conn.loop.now();
    this.armTimer(this.server.headersTimeout);
  }

  private onHead(head: MessageHead): void | boolean {
    const server = this.server;
    const req = new ServerRequest(head, this);
    const res = new ServerResponse(
      this,
      head.method === "HEAD",
      head.versionMinor === 0,
      head.keepAlive && !server.closing,
    );
    this.requests.push(req);
    this.inFlight.push(res);
    server.requestCount++;
    if (!head.keepAlive) {
      // No request after this one is read (the client said it will close).
      this.closing = true;
    }
    if (req.hasBody) {
      if (head.contentLength > server.maxBodySize) {
        this.inFlight.pop();
        this.requests.pop();
        this.reject(413, "request body larger than the server accepts");
        return;
      }
      this.reading = req;
      this.bodyBytes = 0;
      this.state = State.Body;
      this.armTimer(server.bodyTimeout);
      // nginx answers 100-continue as soon as it starts reading the body; so does evnet,
      // after the checks above have accepted the request.
      if (head.expectContinue && head.versionMinor === 1) this.conn.write(CONTINUE);
    } else {
      this.state = State.Busy;
      this.timer.stop();
    }
    this.runHandler(req, res);
    if (this.inFlight.length >= MAX_IN_FLIGHT) this.pause();
  }

  private runHandler(req: ServerRequest, res: ServerResponse): void {
    try {
      const result = this.server.handler(req, res) as unknown;
      if (result instanceof Promise) {
        result.catch((err: unknown) => this.handlerFailed(res, err));
      }
    } catch (err) {
      this.handlerFailed(res, err);
    }
  }

  private handlerFailed(res: ServerResponse, err: unknown): void {
    this.server.reportError(err);
    if (res.finished || this.closed) return;
    if (!res.headersSent) {
      res.status = 500;
      res._headers.length = 0;
      res.closeConnection();
      res.end("Internal Server Error\n");
    } else {
      // Part of the response is out: the only honest ending is to cut the connection.
      this.conn.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onBody(data: Uint8Array): void {
    const req = this.reading!;
    this.bodyBytes += data.byteLength;
    if (this.bodyBytes > this.server.maxBodySize) {
      req._fail(
        new RequestBodyError("BODY_TOO_LARGE", "request body larger than the server accepts"),
      );
      this.reject(413, "request body larger than the server accepts");
      this.parser.pause();
      return;
    }
    req._data(data);
  }

  private onEnd(trailers: string[]): void {
    const req = this.reading;
    if (req) {
      this.reading = null;
      req._end(trailers);
    }
    if (this.state === State.Body || this.state === State.Head) {
      this.state = State.Busy;
      this.timer.stop();
    }
    if (this.closing) this.parser.pause();
  }

  wantBody(_req: ServerRequest): void {
    // Bodies always flow (within maxBodySize); 100 Continue went out with the head.
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.parser.pause();
    this.conn.pauseReading();
  }

  private resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.conn.resumeReading();
    const stash = this.stash;
    if (stash) {
      this.stash = null;
      this.onData(stash);
    }
  }

  private onPeerEnd(): void {
    // The client will send nothing more. Like nginx and Node, evnet takes that as the client
    // having gone: handlers still working are told through their AbortSignal, what is
    // already queued is sent, and the connection closes (later writes are dropped). A
    // request whose response is complete by now was answered in full.
    this.peerEnded = true;
    this.closing = true;
    for (const req of this.requests) req?._abort();
    this.conn.end();
  }

  /** Answers a request the server can't accept and closes after it. */
  private reject(status: number, message: string): void {
    this.closing = true;
    this.timer.stop();
    const reading = this.reading;
    if (reading) {
      // The request whose body failed gets this answer instead of its handler's.
      this.reading = null;
      const at = this.requests.lastIndexOf(reading);
      const replaced = this.inFlight[at];
      if (at >= 0 && replaced && !replaced.headersSent) {
        replaced._finished = true;
        this.requests.splice(at, 1);
        this.inFlight.splice(at, 1);
      }
    }
    const body = `${status} ${message}\n`;
    const head =
      `${statusLine(status)}${dateLine()}Content-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    // Responses before it still go first; this one takes the place of the unreadable rest.
    const res = new ServerResponse(this, false, false, false);
    res._headersSent = true;
    res._finished = true;
    this.inFlight.push(res);
    this.requests.push(null);
    this._emit(res, Buffer.from(head + body));
    this._finish(res, false);
  }

  // ------------------------------------------------------------------ writing

  _emit(res: ServerResponse, a: Uint8Array, b?: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.inFlight[0] !== res) {
      if (!res._held) res._held = [];
      res._held.push(a);
      if (b) res._held.push(b);
      return true;
    }
    const ok = b ? this.conn.write2(a, b) : this.conn.write(a);
    if (!ok) this.noteBlocked();
    return ok;
  }

  _emitFile(
    res: ServerResponse,
    fd: number,
    offset: number,
    length: number,
    done: ((err: Error | null) => void) | null,
  ): boolean {
    if (this.closed) {
      done?.(new Error("connection closed"));
      return false;
    }
    if (this.inFlight[0] !== res) {
      if (!res._held) res._held = [];
      if (!res._heldFiles) res._heldFiles = [];
      res._heldFiles.push({ at: res._held.length, fd, offset, length, done });
      return true;
    }
    const ok = this.conn.sendFile(fd, offset, length, done);
    if (!ok) this.noteBlocked();
    return ok;
  }

  _finish(res: ServerResponse, keepAlive: boolean): void {
    if (this.closed) return;
    if (!keepAlive) this.closing = true;
    if (this.inFlight[0] !== res) return;
    this.retireFinished();
  }

  /** Retires finished responses at the front and puts the next one's held bytes on the wire. */
  private retireFinished(): void {
    const inFlight = this.inFlight;
    while (inFlight.length > 0 && inFlight[0]!._finished) {
      const done = inFlight.shift()!;
      this.requests.shift();
      if (done._closeAfter) this.closing = true;
      const next = inFlight[0];
      if (next?._held) this.release(next);
    }
    if (inFlight.length === 0) {
      if (this.closing) {
        this.conn.end();
        return;
      }
      if (this.state === State.Busy) {
        this.state = State.Idle;
        if (!this.writeBlocked) this.armTimer(this.server.keepAliveTimeout);
      }
    }
    if (this.paused && inFlight.length < MAX_IN_FLIGHT / 2 && !this.writeBlocked) this.resume();
  }

  private release(res: ServerResponse): void {
    const held = res._held!;
    const files = res._heldFiles;
    res._held = null;
    res._heldFiles = null;
    let f = 0;
    for (let i = 0; i <= held.length; i++) {
      while (files && f < files.length && files[f]!.at === i) {
        const file = files[f++]!;
        this.conn.sendFile(file.fd, file.offset, file.length, file.done);
      }
      if (i < held.length) this.conn.write(held[i]!);
    }
    if (this.conn.bufferedAmount >= this.conn.highWaterMark) this.noteBlocked();
  }

  private noteBlocked(): void {
    if (this.writeBlocked) return;
    this.writeBlocked = true;
    // A client that stops reading must not hold the response's memory forever.
    this.armTimer(this.server.sendTimeout);
    if (!this.paused) {
      this.pause();
    }
  }

  private onDrain(): void {
    this.writeBlocked = false;
    if (this.state === State.Idle) this.armTimer(this.server.keepAliveTimeout);
    else if (this.state === State.Busy) this.timer.stop();
    else if (this.state === State.Body) this.armTimer(this.server.bodyTimeout);
    for (const res of this.inFlight) {
      if (res.ondrain) {
        const cb = res.ondrain;
        cb();
        break;
      }
    }
    if (this.inFlight.length < MAX_IN_FLIGHT / 2) this.resume();
  }

  // ------------------------------------------------------------------ timers, close

  /** (Re)starts the timer for `ms` milliseconds, capped by requestTimeout while receiving. */
  private armTimer(ms: number): void {
    let seconds = ms / 1000;
    const cap = this.server.requestTimeout;
    if (cap > 0 && (this.state === State.Head || this.state === State.Body) && !this.writeBlocked) {
      const left = this.requestStarted + cap / 1000 - this.conn.loop.now();
      if (left < seconds || seconds <= 0) seconds = Math.max(left, 0.001);
    }
    if (seconds <= 0) {
      this.timer.stop();
      return;
    }
    this.timer.repeat = seconds;
    this.timer.again();
  }

  private onTimeout(): void {
    this.timer.stop();
    if (this.writeBlocked) {
      this.conn.destroy(new Error("send timeout: the client stopped reading"));
      return;
    }
    switch (this.state) {
      case State.Idle:
        this.conn.end();
        return;
      case State.Head:
      case State.Body:
        if (this.reading) {
          this.reading._fail(new RequestBodyError("CLIENT_GONE", "request body timed out"));
        }
        this.reject(408, "request timed out");
        return;
      default:
        return;
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer.stop();
    for (const req of this.requests) req?._abort();
    const gone = new Error("connection closed before the response was sent");
    for (const res of this.inFlight) {
      if (res._heldFiles) for (const file of res._heldFiles) file.done?.(gone);
      res._heldFiles = null;
      res._held = null;
    }
    this.requests.length = 0;
    this.inFlight.length = 0;
    this.server._connectionClosed(this);
  }

  /** @internal for tests and stats */
  get pendingResponses(): number {
    return this.inFlight.length;
  }

  /** @internal */
  get peerHasEnded(): boolean {
    return this.peerEnded;
  }
}
