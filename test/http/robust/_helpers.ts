/**
 * Helpers for the adversarial server tests: a strict reader of HTTP/1.1 response streams
 * written independently of src/http/parser (so a parser bug cannot hide a server bug), a
 * raw-socket client that reports how the server ended the connection, and small waits.
 */
import assert from "node:assert/strict";
import * as net from "node:net";

/** One response read off the wire. */
export interface WireResponse {
  status: number;
  reason: string;
  /** Field lines in order, names lowercased. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** How the body was delimited. */
  framing: "none" | "length" | "chunked" | "close";
  /** 1xx interim responses that came before this one. */
  interim: number[];
}

/** The first value of a field (names compared lowercased). */
export function field(res: WireResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  return res.headers.find(([n]) => n === lower)?.[1];
}

/** True when the response says the server closes the connection after it. */
export function saysClose(res: WireResponse): boolean {
  return /(^|,)\s*close\s*(,|$)/i.test(field(res, "connection") ?? "");
}

/** Thrown when bytes on the wire are not a valid HTTP/1.1 response stream. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(`${message} (at byte ${at})`);
    this.name = "WireError";
  }
}

export interface ReadResult {
  responses: WireResponse[];
  /** Bytes after the last complete response (a response cut short, or nothing). */
  rest: Buffer;
}

const STATUS_LINE = /^HTTP\/1\.1 ([1-5]\d\d) ([\t !-~\x80-\xff]*)$/;
const FIELD_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([\t !-~\x80-\xff]*?)[ \t]*$/;

/**
 * Reads as many complete responses as `data` holds. `methods[i]` is the method of the i-th
 * request (HEAD responses have no body), or a function that tells it from the response's
 * head; `closed` says the server closed the connection, so
 * that a close-delimited body ends at the end of `data`. Throws WireError on anything a
 * strict client would refuse: bare LF, bad status line, bad field line, conflicting framing,
 * bad chunk lines.
 */
export function readResponses(
  data: Buffer,
  methods: string[] | ((head: WireResponse, index: number) => string) = [],
  closed = false,
): ReadResult {
  const responses: WireResponse[] = [];
  let p = 0;
  let interim: number[] = [];
  for (;;) {
    if (p === data.length) return { responses, rest: data.subarray(p) };
    const headEnd = data.indexOf("\r\n\r\n", p, "latin1");
    if (headEnd < 0) return { responses, rest: data.subarray(p) };
    const headText = data.subarray(p, headEnd).toString("latin1");
    const lines = headText.split("\r\n");
    for (const line of lines) {
      if (line.includes("\n") || line.includes("\r")) throw new WireError("bare CR or LF", p);
    }
    const start = STATUS_LINE.exec(lines[0]!);
    if (!start) throw new WireError(`bad status line ${JSON.stringify(lines[0])}`, p);
    const status = Number(start[1]);
    const headers: Array<[string, string]> = [];
    for (const line of lines.slice(1)) {
      const m = FIELD_LINE.exec(line);
      if (!m) throw new WireError(`bad field line ${JSON.stringify(line)}`, p);
      headers.push([m[1]!.toLowerCase(), m[2]!]);
    }
    const bodyStart = headEnd + 4;
    const res: WireResponse = {
      status,
      reason: start[2]!,
      headers,
      body: Buffer.alloc(0),
      framing: "none",
      interim,
    };
    if (status < 200) {
      if (headers.some(([n]) => n === "content-length" || n === "transfer-encoding")) {
        throw new WireError("a 1xx response with framing fields", p);
      }
      interim.push(status);
      p = bodyStart;
      continue;
    }
    const lengths = headers.filter(([n]) => n === "content-length").map(([, v]) => v);
    const codings = headers.filter(([n]) => n === "transfer-encoding").map(([, v]) => v);
    if (lengths.length > 1) throw new WireError("several Content-Length fields", p);
    if (lengths.length === 1 && codings.length > 0) {
      throw new WireError("both Content-Length and Transfer-Encoding", p);
    }
    if (lengths.length === 1 && !/^\d+$/.test(lengths[0]!)) {
      throw new WireError(`bad Content-Length ${lengths[0]}`, p);
    }
    if (status === 204 && (lengths.length > 0 || codings.length > 0)) {
      throw new WireError("a 204 with framing fields", p);
    }
    const method =
      typeof methods === "function"
        ? methods(res, responses.length)
        : (methods[responses.length] ?? "GET");
    const bodyless = method === "HEAD" || status === 204 || status === 304;
    let end: number;
    if (bodyless) {
      end = bodyStart;
    } else if (codings.length > 0) {
      if (codings.join(",").trim().toLowerCase() !== "chunked") {
        throw new WireError(`unexpected Transfer-Encoding ${codings.join(",")}`, p);
      }
      const decoded = readChunked(data, bodyStart);
      if (!decoded) return { responses, rest: data.subarray(p) };
      res.framing = "chunked";
      res.body = decoded.body;
      end = decoded.end;
    } else if (lengths.length === 1) {
      const length = Number(lengths[0]);
      if (data.length < bodyStart + length) return { responses, rest: data.subarray(p) };
      res.framing = "length";
      res.body = data.subarray(bodyStart, bodyStart + length);
      end = bodyStart + length;
    } else {
      // No framing: the body runs to the close (RFC 9112 6.3, rule 8).
      if (!closed) return { responses, rest: data.subarray(p) };
      res.framing = "close";
      res.body = data.subarray(bodyStart);
      end = data.length;
    }
    responses.push(res);
    interim = [];
    p = end;
  }
}

