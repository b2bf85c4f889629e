/**
 * Outgoing stream connections: a non-blocking connect(2) finished when the socket turns
 * writable, with SO_ERROR telling how it went.
 */
import { EV, Io, type Loop } from "../loop/index.js";
import {
  AF_UNIX,
  close as closeFd,
  connect as connectFd,
  encodeAddress,
  familyOf,
  SOCK_STREAM,
  SysError,
  socket,
  socketError,
} from "../sys/index.js";
import { Connection, type ConnectionOptions } from "./connection.js";

export interface ConnectOptions extends ConnectionOptions {
  /** Numeric IPv4 or IPv6 address (default "127.0.0.1"). */
  host?: string;
  port?: number;
  /** A unix socket path instead of host and port. */
  path?: string;
}

/**
 * Connects and calls `done` once, with the connection or the error (ECONNREFUSED...). The
 * returned function cancels a connect still in progress (done is then not called).
 */
export function connect(
  loop: Loop,
  options: ConnectOptions,
  done: (err: Error | null, conn: Connection | null) => void,
): () => void {
  const path = options.path;
  const host = options.host ?? "127.0.0.1";
  const addr = path !== undefined ? encodeAddress(path) : encodeAddress(host, options.port ?? 0);
  const fd = socket(path !== undefined ? AF_UNIX : familyOf(host), SOCK_STREAM);
  let connected: boolean;
  try {
    connected = connectFd(fd, addr);
  } catch (err) {
    closeFd(fd);
    queueMicrotask(() => done(err as Error, null));
    return () => {};
  }
  const finish = () => done(null, new Connection(loop, fd, options));
  if (connected) {
    queueMicrotask(finish);
    return () => {};
  }
  const io = new Io(loop, fd, EV.WRITE, () => {
    io.stop();
    const errno = socketError(fd);
    if (errno !== 0) {
      closeFd(fd);
      done(new SysError("connect", errno, path ?? `${host}:${options.port}`), null);
    } else finish();
  });
  io.start();
  return () => {
    if (!io.active) return;
    io.stop();
    closeFd(fd);
  };
}
