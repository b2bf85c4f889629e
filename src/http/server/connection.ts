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
 * (A pipelined request whose head arrives while an earlier one is being answered is timed
 * from when the connection turns idle, by the keep-alive timeout, not the head timeout.)
 * A client that sends slowly enough to dodge the limits above is what slowloris does; the
 * head timeout is therefore not restarted by data, while the body timeout is (an upload that
 * keeps sending is fine, however long it takes).
 *
 * Memory per idle connection is kept small: the class extends the TCP Connection (no
 * separate object, no closures), and the parser is borrowed from the server's pool only
 * while a request is being read. The timer follows libev's advice for timeouts that move
 * all the time: only a deadline field changes per request, and the timer, when it fires
 * early, re-arms itself for what is left.
 */
import { Timer } from "../../loop/index.js";
import { type CloseReason, Connection } from "../../net/index.js";
import type { SocketAddress } from "../../sys/index.js";
import {
  HttpParseError,
  HttpParser,
  type MessageHead,
  type ParserEvents,
} from "../parser/index.js";
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

/** A pooled parser and the connection it currently parses for. */
export class ParserSlot implements ParserEvents {
  owner: HttpConnection | null = null;
  readonly parser: HttpParser;

  constructor(limits: ConstructorParameters<typeof HttpParser>[2]) {
    this.parser = new HttpParser("request", this, limits);
  }

  onHead(head: MessageHead): void {
    this.owner!._onHead(head);
  }

  onBody(data: Uint8Array): void {
    this.owner!._onBody(data);
  }

  onEnd(trailers: string[]): void {
    this.owner!._onEnd(trailers);
  }
}

function timerFired(w: Timer): void {
  (w.data as HttpConnection)._timerFired();
}

export class HttpConnection extends Connection implements RequestOwner, ResponseOwner {
  server!: HttpServer;
  /** Responses in request order (each knows its request); the first is on the wire. */
  private inFlight: ServerResponse[] = [];
  private slot: ParserSlot | null = null;
  private timer: Timer | null = null;
  /** Loop time at which the current timeout expires; 0 for none. */
  private deadline = 0;
  /** Loop time the timer is armed for (it may be earlier than `deadline`). */
  private timerAt = 0;
  private state = State.Idle;
  private requestStarted = 0;
  /** The request whose body is being parsed. */
  private reading: ServerRequest | null = null;
  private bodyBytes = 0;
  /** Bytes that arrived while parsing was paused, fed again on resume. */
  private stash: Buffer | null = null;
  private paused = false;
  private parsing = false;
  /** No more requests are read: the connection closes once the responses are out. */
  private closing = false;
  private writeBlocked = false;

  /** Called by the server right after accept. */
  attach(server: HttpServer): void {
    this.server = server;
    // A new connection gets the head's time to send its first request (nginx does the same).
    this.setTimeout(server.headersTimeout);
  }

  /** True when no request is in progress (graceful shutdown closes these at once). */
  get idle(): boolean {
    return this.state === State.Idle && this.inFlight.length === 0;
  }

  /** A remote address that never throws (the socket may be gone already). */
  peer(): SocketAddress | null {
    try {
      return super.remoteAddress();
    } catch {
      return null;
    }
  }

  /** Graceful shutdown: finish what is in flight, read nothing new. */
  shutdown(): void {
    this.closing = true;
    for (const res of this.inFlight) if (!res.headersSent) res.closeConnection();
    if (this.idle) this.lingeringClose();
  }

  // ------------------------------------------------------------------ reading

  override onData(data: Uint8Array): void {
    // Closing: no new request is read, but the rest of the current one (its head already
    // started, or its body) still is.
    if (this.closing && this.reading === null && this.state !== State.Head) return;
    if (this.paused) {
      this.stash = this.stash ? Buffer.concat([this.stash, data]) : Buffer.from(data);
      return;
    }
    if (this.state === State.Idle) this.startRequest();
    else if (this.state === State.Body) this.setTimeout(this.server.bodyTimeout);
    this.cork();
    this.parse(data);
    this.uncork();
    if (this.state === State.Idle) this.releaseParser();
  }

  private parse(data: Uint8Array): void {
    let slot = this.slot;
    if (!slot) {
      slot = this.server._takeParser();
      slot.owner = this;
      this.slot = slot;
    }
    const parser = slot.parser;
    let offset = 0;
    this.parsing = true;
    try {
      while (offset < data.byteLength) {
        const used = parser.feed(data, offset, data.byteLength);
        offset += used;
        if (this.paused || used === 0) break;
        if (this.closing && this.reading === null && this.state !== State.Head) break;
      }
    } catch (err) {
      this.parsing = false;
      this.dropParser();
      if (err instanceof HttpParseError) {
        this.reject(err.status || 400, err.message);
        return;
      }
      // A body callback of the handler's (req.ondata / onend) threw: the request can't be
      // completed, but the server and its other connections go on.
      this.server.reportError(err);
      this.destroy(err instanceof Error ? err : new Error(String(err)));
      return;
    } finally {
      this.parsing = false;
    }
    if (this.paused && offset < data.byteLength && !this.closing) {
      this.stash = Buffer.from(data.subarray(offset));
    }
  }