/** Decodes a chunked body starting at `p`; null when it is not complete yet. */
function readChunked(data: Buffer, p: number): { body: Buffer; end: number } | null {
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = data.indexOf("\r\n", p, "latin1");
    if (lineEnd < 0) return null;
    const line = data.subarray(p, lineEnd).toString("latin1");
    if (!/^[0-9a-fA-F]{1,15}$/.test(line)) throw new WireError(`bad chunk line ${line}`, p);
    const size = Number.parseInt(line, 16);
    p = lineEnd + 2;
    if (size === 0) {
      // trailers, then the empty line
      for (;;) {
        const e = data.indexOf("\r\n", p, "latin1");
        if (e < 0) return null;
        if (e === p) return { body: Buffer.concat(parts), end: p + 2 };
        if (!FIELD_LINE.test(data.subarray(p, e).toString("latin1"))) {
          throw new WireError("bad trailer line", p);
        }
        p = e + 2;
      }
    }
    if (data.length < p + size + 2) return null;
    parts.push(data.subarray(p, p + size));
    if (data[p + size] !== 0x0d || data[p + size + 1] !== 0x0a) {
      throw new WireError("chunk data not followed by CRLF", p + size);
    }
    p += size + 2;
  }
}

/** What a raw exchange saw. */
export interface Exchange {
  data: Buffer;
  /** The server closed (FIN or reset) before we gave up waiting. */
  closedByServer: boolean;
  reset: boolean;
}

/**
 * Opens a connection, writes `chunks` (one write each, `gapMs` apart), and collects what
 * comes back until the server closes or `idleMs` pass without data. Never half-closes, so the
 * server's view of the client stays "still there".
 */
export function exchange(
  port: number,
  chunks: Array<string | Buffer>,
  options: { idleMs?: number; gapMs?: number; endAfter?: boolean } = {},
): Promise<Exchange> {
  const idleMs = options.idleMs ?? 400;
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    const parts: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    let settled = false;
    let reset = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(parts), closedByServer, reset });
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(false), idleMs);
    };
    sock.on("connect", async () => {
      for (let i = 0; i < chunks.length; i++) {
        if (settled) return;
        if (i > 0 && options.gapMs) await sleep(options.gapMs);
        if (sock.destroyed) return;
        sock.write(chunks[i]!);
      }
      if (options.endAfter) sock.end();
      arm();
    });
    sock.on("data", (d: Buffer) => {
      parts.push(d);
      arm();
    });
    sock.on("end", () => finish(true));
    sock.on("close", () => finish(true));
    sock.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") {
        reset = true;
        finish(true);
      } else if (!settled) {
        settled = true;
        reject(err);
      }
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every 10 ms until it holds; fails the test after `ms`. */
export async function waitFor(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail(`timed out waiting for: ${what}`);
    await sleep(10);
  }
}

/** A promise with its resolve function outside, to hold handlers until a test lets them go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

export const GET = (path = "/", extra = "") => `GET ${path} HTTP/1.1\r\nHost: t\r\n${extra}\r\n`;

export const POST = (path: string, body: string, extra = "") =>
  `POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

export const CHUNKED = (path: string, body: string, extra = "") =>
  `POST ${path} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n${extra}\r\n` +
  (body.length > 0 ? `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n` : "") +
  "0\r\n\r\n";
