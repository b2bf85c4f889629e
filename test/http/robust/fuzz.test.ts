/**
 * Random and mutated byte streams on raw sockets. Whatever arrives, the server must not throw
 * out of its loop, every connection must end with whole, valid responses (the last of which
 * may be a 4xx/5xx with Connection: close, after which the server closes), and a plain GET
 * must still get 200 afterwards. Valid streams, cut into arbitrary writes, must be answered
 * exactly, in order.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import type { HttpServer, ServerRequest, ServerResponse } from "../../../src/http/index.js";
import { startServer } from "../server/_util.js";
import {
  type Exchange,
  exchange,
  field,
  GET,
  readResponses,
  saysClose,
  type WireResponse,
  waitFor,
} from "./_helpers.js";

/** Multiplies the runs, for longer hunts by hand: EVNET_FUZZ_SCALE=20 node --test ... */
const SCALE = Math.max(1, Number(process.env.EVNET_FUZZ_SCALE ?? 1) || 1);

interface ModelRequest {
  method: string;
  /** `/r<n>` bodies are collected with body(); `/s<n>` are streamed through ondata/onend. */
  target: string;
  framing: "none" | "length" | "chunked";
  body: Buffer;
  /** Chunk sizes for a chunked body (their sum is body.length). */
  chunks: number[];
  extensions: boolean;
  trailers: Array<[string, string]>;
  headers: Array<[string, string]>;
}

const FIELD_NAMES = ["X-A", "Accept", "User-Agent", "Cookie", "X-Forwarded-For", "If-None-Match"];
const tokenChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_.~!*'".split(""));
const fieldValue = fc
  .array(fc.constantFrom(..."abc XYZ 019 ,;=/\"'()<>@[]{}?\t".split("")), { maxLength: 20 })
  .map((cs) => cs.join("").trim());

const requestArb = (index: number): fc.Arbitrary<ModelRequest> =>
  fc
    .record({
      method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"),
      streamed: fc.boolean(),
      framing: fc.constantFrom("none", "length", "chunked") as fc.Arbitrary<
        ModelRequest["framing"]
      >,
      body: fc.uint8Array({ minLength: 1, maxLength: 300 }),
      cuts: fc.array(fc.integer({ min: 1, max: 120 }), { maxLength: 4 }),
      extensions: fc.boolean(),
      trailers: fc.array(fc.tuple(fc.constantFrom("X-T", "Checksum"), fieldValue), {
        maxLength: 2,
      }),
      headers: fc.array(fc.tuple(fc.constantFrom(...FIELD_NAMES), fieldValue), { maxLength: 4 }),
      query: fc.array(tokenChar, { maxLength: 8 }).map((cs) => cs.join("")),
    })
    .map((r) => {
      const framing = r.method === "HEAD" ? "none" : r.framing;
      const body = framing === "none" ? Buffer.alloc(0) : Buffer.from(r.body);
      const chunks: number[] = [];
      let left = body.length;
      for (const cut of r.cuts) {
        if (left <= cut) break;
        chunks.push(cut);
        left -= cut;
      }
      if (left > 0) chunks.push(left);
      return {
        method: r.method,
        target: `/${r.streamed ? "s" : "r"}${index}${r.query ? `?${r.query}` : ""}`,
        framing,
        body,
        chunks,
        extensions: r.extensions,
        trailers: r.trailers,
        headers: r.headers,
      };
    });

function serialise(req: ModelRequest, close: boolean): Buffer {
  let head = `${req.method} ${req.target} HTTP/1.1\r\nHost: fuzz\r\n`;
  for (const [n, v] of req.headers) head += `${n}: ${v}\r\n`;
  if (close) head += "Connection: close\r\n";
  if (req.framing === "length") head += `Content-Length: ${req.body.length}\r\n`;
  if (req.framing !== "chunked") {
    return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), req.body]);
  }
  head += "Transfer-Encoding: chunked\r\n\r\n";
  const parts: Buffer[] = [Buffer.from(head, "latin1")];
  let at = 0;
  for (const size of req.chunks) {
    const ext = req.extensions ? ';ext="a b";x=1' : "";
    parts.push(Buffer.from(`${size.toString(16)}${ext}\r\n`, "latin1"));
    parts.push(req.body.subarray(at, at + size));
    parts.push(Buffer.from("\r\n"));
    at += size;
  }
  let tail = "0\r\n";
  for (const [n, v] of req.trailers) tail += `${n}: ${v}\r\n`;
  parts.push(Buffer.from(`${tail}\r\n`, "latin1"));
  return Buffer.concat(parts);
}