  /** Gives the parser back to the pool when it holds nothing of a next request. */
  private releaseParser(): void {
    const slot = this.slot;
    if (!slot || this.parsing || !slot.parser.atMessageStart) return;
    this.slot = null;
    slot.owner = null;
    this.server._returnParser(slot);
  }

  /** A parser that failed (or whose connection closed mid-message) is not reused. */
  private dropParser(): void {
    if (this.slot) this.slot.owner = null;
    this.slot = null;
  }

  private startRequest(): void {
    this.state = State.Head;
    this.requestStarted = this.loop.now();
    this.setTimeout(this.server.headersTimeout);
  }

  /** @internal parser event */
  _onHead(head: MessageHead): void {
    const server = this.server;
    const req = new ServerRequest(head, this);
    const res = new ServerResponse(
      this,
      req,
      head.method === "HEAD",
      head.versionMinor === 0,
      head.keepAlive && !server.closing,
    );
    this.inFlight.push(res);
    server.requestCount++;
    // No request after this one is read when the client said it will close.
    if (!head.keepAlive) this.closing = true;
    if (req.hasBody) {
      if (head.contentLength > server.maxBodySize) {
        this.inFlight.pop();
        this.reject(413, "request body larger than the server accepts");
        this.slot?.parser.pause();
        return;
      }
      this.reading = req;
      this.bodyBytes = 0;
      this.state = State.Body;
      this.setTimeout(server.bodyTimeout);
      // nginx answers 100-continue as soon as it starts reading the body; so does evnet,
      // after the checks above have accepted the request.
      if (head.expectContinue && head.versionMinor === 1) this._emit(res, CONTINUE);
    } else {
      this.state = State.Busy;
      this.deadline = 0;
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
      this.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** @internal parser event */
  _onBody(data: Uint8Array): void {
    const req = this.reading!;
    this.bodyBytes += data.byteLength;
    if (this.bodyBytes > this.server.maxBodySize) {
      req._fail(
        new RequestBodyError("BODY_TOO_LARGE", "request body larger than the server accepts"),
      );
      this.slot?.parser.pause();
      this.reject(413, "request body larger than the server accepts");
      return;
    }
    req._data(data);
  }

  /** @internal parser event */
  _onEnd(trailers: string[]): void {
    const req = this.reading;
    if (req) {
      this.reading = null;
      req._end(trailers);
    }
    if (this.state === State.Body || this.state === State.Head) {
      this.state = State.Busy;
      this.deadline = 0;
      // Answered before its body was read (a 401 before an upload, say): the body is in, so
      // the connection is idle now.
      if (this.inFlight.length === 0) this.allAnswered();
    }
    if (this.closing) this.slot?.parser.pause();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.slot?.parser.pause();
    this.pauseReading();
  }

  private resume(): void {
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.resumeReading();
    const stash = this.stash;
    if (stash) {
      this.stash = null;
      this.onData(stash);
    }
  }

  override onEnd(): void {
    // The client will send nothing more. Like nginx and Node, evnet takes that as the client
    // having gone: handlers still working are told through their AbortSignal, what is
    // already queued is sent, and the connection closes (later writes are dropped). A
    // request whose response is complete by now was answered in full.
    this.closing = true;
    for (const res of this.inFlight) res._req?._abort();
    this.lingeringClose();
  }

  /** Answers a request the server can't accept and closes after it. */
  private reject(status: number, message: string): void {
    this.closing = true;
    this.deadline = 0;
    const reading = this.reading;
    if (reading) {
      this.reading = null;
      // Its handler must not wait for a body that will never come.
      reading._fail(
        new RequestBodyError(status === 413 ? "BODY_TOO_LARGE" : "CLIENT_GONE", message),
      );
      reading._abort();
      const at = this.inFlight.findIndex((r) => r._req === reading);
      const replaced = this.inFlight[at];
      if (replaced && !replaced.headersSent) {
        // The request whose body failed gets this answer instead of its handler's.
        replaced._finished = true;
        this.inFlight.splice(at, 1);
      } else {
        // Its handler has answered (or is answering) already: a second response would be
        // taken as the answer to whatever the client sent next. Just stop and close.
        if (this.inFlight.length === 0) this.lingeringClose();
        return;
      }
    }
    const body = `${status} ${message}\n`;
    const head =
      `${statusLine(status)}${dateLine()}Content-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
    // Responses before it still go first; this one takes the place of the unreadable rest.
    const res = new ServerResponse(this, null, false, false, false);
    res._headersSent = true;
    res._finished = true;
    this.inFlight.push(res);
    this._emit(res, Buffer.from(head + body));
    this._finish(res, false);
  }

  // ------------------------------------------------------------------ writing

  _emit(res: ServerResponse, a: Uint8Array, b?: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.inFlight[0] !== res) {
      // Held behind an earlier response: the same high-water mark applies, so a stream
      // queued behind a slow answer waits (res.ondrain follows once it is on the wire).
      if (!res._held) res._held = [];
      res._held.push(a);
      if (b) res._held.push(b);
      res._heldBytes += a.byteLength + (b ? b.byteLength : 0);
      return res._heldBytes < this.highWaterMark;
    }
    const ok = b ? this.write2(a, b) : this.write(a);
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
    const ok = this.sendFile(fd, offset, length, done);
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
      if (done._closeAfter) this.closing = true;
      const next = inFlight[0];
      if (next?._held) this.release(next);
    }
    if (inFlight.length === 0) {
      this.allAnswered();
      if (this.closed || this.ended) return;
    }
    if (this.paused && inFlight.length < MAX_IN_FLIGHT / 2 && !this.writeBlocked) this.resume();
  }

  /** Every request read so far is answered: close, or wait idle for the next request. */
  private allAnswered(): void {
    this.inFlight = []; // no backing store kept while idle
    if (this.closing) {
      this.lingeringClose();
      return;
    }
    if (this.state === State.Busy) {
      this.state = State.Idle;
      if (!this.writeBlocked) this.setTimeout(this.server.keepAliveTimeout);
      this.releaseParser();
    }
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
        this.sendFile(file.fd, file.offset, file.length, file.done);
      }
      if (i < held.length) this.write(held[i]!);
    }
    const wasFull = res._heldBytes >= this.highWaterMark;
    res._heldBytes = 0;
    if (this.bufferedAmount >= this.highWaterMark) this.noteBlocked();
    else if (wasFull && res.ondrain) {
      // It was told to wait and the connection will not report a drain: tell it now.
      const ondrain = res.ondrain;
      queueMicrotask(() => ondrain());
    }
  }

  private noteBlocked(): void {
    if (this.writeBlocked) return;
    this.writeBlocked = true;
    // A client that stops reading must not hold the response's memory forever.
    this.setTimeout(this.server.sendTimeout);
    if (!this.paused) this.pause();
  }

  override onWriteProgress(): void {
    // The client is reading: the send timeout counts from its last progress (nginx's
    // send_timeout is the time between two successful writes, not for the whole response).
    if (this.writeBlocked) this.setTimeout(this.server.sendTimeout);
  }

  override onDrain(): void {
    this.writeBlocked = false;
    if (this.state === State.Idle) this.setTimeout(this.server.keepAliveTimeout);
    else if (this.state === State.Busy) this.deadline = 0;
    else if (this.state === State.Body) this.setTimeout(this.server.bodyTimeout);
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

  /**
   * Sets the current timeout to `ms` milliseconds from now (0: none), capped by
   * requestTimeout while a request is being received. The timer is only re-armed when the
   * new deadline is earlier than the one it is armed for.
   */
  private setTimeout(ms: number): void {
    if (this.closed) return; // a closed connection keeps no timer
    const now = this.loop.now();
    let seconds = ms / 1000;
    const cap = this.server.requestTimeout;
    if (cap > 0 && (this.state === State.Head || this.state === State.Body) && !this.writeBlocked) {
      const left = this.requestStarted + cap / 1000 - now;
      if (left < seconds || seconds <= 0) seconds = Math.max(left, 0.001);
    }
    if (seconds <= 0) {
      this.deadline = 0;
      return;
    }
    this.deadline = now + seconds;
    let timer = this.timer;
    if (!timer) {
      timer = new Timer(this.loop, 0, 0, timerFired);
      timer.data = this;
      this.timer = timer;
    }
    if (!timer.active || this.deadline < this.timerAt) this.armTimer(seconds);
  }

  private armTimer(seconds: number): void {
    const timer = this.timer!;
    this.timerAt = this.loop.now() + seconds;
    timer.repeat = seconds;
    timer.again();
  }

  /** @internal */
  _timerFired(): void {
    const timer = this.timer!;
    if (this.deadline === 0) {
      timer.stop();
      return;
    }
    const left = this.deadline - this.loop.now();
    if (left > 0.0005) {
      this.armTimer(left);
      return;
    }
    timer.stop();
    this.deadline = 0;
    if (this.writeBlocked) {
      this.destroy(new Error("send timeout: the client stopped reading"));
      return;
    }
    switch (this.state) {
      case State.Idle:
        this.lingeringClose();
        return;
      case State.Head:
      case State.Body:
        if (this.reading) {
          this.reading._fail(new RequestBodyError("CLIENT_GONE", "request body timed out"));
        }
        this.dropParser();
        this.reject(408, "request timed out");
        return;
      default:
        return;
    }
  }

  override onClose(_reason: CloseReason): void {
    this.timer?.stop();
    if (this.slot) {
      // a parser cut mid-message is not reused; one between messages goes back
      if (this.slot.parser.atMessageStart && !this.parsing) this.releaseParser();
      else this.dropParser();
    }
    const gone = new Error("connection closed before the response was sent");
    for (const res of this.inFlight) {
      res._req?._abort();
      if (res._heldFiles) for (const file of res._heldFiles) file.done?.(gone);
      res._heldFiles = null;
      res._held = null;
    }
    this.inFlight = [];
    this.server._connectionClosed(this);
  }
}
