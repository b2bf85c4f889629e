/**
 * Static files on the low-level server: {@link StaticFiles} decides the response (status,
 * headers, which byte ranges of which file), this module puts it on the wire, file bytes with
 * sendfile(2) straight from the page cache, and writes an access log line per request.
 */
import type { ServerRequest } from "./server/request.js";
import type { ServerResponse } from "./server/response.js";
import type { Handler } from "./server/server.js";
import { formatAccessLog } from "./static/accesslog.js";
import {
  releaseBody,
  StaticFiles,
  type StaticOptions,
  type StaticResponse,
} from "./static/static.js";

export interface ServeStaticOptions extends StaticOptions {
  /** Where access log lines go (combined log format); null for none. Default: none. */
  accessLog?: ((line: string) => void) | null;
}

/** A handler serving `options.root` like a small nginx. */
export function serveStatic(options: ServeStaticOptions): Handler {
  const files = new StaticFiles(options);
  const log = options.accessLog ?? null;
  return async (req, res) => {
    // respond() answers file-system errors itself (403, 404, 500) and never rejects.
    const response = await files.respond(req);
    await send(response, req, res);
    log?.(accessLine(req, response.status, req.method === "HEAD" ? 0 : response.contentLength));
  };
}

function accessLine(req: ServerRequest, status: number, bytes: number): string {
  return formatAccessLog({
    remoteAddr: req.remoteAddress()?.address ?? "-",
    timeMs: Date.now(),
    method: req.method,
    target: req.target,
    protocol: `HTTP/1.${req.versionMinor}`,
    status,
    bodyBytesSent: bytes,
    referer: req.header("referer"),
    userAgent: req.header("user-agent"),
  });
}

async function send(
  response: StaticResponse,
  req: ServerRequest,
  res: ServerResponse,
): Promise<void> {
  res.status = response.status;
  for (const [name, value] of response.headers) res.addHeader(name, value);
  const body = response.body;
  if (body.kind === "none") {
    res.end();
    return;
  }
  if (body.kind === "bytes") {
    res.end(body.data);
    return;
  }
  if (req.method === "HEAD") {
    void releaseBody(body);
    res.end();
    return;
  }
  const fd = body.fd;
  if (fd === undefined) throw new Error("StaticFiles returned a file body without a descriptor");
  // The descriptor is closed once every part handed to sendFile has left (or failed), and
  // no more will be handed over.
  let pending = 0;
  let allQueued = false;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    void releaseBody(body);
  };
  const partDone = (err: Error | null) => {
    pending--;
    if (err || (allQueued && pending === 0)) release();
  };
  try {
    for (const part of body.parts) {
      if (part.prefix) res.write(part.prefix);
      res.sendFile(fd, part.start, part.end - part.start + 1, partDone);
      pending++; // after: a sendFile that throws took nothing over
    }
    if (body.suffix) res.write(body.suffix);
    res.end();
  } finally {
    // Also when the response failed under us: parts already queued still finish first.
    allQueued = true;
    if (pending === 0) release();
  }
}
