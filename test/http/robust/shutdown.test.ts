/**
 * Graceful shutdown under load: close() while many requests are in flight on many
 * connections (single, pipelined, an upload still arriving, large responses still flushing,
 * idle keep-alive connections). Every accepted request gets its whole response, no new
 * connection is accepted, and close() resolves once the last connection is gone.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { startServer } from "../server/_util.js";
import { type Exchange, exchange, GET, gate, readResponses, waitFor } from "./_helpers.js";

const BIG = 256 * 1024;

/** Resolves with what close() did within `ms`, or "pending". */
function settleWithin(p: Promise<void>, ms: number): Promise<"resolved" | "pending"> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("pending"), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve("resolved");
    });
  });
}

describe("http server: graceful shutdown under load", () => {
  it("close() with 50+ requests in flight: each gets its whole response, then close() resolves", async () => {
    const hold = gate();
    const { server, port } = startServer(async (req, res) => {
      if (req.hasBody) {
        const body = await req.body();
        await hold.promise;
        res.end(`upload ${body.length}`);
        return;
      }
      await hold.promise;
      if (req.path.startsWith("/big")) res.end(Buffer.alloc(BIG, 0x7a));
      else res.end(`done ${req.path}`);
    });

    // One idle kept-alive connection: close() ends it at once.
    const idle = net.connect(port, "127.0.0.1");
    idle.on("error", () => {});
    let idleClosed = false;
    idle.on("close", () => {
      idleClosed = true;
    });

    const singles: Array<Promise<Exchange>> = [];
    for (let i = 0; i < 40; i++) {
      const path = i % 4 === 0 ? `/big${i}` : `/s${i}`;
      singles.push(exchange(port, [GET(path)], { idleMs: 5000 }));
    }
    let pipelined = "";
    for (let i = 0; i < 10; i++) pipelined += GET(`/p${i}`);
    const pipe = exchange(port, [pipelined], { idleMs: 5000 });
    await waitFor(() => server.requestCount === 50, "50 requests in flight");

    // An upload whose head and half its body are in when close() is called.
    const upload = net.connect(port, "127.0.0.1");
    const uploadData: Buffer[] = [];
    upload.on("data", (d) => uploadData.push(d));
    upload.on("error", () => {});
    const uploadClosed = new Promise<void>((r) => upload.on("close", () => r()));
    upload.write(`POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n${"u".repeat(1000)}`);
    await waitFor(() => server.requestCount === 51, "the upload's head read");
    assert.equal(server.connectionCount, 40 + 1 + 1 + 1);

    const closed = server.close(20_000);
    await waitFor(() => idleClosed, "the idle connection closed at once");
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.on("error", () => resolve(true));
      s.on("connect", () => {
        s.destroy();
        resolve(false);
      });
    });
    assert.ok(refused, "no connection accepted after close()");
    assert.equal(await settleWithin(closed, 50), "pending", "requests are still in flight");

    upload.write("u".repeat(1000));
    hold.open();

    for (const [i, ex] of (await Promise.all(singles)).entries()) {
      assert.ok(ex.closedByServer, `connection ${i} closed after its response`);
      const { responses, rest } = readResponses(ex.data, [], true);
      assert.equal(rest.length, 0);
      assert.equal(responses.length, 1);
      assert.equal(responses[0]!.status, 200);
      if (i % 4 === 0) assert.equal(responses[0]!.body.length, BIG);
      else assert.equal(responses[0]!.body.toString(), `done /s${i}`);
    }
    const p = await pipe;
    const { responses: pipeResponses } = readResponses(p.data, [], true);
    assert.deepEqual(
      pipeResponses.map((r) => r.body.toString()),
      Array.from({ length: 10 }, (_, i) => `done /p${i}`),
    );
    await uploadClosed;
    const { responses: up } = readResponses(Buffer.concat(uploadData), [], true);
    assert.equal(up[0]?.body.toString(), "upload 2000");

    assert.equal(await settleWithin(closed, 5000), "resolved");
    assert.equal(server.connectionCount, 0);
    idle.destroy();
  });

  it("close() cuts what is still running after forceAfter and resolves", async () => {
    const { server, port } = startServer(() => {
      // never answers
    });
    const ex = exchange(port, [GET()], { idleMs: 5000 });
    await waitFor(() => server.requestCount === 1, "request read");
    const closed = server.close(200);
    assert.equal(await settleWithin(closed, 5000), "resolved");
    const result = await ex;
    assert.ok(result.closedByServer);
    assert.equal(result.data.length, 0, "no made-up response");
    assert.equal(server.connectionCount, 0);
  });
});
