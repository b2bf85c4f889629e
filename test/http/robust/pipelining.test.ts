/**
 * Pipelining under stress: many requests in one write with handlers that finish in any
 * order, a window of requests in flight that bounds what the server reads ahead, and a
 * client that pipelines without ever reading its responses.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as net from "node:net";
import { describe, it } from "node:test";
import { startServer } from "../server/_util.js";
import {
  CHUNKED,
  exchange,
  field,
  GET,
  gate,
  POST,
  readResponses,
  sleep,
  waitFor,
} from "./_helpers.js";

const sha = (b: Uint8Array | string) => createHash("sha1").update(b).digest("hex").slice(0, 12);

describe("http server: pipelining", () => {
  it("answers 150 pipelined requests from one write in order and whole (mixed handlers and bodies)", async () => {
    // i % 6: 0 sync, 1 async with a delay that makes later requests finish first,
    // 2 Content-Length body, 3 chunked body streamed with ondata, 4 HEAD, 5 chunked response.
    const { server, port } = startServer(async (req, res) => {
      const i = Number(req.path.slice(1));
      switch (i % 6) {
        case 0:
        case 4:
          res.end(`sync ${i}`);
          return;
        case 1:
          await sleep((150 - i) % 13);
          res.end(`async ${i}`);
          return;
        case 2: {
          const body = await req.body();
          res.end(`cl ${i} ${body.length} ${sha(body)}`);
          return;
        }
        case 3: {
          const hash = createHash("sha1");
          let n = 0;
          req.ondata = (c) => {
            hash.update(c);
            n += c.byteLength;
          };
          req.onend = () => res.end(`te ${i} ${n} ${hash.digest("hex").slice(0, 12)}`);
          return;
        }
        default:
          res.write(`chunked ${i}`);
          await sleep(i % 3);
          res.write(" and more");
          res.end();
      }
    });
    const N = 150;
    const methods: string[] = [];
    const expected: string[] = [];
    let stream = "";
    for (let i = 0; i < N; i++) {
      const body = `body-${i}-${"x".repeat(i * 7)}`;
      const last = i === N - 1 ? "Connection: close\r\n" : "";
      methods.push(i % 6 === 4 ? "HEAD" : i % 6 === 2 || i % 6 === 3 ? "POST" : "GET");
      switch (i % 6) {
        case 0:
          stream += GET(`/${i}`, last);
          expected.push(`sync ${i}`);
          break;
        case 1:
          stream += GET(`/${i}`, last);
          expected.push(`async ${i}`);
          break;
        case 2:
          stream += POST(`/${i}`, body, last);
          expected.push(`cl ${i} ${body.length} ${sha(body)}`);
          break;
        case 3:
          stream += CHUNKED(`/${i}`, body, last);
          expected.push(`te ${i} ${body.length} ${sha(body)}`);
          break;
        case 4:
          stream += `HEAD /${i} HTTP/1.1\r\nHost: t\r\n${last}\r\n`;
          expected.push("");
          break;
        default:
          stream += GET(`/${i}`, last);
          expected.push(`chunked ${i} and more`);
      }
    }
    const ex = await exchange(port, [stream], { idleMs: 4000 });
    assert.ok(ex.closedByServer, "the last request's Connection: close ends it");
    const { responses, rest } = readResponses(ex.data, methods, true);
    assert.equal(rest.length, 0);
    assert.equal(responses.length, N);
    assert.deepEqual(
      responses.map((r) => r.body.toString("latin1")),
      expected,
    );
    assert.ok(responses.every((r) => r.status === 200));
    // HEAD carries the GET's length, chunked responses are chunked.
    assert.equal(field(responses[4]!, "content-length"), String("sync 4".length));
    assert.equal(responses[5]!.framing, "chunked");
    assert.equal(server.requestCount, N);
    await server.close();
  });

  it("reads at most 64 requests ahead while handlers are busy, then the rest in order", async () => {
    const hold = gate();
    const { server, port } = startServer(async (req, res) => {
      await hold.promise;
      res.end(req.path);
    });
    const N = 300;
    let stream = "";
    for (let i = 0; i < N; i++) stream += GET(`/${i}`, i === N - 1 ? "Connection: close\r\n" : "");
    const done = exchange(port, [stream], { idleMs: 4000 });
    await waitFor(() => server.requestCount >= 64, "64 requests read");
    await sleep(100);
    // The rest waits in the kernel: the server stopped reading at its window.
    assert.equal(server.requestCount, 64);
    hold.open();
    const ex = await done;
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    assert.deepEqual(
      responses.map((r) => r.body.toString()),
      Array.from({ length: N }, (_, i) => `/${i}`),
    );
    await server.close();
  });

  it("stops reading from a client that pipelines and never reads, and cuts it after sendTimeout", async () => {
    const big = Buffer.alloc(64 * 1024, 0x61);
    const { server, port } = startServer((_req, res) => res.end(big), { sendTimeout: 300 });
    const N = 2000;
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    // Never read: the responses pile up in the kernel until the server's writes block.
    sock.pause();
    await new Promise<void>((resolve) => sock.on("connect", resolve));
    sock.write(GET().repeat(N));
    await waitFor(() => server.connectionsAccepted === 1, "accepted");
    await waitFor(() => server.connectionCount === 0, "the connection cut by sendTimeout", 5000);
    // 2000 responses are 128 MiB: the kernel's buffers hold a few MiB, so the server must
    // have stopped reading requests once its writes blocked.
    assert.ok(server.requestCount < N / 2, `requests read: ${server.requestCount}`);
    sock.destroy();
    const ok = await exchange(port, [GET("/", "Connection: close\r\n")], { idleMs: 3000 });
    const { responses } = readResponses(ok.data, [], ok.closedByServer);
    assert.equal(responses[0]?.status, 200);
    assert.equal(responses[0]?.body.length, big.length);
    await server.close();
  });

  it("cuts a never-reading client also when its requests trickle in after the block", async () => {
    // A second request arriving while the first response is blocked must not reset the
    // send timeout to a request timeout (or to none).
    const big = Buffer.alloc(8 * 1024 * 1024, 0x62);
    const { server, port } = startServer((_req, res) => res.end(big), { sendTimeout: 300 });
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    sock.pause();
    await new Promise<void>((resolve) => sock.on("connect", resolve));
    sock.write(GET());
    await waitFor(() => server.requestCount === 1, "first request read");
    for (let i = 0; i < 5 && server.connectionCount > 0; i++) {
      sock.write(GET());
      await sleep(40);
    }
    await waitFor(() => server.connectionCount === 0, "the connection cut by sendTimeout", 5000);
    sock.destroy();
    await server.close();
  });
});