const streamArb = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => requestArb(i))));

/** Bytes that parsers treat specially: a mutation from this set reaches the edge cases. */
const SPECIAL = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x00, 0x3b, 0x2c, 0x30, 0x66, 0x7f, 0xff, 0x22];
const byteArb = fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 255 }));

type Mutation =
  | { kind: "set"; at: number; byte: number }
  | { kind: "insert"; at: number; bytes: number[] }
  | { kind: "delete"; at: number; length: number }
  | { kind: "repeat"; at: number; length: number }
  | { kind: "truncate"; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.record({
      kind: fc.constant("set" as const),
      at: fc.double({ min: 0, max: 1 }),
      byte: byteArb,
    }),
    fc.record({
      kind: fc.constant("insert" as const),
      at: fc.double({ min: 0, max: 1 }),
      bytes: fc.array(byteArb, { minLength: 1, maxLength: 6 }),
    }),
    fc.record({
      kind: fc.constant("delete" as const),
      at: fc.double({ min: 0, max: 1 }),
      length: fc.integer({ min: 1, max: 8 }),
    }),
    fc.record({
      kind: fc.constant("repeat" as const),
      at: fc.double({ min: 0, max: 1 }),
      length: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({ kind: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1 }) }),
  )
  .map((m) => ({ ...m, at: Number.isNaN(m.at) ? 0 : m.at }) as Mutation);

function mutate(bytes: Buffer, mutations: Mutation[]): Buffer {
  let out = bytes;
  for (const m of mutations) {
    const at = Math.min(out.length, Math.floor(m.at * out.length));
    switch (m.kind) {
      case "set":
        if (at < out.length) {
          out = Buffer.from(out);
          out[at] = m.byte;
        }
        break;
      case "insert":
        out = Buffer.concat([out.subarray(0, at), Buffer.from(m.bytes), out.subarray(at)]);
        break;
      case "delete":
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
        break;
      case "repeat":
        out = Buffer.concat([out.subarray(0, at + m.length), out.subarray(at)]);
        break;
      case "truncate":
        out = out.subarray(0, at);
        break;
    }
  }
  return out;
}

/** Cuts `bytes` into writes at the given fractions. */
function cut(bytes: Buffer, fractions: number[]): Buffer[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))]
    .filter((p) => p > 0 && p < bytes.length)
    .sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

const handler = (req: ServerRequest, res: ServerResponse): void | Promise<void> => {
  const tag = `${req.method} ${req.target}`;
  // Tells the wire reader which responses have no body, whatever a mutation did to methods.
  res.setHeader("X-Method", req.method);
  if (!req.hasBody) {
    res.end(`${tag} 0`);
    return;
  }
  if (req.target.startsWith("/s")) {
    let n = 0;
    req.ondata = (c) => {
      n += c.byteLength;
    };
    req.onend = () => res.end(`${tag} ${n}`);
    return;
  }
  return req.body().then(
    (b) => res.end(`${tag} ${b.length}`),
    () => {
      // the client left or the body was refused: the server answers (or has closed) itself
    },
  );
};

/** The request's method as the handler echoed it; the server's own answers are not HEAD's. */
const methodOf = (res: WireResponse): string => field(res, "x-method") ?? "GET";

/**
 * What every connection must satisfy, whatever was sent: only whole valid responses; an
 * error response is the last one, says close, and the server then closes.
 */
function checkStructure(ex: Exchange, statuses: Set<number>): void {
  const { responses, rest } = readResponses(ex.data, methodOf, ex.closedByServer);
  for (const r of responses) statuses.add(r.status);
  const context = () => JSON.stringify(ex.data.toString("latin1").slice(0, 400));
  if (ex.closedByServer) assert.equal(rest.length, 0, `a response cut short: ${context()}`);
  responses.forEach((r, i) => {
    if (r.status >= 400) {
      assert.equal(i, responses.length - 1, `a response after an error: ${context()}`);
      assert.ok(saysClose(r), `an error without Connection: close: ${context()}`);
      assert.ok(ex.closedByServer, `the server kept the connection after ${r.status}`);
    } else {
      assert.equal(r.status, 200, context());
    }
  });
}

