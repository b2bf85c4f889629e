/**
 * The low-level HTTP/1.1 server: a listener on the loop, an {@link HttpConnection} per client,
 * a handler called with (request, response) for each request. By default the server makes its
 * own loop and hosts it inside Node's (loop.host()), so handlers may await anything; pass
 * `loop` to run it on a loop of yours, owned or hosted.
 */
import { Loop } from "../../loop/index.js";
import type { ConnectionFactory } from "../../net/index.js";
import { Listener, type ListenOptions } from "../../net/index.js";
import type { SocketAddress } from "../../sys/index.js";
import type { ParserLimits } from "../parser/index.js";
import { HttpConnection, ParserSlot } from "./connection.js";
import type { ServerRequest } from "./request.js";
import type { ServerResponse } from "./response.js";

/** Parsers kept for reuse; connections between requests hold none. */
const MAX_POOLED_PARSERS = 256;

const makeHttpConnection: ConnectionFactory = (loop, fd, options) =>
  new HttpConnection(loop, fd, options);

export type Handler = (req: ServerRequest, res: ServerResponse) => void | Promise<void>;

/** Server options. Times are milliseconds; 0 turns a timeout off. */
export interface ServerOptions {
  /** The loop to run on; by default the server makes one and hosts it in Node's loop. */
  loop?: Loop;
  /** From a request's first byte until its head is complete (default 60000, as nginx's client_header_timeout). Not restarted by data: slowloris ends here. */
  headersTimeout?: number;
  /** Longest silence between two reads of a request body (default 60000, nginx's client_body_timeout). */
  bodyTimeout?: number;
  /** Cap on receiving a whole request, head and body (default 0: off, so long uploads that keep sending succeed). */
  requestTimeout?: number;
  /** How long an idle kept-alive connection stays open (default 75000: outlasts the 60 s of common load balancers, as nginx). */
  keepAliveTimeout?: number;
  /** Longest time a client may leave a response's bytes unread (default 60000, nginx's send_timeout). */
  sendTimeout?: number;
  /** Largest request body accepted; larger ones get 413 (default 1 MiB, as nginx's client_max_body_size). */
  maxBodySize?: number;
  /** Parser limits: request line length (414), header count and head bytes (431). */
  limits?: Partial<ParserLimits>;
  /** TCP_NODELAY on accepted connections (default true). */
  noDelay?: boolean;
  /** Errors thrown by handlers (the client gets a 500); default: printed to stderr. */
  onError?: (err: unknown) => void;
}

export class HttpServer {
  readonly loop: Loop;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
  readonly sendTimeout: number;
  readonly maxBodySize: number;
  readonly parserLimits: Partial<ParserLimits>;
  readonly noDelay: boolean;
  /** Requests received so far. */
  requestCount = 0;
  /** Connections accepted so far. */
  connectionsAccepted = 0;
  closing = false;
  private readonly connections = new Set<HttpConnection>();
  private readonly listeners: Listener[] = [];
  private readonly ownsLoop: boolean;
  private hosted: Promise<boolean> | null = null;
  private closed: Promise<void> | null = null;
  private whenEmpty: (() => void) | null = null;
  private readonly onError: (err: unknown) => void;
  private readonly parsers: ParserSlot[] = [];

  constructor(
    readonly handler: Handler,
    options: ServerOptions = {},
  ) {
    this.ownsLoop = options.loop === undefined;
    this.loop = options.loop ?? new Loop();
    this.headersTimeout = options.headersTimeout ?? 60_000;
    this.bodyTimeout = options.bodyTimeout ?? 60_000;
    this.requestTimeout = options.requestTimeout ?? 0;
    this.keepAliveTimeout = options.keepAliveTimeout ?? 75_000;
    this.sendTimeout = options.sendTimeout ?? 60_000;
    this.maxBodySize = options.maxBodySize ?? 1024 * 1024;
    this.parserLimits = options.limits ?? {};
    this.noDelay = options.noDelay ?? true;
    this.onError = options.onError ?? ((err) => console.error("evnet http: handler error:", err));
  }

  /** Starts listening (several calls listen on several addresses). */
  listen(options: ListenOptions = {}): this {
    const listener = new Listener(
      this.loop,
      options,
      (conn) => {
        if (this.closing) {
          conn.destroy(null);
          return;
        }
        const http = conn as HttpConnection;
        this.connectionsAccepted++;
        if (this.noDelay && options.path === undefined) http.setNoDelay(true);
        this.connections.add(http);
        http.attach(this);
      },
      makeHttpConnection,
    );
    listener.onError = (err) => this.onError(err);
    this.listeners.push(listener);
    if (this.ownsLoop && !this.hosted) {
      this.hosted = this.loop.host();
      this.hosted.catch((err: unknown) => this.onError(err));
    }
    return this;
  }

  /** The first listener's address. */
  address(): SocketAddress {
    const first = this.listeners[0];
    if (!first) throw new Error("the server is not listening");
    return first.address();
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Graceful shutdown: stops accepting, closes idle connections, lets requests in flight
   * finish (their connections then close), and resolves when the last one is gone. After
   * `forceAfter` ms (default 10000) the remaining connections are cut.
   */
  close(forceAfter = 10_000): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    for (const l of this.listeners) l.close();
    for (const c of this.connections) c.shutdown();
    this.closed = new Promise<void>((resolve) => {
      const finish = async () => {
        clearTimeout(force);
        if (this.ownsLoop && this.hosted) {
          await this.hosted.catch(() => false);
          this.loop.destroy();
        }
        resolve();
      };
      const force = setTimeout(() => {
        for (const c of this.connections) c.destroy();
      }, forceAfter);
      force.unref?.();
      if (this.connections.size === 0) void finish();
      else this.whenEmpty = () => void finish();
    });
    return this.closed;
  }

  /** @internal */
  _connectionClosed(conn: HttpConnection): void {
    this.connections.delete(conn);
    if (this.connections.size === 0 && this.whenEmpty) {
      const done = this.whenEmpty;
      this.whenEmpty = null;
      done();
    }
  }

  /** @internal A parser for a connection that starts reading a request. */
  _takeParser(): ParserSlot {
    return this.parsers.pop() ?? new ParserSlot(this.parserLimits);
  }

  /** @internal A parser back from a connection that is between requests. */
  _returnParser(slot: ParserSlot): void {
    if (this.parsers.length < MAX_POOLED_PARSERS) {
      slot.parser.reset();
      this.parsers.push(slot);
    }
  }

  /** @internal */
  reportError(err: unknown): void {
    this.onError(err);
  }
}

/** Makes a low-level server: `createServer((req, res) => res.end("hi")).listen({ port })`. */
export function createServer(handler: Handler, options?: ServerOptions): HttpServer {
  return new HttpServer(handler, options);
}
