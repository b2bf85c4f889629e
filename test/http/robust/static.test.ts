/**
 * Static files under stress: a file truncated while it is being sent (the connection must
 * be cut, never padded or finished with wrong bytes), and many concurrent range requests,
 * single and multipart, pipelined on many connections, each checked byte for byte.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { type HttpServer, serveStatic } from "../../../src/http/index.js";
import { startServer } from "../server/_util.js";
import { openFdCount, parseMultipart } from "../static/_helpers.js";
import { exchange, field, readResponses, sleep, waitFor } from "./_helpers.js";

/** Bytes that differ at every offset modulo a large prime, so a misplaced slice shows. */
function pattern(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + Math.floor(i / 65521)) & 0xff;
  return out;
}

interface Range {
  start: number;
  end: number;
}

/** The ranges a request names, resolved against `size`, sorted and merged (RFC 9110 14.1.2). */
function expectedRanges(specs: Array<[number | null, number | null]>, size: number): Range[] {
  const resolved: Range[] = [];
  for (const [a, b] of specs) {
    if (a === null) resolved.push({ start: Math.max(0, size - b!), end: size - 1 });
    else resolved.push({ start: a, end: Math.min(b ?? size - 1, size - 1) });
  }
  resolved.sort((x, y) => x.start - y.start);
  const merged: Range[] = [];
  for (const r of resolved) {
    const last = merged.at(-1);
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

function rangeHeader(specs: Array<[number | null, number | null]>): string {
  return `bytes=${specs.map(([a, b]) => (a === null ? `-${b}` : `${a}-${b ?? ""}`)).join(",")}`;
}

describe("static files: a file truncated while it is sent", () => {
  let dir: string;
  let server: HttpServer;
  let port: number;
  const SIZE = 48 * 1024 * 1024;
  const content = pattern(SIZE);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "evnet-robust-static-"));
    writeFileSync(join(dir, "big.bin"), content);
    ({ server, port } = startServer(serveStatic({ root: dir })));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("cuts the connection rather than send bytes the file no longer has", async () => {
    const fdsBefore = openFdCount();
    const sock = net.connect(port, "127.0.0.1");
    const parts: Buffer[] = [];
    let received = 0;
    let closed = false;
    let holding = true;
    sock.on("data", (d: Buffer) => {
      parts.push(d);
      received += d.length;
      if (holding && received > 1024 * 1024) sock.pause();
    });
    sock.on("error", () => {});
    sock.on("close", () => {
      closed = true;
    });
    sock.write("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
    await waitFor(() => received > 1024 * 1024, "the first MiB");
    // The kernel buffers fill and the server's sendfile waits; now the file shrinks.
    await sleep(50);
    truncateSync(join(dir, "big.bin"), 2 * 1024 * 1024);
    holding = false;
    sock.resume();
    await waitFor(() => closed, "the server cuts the connection", 5000);
    const data = Buffer.concat(parts);
    const headEnd = data.indexOf("\r\n\r\n");
    const head = data.subarray(0, headEnd).toString("latin1");
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, new RegExp(`\r\nContent-Length: ${SIZE}(\r\n|$)`, "i"));
    const body = data.subarray(headEnd + 4);
    assert.ok(body.length < SIZE, `got ${body.length} of ${SIZE}: the response was not completed`);
    assert.ok(body.equals(content.subarray(0, body.length)), "every byte sent is the file's");
    // The descriptor of the cut response is closed too.
    await waitFor(() => server.connectionCount === 0, "connection gone");
    await waitFor(() => openFdCount() <= fdsBefore, "descriptors released");
    // Next request: the file as it is now.
    const ex = await exchange(port, [
      "GET /big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    ]);
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    assert.equal(responses[0]?.body.length, 2 * 1024 * 1024);
    writeFileSync(join(dir, "big.bin"), content);
  });
});

describe("static files: many concurrent range requests", () => {
  let dir: string;
  let server: HttpServer;
  let port: number;
  const SIZE = 300_001;
  const content = pattern(SIZE);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "evnet-robust-ranges-"));
    writeFileSync(join(dir, "data.bin"), content);
    ({ server, port } = startServer(serveStatic({ root: dir, maxRanges: 64 })));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 40 connections x 5 pipelined range requests byte for byte", async () => {
    const fdsBefore = openFdCount();
    const spec = fc.oneof(
      fc
        .tuple(fc.nat(SIZE - 1), fc.nat(SIZE + 1000))
        .map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]),
      fc.nat(SIZE - 1).map((a): [number, null] => [a, null]),
      fc.integer({ min: 1, max: SIZE + 10 }).map((n): [null, number] => [null, n]),
    );
    const requests = fc.sample(
      fc.array(fc.array(spec, { minLength: 1, maxLength: 6 }), {
        minLength: 5,
        maxLength: 5,
      }),
      { numRuns: 40, seed: 20261126 },
    );
    const results = await Promise.all(
      requests.map(async (perConnection) => {
        const stream = perConnection
          .map(
            (specs, i) =>
              `GET /data.bin HTTP/1.1\r\nHost: t\r\nRange: ${rangeHeader(specs)}\r\n` +
              `${i === perConnection.length - 1 ? "Connection: close\r\n" : ""}\r\n`,
          )
          .join("");
        return { perConnection, ex: await exchange(port, [stream], { idleMs: 5000 }) };
      }),
    );
    let multipart = 0;
    for (const { perConnection, ex } of results) {
      const { responses, rest } = readResponses(ex.data, [], ex.closedByServer);
      assert.equal(rest.length, 0);
      assert.equal(responses.length, perConnection.length);
      perConnection.forEach((specs, i) => {
        const res = responses[i]!;
        const want = expectedRanges(specs, SIZE);
        assert.equal(res.status, 206, rangeHeader(specs));
        if (want.length === 1) {
          const { start, end } = want[0]!;
          assert.equal(field(res, "content-range"), `bytes ${start}-${end}/${SIZE}`);
          assert.ok(res.body.equals(content.subarray(start, end + 1)), rangeHeader(specs));
        } else {
          multipart++;
          const parts = parseMultipart(res.body, field(res, "content-type") ?? "");
          assert.deepEqual(
            parts.map((p) => ({ start: p.start, end: p.end })),
            want,
          );
          for (const p of parts) {
            assert.equal(p.total, SIZE);
            assert.ok(p.data.equals(content.subarray(p.start, p.end + 1)));
          }
        }
      });
    }
    assert.ok(multipart > 20, `multipart responses checked: ${multipart}`);
    await waitFor(() => server.connectionCount === 0, "connections gone");
    await waitFor(() => openFdCount() <= fdsBefore, "file descriptors released");
  });
});