describe("http server: random and mutated byte streams", () => {
  let server: HttpServer;
  let port: number;
  const errors: unknown[] = [];
  before(() => {
    ({ server, port } = startServer(handler, {
      onError: (err) => errors.push(err),
      maxBodySize: 4096,
      limits: { maxHeaderBytes: 4096 },
    }));
  });
  after(() => server.close());

  async function stillServes(): Promise<void> {
    const ex = await exchange(port, [GET("/alive", "Connection: close\r\n")]);
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.status, 200);
    assert.equal(responses[0]!.body.toString(), "GET /alive 0");
  }

  it("answers valid streams cut into any writes exactly and in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            streamArb,
            fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
          ),
          { minLength: 4, maxLength: 4 },
        ),
        async (batch) => {
          await Promise.all(
            batch.map(async ([reqs, fractions]) => {
              const bytes = Buffer.concat(reqs.map((r, i) => serialise(r, i === reqs.length - 1)));
              const ex = await exchange(port, cut(bytes, fractions), { idleMs: 3000, gapMs: 2 });
              const methods = reqs.map((r) => r.method);
              const { responses, rest } = readResponses(ex.data, methods, ex.closedByServer);
              assert.ok(ex.closedByServer, "Connection: close on the last request closes");
              assert.equal(rest.length, 0);
              assert.equal(responses.length, reqs.length);
              responses.forEach((res, i) => {
                const req = reqs[i]!;
                const expected = `${req.method} ${req.target} ${req.body.length}`;
                assert.equal(res.status, 200);
                assert.equal(field(res, "content-length"), String(expected.length));
                assert.equal(res.body.toString("latin1"), req.method === "HEAD" ? "" : expected);
              });
            }),
          );
        },
      ),
      { numRuns: 12 * SCALE, endOnFailure: true },
    );
    assert.deepEqual(errors, []);
    await stillServes();
  });

  it("survives mutated streams: whole responses, errors last with close", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(streamArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.boolean()),
          { minLength: 6, maxLength: 6 },
        ),
        async (batch) => {
          await Promise.all(
            batch.map(async ([reqs, mutations, halfClose]) => {
              const bytes = mutate(Buffer.concat(reqs.map((r) => serialise(r, false))), mutations);
              const ex = await exchange(port, [bytes], { idleMs: 250, endAfter: halfClose });
              checkStructure(ex, statuses);
            }),
          );
        },
      ),
      { numRuns: 15 * SCALE, endOnFailure: true },
    );
    // The streams reached both sides: requests answered and requests refused.
    assert.ok(statuses.has(200) && statuses.has(400), `statuses seen: ${[...statuses]}`);
    assert.deepEqual(errors, []);
    await stillServes();
  });

  it("survives random bytes, alone and after a valid request", async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.boolean(), fc.boolean()),
          { minLength: 8, maxLength: 8 },
        ),
        async (batch) => {
          await Promise.all(
            batch.map(async ([noise, afterValid, halfClose]) => {
              const prefix = afterValid ? GET("/first") : "";
              const bytes = Buffer.concat([Buffer.from(prefix), Buffer.from(noise)]);
              const ex = await exchange(port, [bytes], { idleMs: 250, endAfter: halfClose });
              checkStructure(ex, statuses);
              if (afterValid) {
                const { responses } = readResponses(ex.data, ["GET"], ex.closedByServer);
                assert.equal(responses[0]?.status, 200, "the valid request is answered");
                assert.equal(responses[0]?.body.toString(), "GET /first 0");
              }
            }),
          );
        },
      ),
      { numRuns: 10 * SCALE, endOnFailure: true },
    );
    assert.ok(statuses.has(400), `statuses seen: ${[...statuses]}`);
    assert.deepEqual(errors, []);
    await stillServes();
  });

  it("lets every fuzzed connection go: no connection is left open", async () => {
    await waitFor(() => server.connectionCount === 0, "connectionCount back to 0");
  });
});
