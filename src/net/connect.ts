/**
 * Outgoing stream connections: a non-blocking connect(2) finished when the socket turns
 * writable, with SO_ERROR telling how it went.
 */
import { EV, Io, type Loop, Timer } from "../loop/index.js";
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
 * Connects and calls `done` once, from the loop, with the connection or the error
 * (ECONNREFUSED...). The returned function cancels a connect still in progress: `done` is
 * then not called and the socket is closed.
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
  let finished = false;
  const finish = (err: Error | null) => {
    finished = true;
    if (err) {
      closeFd(fd);
      done(err, null);
    } else done(null, new Connection(loop, fd, options));
  };
  let immediate: Error | null | undefined;
  try {
    if (connectFd(fd, addr)) immediate = null;
  } catch (err) {
    immediate = err as Error;
  }
  if (immediate !== undefined) {
    // Done already (a unix socket, or an immediate error): still report from the loop, so
    // that done never runs inside connect() and owned mode (loop.run()) sees it too.
    const result = immediate;
    const soon = new Timer(loop, 0, 0, () => finish(result));
    soon.start();
    return () => {
      if (finished || !soon.active) return;
      soon.stop();
      finished = true;
      closeFd(fd);
    };
  }
  const io = new Io(loop, fd, EV.WRITE, () => {
    io.stop();
    const errno = socketError(fd);
    finish(errno === 0 ? null : new SysError("connect", errno, path ?? `${host}:${options.port}`));
  });
  io.start();
  return () => {
    if (finished || !io.active) return;
    io.stop();
    finished = true;
    closeFd(fd);
  };
}
