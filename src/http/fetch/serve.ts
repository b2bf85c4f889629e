/**
 * `serve({ fetch })`: the web-standard server API (Request in, Response out) that Hono,
 * itty-router and friends are written against, on evnet's HTTP/1.1 server.
 */
import { closeSync, fstatSync, open } from "node:fs";
import type { ListenOptions } from "../../net/index.js";
import type { ServerRequest } from "../server/request.js";
import type { ServerResponse } from "../server/response.js";
import { HttpServer, type ServerOptions } from "../server/server.js";
import { FileBody } from "./file.js";
import { makeRequest } from "./request.js";
import { installLightResponse, lightParts } from "./response.js";

export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface ServeOptions extends ServerOptions, Omit<ListenOptions, "highWaterMark"> {
  fetch: FetchHandler;
  /** Answers a handler that threw or returned something other than a Response. */
  error?: (err: unknown) => Response | Promise<Response>;
  /**
   * Replace globalThis.Response with evnet's lightweight one (see fetch/response.ts), whose
   * string and byte bodies go out without a ReadableStream. Default true.
   */
  lightResponse?: boolean;
}

export interface FetchServer {
  readonly server: HttpServer;
  readonly port: number;
  /** `http://host:port` (the origin requests' URLs are built on). */
  readonly url: string;
  close(forceAfter?: number): Promise<void>;
}

export function serve(options: ServeOptions): FetchServer {
  const { fetch, error } = options;
  if (options.lightResponse !== false) installLightResponse();
  const server = new HttpServer((req, res) => respond(req, res), options);
  server.listen(options);
  const address = server.address();
  const host =
    options.path !== undefined
      ? "localhost"
      : address.family === "IPv6"
        ? `[${address.address}]`
        : address.address;
  const origin = options.path !== undefined ? "http://localhost" : `http://${host}:${address.port}`;

  async function respond(req: ServerRequest, res: ServerResponse): Promise<void> {
    const hostHeader = req.header("host");
    const base =
      hostHeader && /^[A-Za-z0-9.\-:[\]]+$/.test(hostHeader) ? `http://${hostHeader}` : origin;
    let response: Response;
    try {
      const result = fetch(makeRequest(req, base));
      response = result instanceof Promise ? await result : result;
      if (!(response instanceof Response)) {
        throw new TypeError("the fetch handler must return a Response");
      }
    } catch (err) {
      if (!error) throw err;
      response = await error(err);
    }
    await writeResponse(response, res, req);
  }

  return {
    server,
    port: address.port,
    url: origin,
    close: (forceAfter) => server.close(forceAfter),
  };
}

/** Copies a web Response onto the wire: status, headers, then the body, streamed when it is. */
export async function writeResponse(
  response: Response,
  res: ServerResponse,
  req: ServerRequest,
): Promise<void> {
  const light = lightParts(response);
  if (light) {
    if (light.body instanceof FileBody) await writeFile(light, light.body, res, req);
    else writeLight(light, res);
    return;
  }
  res.status = response.status;
  if (response.statusText) res.statusText = response.statusText;
  copyHeaders(response.headers, res);
  const body = response.body;
  if (!body) {
    res.end();
    return;
  }
  if (req.method === "HEAD") {
    await endHead(body, res);
    return;
  }
  const reader = body.getReader();
  // One chunk and done: a Content-Length response in one write. More: chunked, streamed
  // with backpressure. Whenever the client goes away the stream is cancelled, so that its
  // source (an SSE interval, a file) stops.
  const cancel = () => void reader.cancel().catch(() => {});
  const signal = req.signal;
  signal.addEventListener("abort", cancel, { once: true });
  try {
    const first = await reader.read();
    if (first.done) {
      res.end();
      return;
    }
    if (signal.aborted) return;
    const second = await reader.read();
    if (second.done) {
      res.end(first.value);
      return;
    }
    if (signal.aborted) return;
    res.write(first.value);
    let next: { done: boolean; value?: Uint8Array } = second;
    while (!next.done) {
      if (signal.aborted) return;
      if (!res.write(next.value!)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.ondrain = null;
            signal.removeEventListener("abort", done);
            resolve();
          };
          res.ondrain = done;
          signal.addEventListener("abort", done, { once: true });
        });
      }
      next = await reader.read();
    }
    res.end();
  } finally {
    signal.removeEventListener("abort", cancel);
    // The client left mid-stream (the listener may have fired before the reads settled).
    if (signal.aborted) cancel();
  }
}

const EMPTY = new Uint8Array(0);

/**
 * HEAD: the fields a GET would get, so the framing GET's path would choose: Content-Length
 * for a body of one chunk (read here, then dropped), chunked for a longer one.
 */
async function endHead(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  if (res.getHeader("content-length") !== undefined || body.locked) {
    if (!body.locked) void body.cancel().catch(() => {});
    res.end();
    return;
  }
  const reader = body.getReader();
  try {
    const first = await reader.read();
    if (first.done) {
      res.end();
      return;
    }
    const second = await reader.read();
    if (second.done) res.end(first.value);
    else {
      res.write(EMPTY); // declares chunked framing; HEAD sends no body
      res.end();
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
}

type LightParts = NonNullable<ReturnType<typeof lightParts>>;

/** The fast path: a light response's status, headers and string/byte body, no stream. */
function writeLight(light: LightParts, res: ServerResponse): void {
  copyHead(light, res);
  const body = light.body as string | Uint8Array | null;
  if (typeof body === "string" && res.getHeader("content-type") === undefined) {
    res.addHeader("content-type", "text/plain;charset=UTF-8");
  }
  res.end(body ?? undefined);
}

/** A file() body: opened now, sent with sendfile, closed once sent (or the client left). */
async function writeFile(
  light: LightParts,
  body: FileBody,
  res: ServerResponse,
  req: ServerRequest,
): Promise<void> {
  let fd: number;
  let size: number;
  try {
    fd = await new Promise<number>((ok, fail) =>
      open(body.path, "r", (err, n) => (err ? fail(err) : ok(n))),
    );
    size = fstatSync(fd).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    res.status = code === "ENOENT" ? 404 : code === "EACCES" ? 403 : 500;
    res.end(`${res.status}\n`);
    return;
  }
  // The descriptor is closed here unless sendFile has taken it (it then closes it when sent).
  let owned = true;
  try {
    copyHead(light, res);
    if (res.getHeader("content-type") === undefined) res.addHeader("content-type", body.type);
    res.setHeader("content-length", size);
    if (req.method !== "HEAD") {
      res.sendFile(fd, 0, size, () => closeSync(fd));
      owned = false;
    }
    res.end();
  } finally {
    if (owned) closeSync(fd);
  }
}

function copyHead(light: LightParts, res: ServerResponse): void {
  res.status = light.status;
  if (light.statusText) res.statusText = light.statusText;
  const headers = light.headers ?? light.init?.headers;
  if (headers instanceof Headers) copyHeaders(headers, res);
  else if (Array.isArray(headers)) {
    for (const [name, value] of headers as [string, string][]) res.addHeader(name, value);
  } else if (headers) {
    const record = headers as Record<string, string>;
    for (const name in record) res.addHeader(name, record[name]!);
  }
}

/** A Headers object's fields; Set-Cookie one line per cookie (Headers joins them with ", "). */
function copyHeaders(headers: Headers, res: ServerResponse): void {
  headers.forEach((value, name) => {
    if (name !== "set-cookie") res.addHeader(name, value);
  });
  for (const cookie of headers.getSetCookie()) res.addHeader("set-cookie", cookie);
}
