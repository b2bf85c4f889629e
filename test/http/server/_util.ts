/** Test helpers: a server on a free loopback port and a raw-socket client. */
import * as net from "node:net";
import {
  createServer,
  type Handler,
  type HttpServer,
  type ServerOptions,
} from "../../../src/http/index.js";

export function startServer(
  handler: Handler,
  options: ServerOptions = {},
): { server: HttpServer; port: number } {
  const server = createServer(handler, { onError: () => {}, ...options }).listen({
    host: "127.0.0.1",
    port: 0,
  });
  return { server, port: server.address().port };
}

/**
 * Sends `bytes` on a fresh connection, half-closes when `end` is true, and resolves with
 * everything received until the server closes (or `idleMs` of silence).
 */
export function raw(
  port: number,
  bytes: string | Buffer,
  options: { end?: boolean; idleMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    const parts: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    const done = () => {
      if (timer) clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(parts).toString("latin1"));
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(done, options.idleMs ?? 3000);
    };
    sock.on("connect", () => {
      if (options.end) sock.end(bytes);
      else sock.write(bytes);
      arm();
    });
    sock.on("data", (d: Buffer) => {
      parts.push(d);
      arm();
    });
    sock.on("end", done);
    sock.on("close", done);
    sock.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET") done();
      else reject(err);
    });
  });
}

/** Splits a stream of responses into status codes (for pipelining checks). */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

export const GET = (path = "/", extra = "") => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;
