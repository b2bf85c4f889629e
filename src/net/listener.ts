/**
 * A listening TCP or unix stream socket on the loop. Connections are accepted in batches per
 * readiness; each becomes a {@link Connection}.
 *
 * Running out of descriptors (EMFILE/ENFILE) would otherwise spin the loop: the listening
 * socket stays readable, accept keeps failing. As libev's manual suggests, a spare descriptor
 * is held open; when accept fails that way, the spare is closed, the waiting connection is
 * accepted and closed at once (the client sees its connection refused instead of hanging),
 * and the spare is reopened.
 */
import { closeSync, openSync } from "node:fs";
import { EV, Io, type Loop, Timer } from "../loop/index.js";
import {
  AF_INET6,
  AF_UNIX,
  accept,
  bind,
  close as closeFd,
  ERRNO,
  encodeAddress,
  familyOf,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  listen,
  localAddress,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SOCK_STREAM,
  SOL_SOCKET,
  type SocketAddress,
  SysError,
  setIntOption,
  socket,
} from "../sys/index.js";
import { Connection, type ConnectionOptions } from "./connection.js";

export interface ListenOptions extends ConnectionOptions {
  /** Numeric IPv4 or IPv6 address (default "127.0.0.1"); "::" or "0.0.0.0" for every one. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** A unix socket path instead of host and port. */
  path?: string;
  /** Listen queue length (default 511, as nginx). */
  backlog?: number;
  /** SO_REUSEPORT: several processes listen on the same port and the kernel spreads connections. */
  reusePort?: boolean;
  /** For an IPv6 host: refuse IPv4-mapped connections (default false: dual stack on "::"). */
  ipv6Only?: boolean;
  /** Connections accepted per readiness before others get their turn (default 64). */
  acceptBatch?: number;
}

const ACCEPT_BATCH = 64;

export type ConnectionFactory = (loop: Loop, fd: number, options: ConnectionOptions) => Connection;

const plainConnection: ConnectionFactory = (loop, fd, options) => new Connection(loop, fd, options);

export class Listener {
  readonly loop: Loop;
  fd: number;
  /**
   * An accept error other than "nothing waiting" (ENOBUFS, ENOMEM...). Accepting pauses for
   * a tenth of a second after it, so a lasting error does not spin the loop. Default: printed
   * to stderr.
   */
  onError: (err: Error) => void = (err) => {
    console.error(`evnet: accept on fd ${this.fd} failed: ${err.message}`);
  };
  /** How many connections were refused because the process was out of descriptors. */
  refused = 0;
  private readonly io: Io;
  private readonly batch: number;
  private spare: number;
  private retry: Timer | null = null;
  private paused = false;

  /**
   * `makeConnection` builds each accepted connection: a protocol can pass its own subclass of
   * {@link Connection} (default: a plain Connection).
   */
  constructor(
    loop: Loop,
    options: ListenOptions,
    private readonly onConnection: (conn: Connection) => void,
    private readonly makeConnection: ConnectionFactory = plainConnection,
  ) {
    this.loop = loop;
    this.batch = options.acceptBatch ?? ACCEPT_BATCH;
    const connectionOptions: ConnectionOptions = { highWaterMark: options.highWaterMark };
    this.connectionOptions = connectionOptions;
    this.fd = openListeningSocket(options);
    this.spare = openSpare();
    this.io = new Io(loop, this.fd, EV.READ, () => this.acceptMany());
    this.io.start();
  }
  private readonly connectionOptions: ConnectionOptions;

  address(): SocketAddress {
    return localAddress(this.fd);
  }

  /** Stops accepting (connections wait in the kernel's queue) until resume(). */
  pause(): void {
    this.paused = true;
    this.io.stop();
  }

  resume(): void {
    this.paused = false;
    if (this.fd >= 0 && !this.retry?.active) this.io.start();
  }

  close(): void {
    if (this.fd < 0) return;
    this.io.stop();
    this.retry?.stop();
    closeFd(this.fd);
    this.fd = -1;
    if (this.spare >= 0) closeSync(this.spare);
    this.spare = -1;
  }

  private acceptMany(): void {
    for (let i = 0; i < this.batch && this.fd >= 0; i++) {
      let fd: number;
      try {
        fd = accept(this.fd);
      } catch (err) {
        if (err instanceof SysError && (err.errno === ERRNO.EMFILE || err.errno === ERRNO.ENFILE)) {
          // With a spare to give up, shed the waiting connection; without one (it could not
          // be reopened), back off instead of spinning.
          if (this.shedOne()) continue;
        } else this.onError(err as Error);
        this.backOff();
        return;
      }
      if (fd < 0) return;
      this.onConnection(this.makeConnection(this.loop, fd, this.connectionOptions));
    }
  }

  /**
   * Out of descriptors: use the spare to take the waiting connection off the queue. False
   * when there was no spare to use.
   */
  private shedOne(): boolean {
    if (this.spare < 0) {
      this.spare = openSpare();
      return false;
    }
    closeSync(this.spare);
    this.spare = -1;
    try {
      const fd = accept(this.fd);
      if (fd >= 0) {
        closeFd(fd);
        this.refused++;
      }
    } catch {
      // still exhausted (another thread took the spare's slot): the back-off handles it
    }
    this.spare = openSpare();
    return this.spare >= 0;
  }

  /** Stops accepting for a moment after an error that would otherwise repeat at once. */
  private backOff(): void {
    if (this.fd < 0 || this.retry?.active) return;
    this.io.stop();
    if (!this.retry) {
      this.retry = new Timer(this.loop, 0.1, 0, () => {
        if (!this.paused && this.fd >= 0) this.io.start();
      });
    }
    this.retry.start();
  }
}

function openSpare(): number {
  try {
    return openSync("/dev/null", "r");
  } catch {
    return -1;
  }
}

function openListeningSocket(options: ListenOptions): number {
  const path = options.path;
  const host = options.host ?? "127.0.0.1";
  const domain = path !== undefined ? AF_UNIX : familyOf(host);
  const fd = socket(domain, SOCK_STREAM);
  try {
    if (domain !== AF_UNIX) {
      setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1);
      if (options.reusePort) setIntOption(fd, SOL_SOCKET, SO_REUSEPORT, 1);
      if (domain === AF_INET6) {
        setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, options.ipv6Only ? 1 : 0);
      }
    }
    bind(fd, path !== undefined ? encodeAddress(path) : encodeAddress(host, options.port ?? 0));
    listen(fd, options.backlog ?? 511);
    return fd;
  } catch (err) {
    closeFd(fd);
    throw err;
  }
}
