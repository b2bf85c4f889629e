/**
 * evnet's parser against a real peer: llhttp, through `_http_common`, the binding node:http
 * itself parses with. Valid streams must read the same to both; a few invalid ones must be
 * refused by both.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import fc from "fast-check";
import { stream } from "./_generators.js";
import { bytes, type Kind, parse, parseFailure } from "./_helpers.js";

interface LlhttpParser {
  initialize(kind: number, resource: object): void;
  execute(data: Buffer): number | Error;
  finish(): undefined | Error;
  [callback: number]: unknown;
}
interface LlhttpModule {
  methods: string[];
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    RESPONSE: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
}

const { HTTPParser, methods } = createRequire(import.meta.url)("_http_common") as LlhttpModule;

/** What both parsers can say about a message, in the same shape. */
interface Seen {
  method: string;
  target: string;
  version: string;
  status: number;
  reason: string;
  headers: string[];
  keepAlive: boolean;
  upgrade: boolean;
  body: string;
  trailers: string[];
}

function withLlhttp(kind: Kind, wire: Uint8Array, finish: boolean): Seen[] | Error {
  const seen: Seen[] = [];
  // Node's binding hands over fields through kOnHeaders when it flushes early (after a
  // message with trailers, for one); kOnHeadersComplete then gets undefined for them.
  let pending: string[] = [];
  let pendingUrl = "";
  let afterHead = false;
  const parser = new HTTPParser();
  parser.initialize(kind === "request" ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {});
  parser[HTTPParser.kOnHeadersComplete] = (
    major: number,
    minor: number,
    headers: string[] | undefined,
    method: number | undefined,
    url: string | undefined,
    status: number | undefined,
    reason: string | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ) => {
    seen.push({
      method: method === undefined ? "" : methods[method],
      target: pendingUrl + (url ?? ""),
      version: `${major}.${minor}`,
      status: status ?? 0,
      reason: reason ?? "",
      headers: [...pending, ...(headers ?? [])],
      keepAlive,
      upgrade,
      body: "",
      trailers: [],
    });
    pending = [];
    pendingUrl = "";
    afterHead = true;
  };
  parser[HTTPParser.kOnHeaders] = (fields: string[], url: string) => {
    if (afterHead) {
      seen[seen.length - 1].trailers.push(...fields);
    } else {
      pending.push(...fields);
      pendingUrl += url;
    }
  };
  parser[HTTPParser.kOnBody] = (chunk: Buffer) => {
    seen[seen.length - 1].body += chunk.toString("latin1");
  };
  parser[HTTPParser.kOnMessageComplete] = () => {
    afterHead = false;
  };
  const result = parser.execute(Buffer.from(wire));
  if (result instanceof Error) return result;
  if (finish) {
    const end = parser.finish();
    if (end instanceof Error) return end;
  }
  return seen;
}

function withEvnet(kind: Kind, wire: Uint8Array, finish: boolean): Seen[] {
  return parse(kind, wire, { finish }).map((m) => ({
    method: m.head.method,
    target: m.head.target,
    version: `${m.head.versionMajor}.${m.head.versionMinor}`,
    status: m.head.status,
    reason: m.head.reason,
    headers: m.head.headers,
    keepAlive: m.head.keepAlive,
    upgrade: m.head.upgrade,
    body: m.body,
    trailers: m.trailers ?? [],
  }));
}

describe("evnet and llhttp read valid streams alike", () => {
  it("generated request and response streams", () => {
    fc.assert(
      fc.property(stream, ({ kind, wire }) => {
        const data = bytes(wire);
        const theirs = withLlhttp(kind, data, true);
        assert.ok(!(theirs instanceof Error), `llhttp refused: ${String(theirs)}`);
        assert.deepEqual(withEvnet(kind, data, true), theirs);
      }),
      { numRuns: 200 },
    );
  });

  const CASES: [Kind, string][] = [
    ["request", "GET / HTTP/1.0\r\n\r\n"],
    ["request", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"],
    ["request", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"],
    ["request", "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"],
    ["request", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["request", "\r\nGET /after-crlf HTTP/1.1\r\nHost: a\r\n\r\n"],
    [
      "request",
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;a="b c"\r\nabc\r\n0\r\nT: 1\r\n\r\n',
    ],
    [
      "request",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n",
    ],
    ["response", "HTTP/1.1 200 OK\r\n\r\nread until close"],
    ["response", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"],
    ["response", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"],
    ["response", "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"],
    ["response", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"],
  ];
  for (const [kind, wire] of CASES) {
    it(`${kind} ${JSON.stringify(wire.slice(0, 60))}`, () => {
      const data = bytes(wire);
      const theirs = withLlhttp(kind, data, true);
      assert.ok(!(theirs instanceof Error), `llhttp refused: ${String(theirs)}`);
      assert.deepEqual(withEvnet(kind, data, true), theirs);
    });
  }
});

describe("evnet and llhttp refuse alike", () => {
  const REFUSED: [Kind, string][] = [
    ["request", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"],
    [
      "request",
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ],
    ["request", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"],
    ["request", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
    [
      "request",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    ],
    ["request", "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"],
    ["request", "GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["request", "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n"],
    ["response", "HTTP/1.1 2000 OK\r\n\r\n"],
  ];
  for (const [kind, wire] of REFUSED) {
    it(`${kind} ${JSON.stringify(wire)}`, () => {
      assert.ok(withLlhttp(kind, bytes(wire), false) instanceof Error, "llhttp accepted it");
      parseFailure(kind, wire);
    });
  }
});
