/**
 * Regressions found in review and fixed (each test states the documented behaviour it checks).
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import * as net from "node:net";
import { describe, it } from "node:test";
import { NativeResponse } from "../../../src/http/fetch/response.js";
import { createServer, serve } from "../../../src/http/index.js";

function collect(
  port: number,
  request: string,
  onSocket?: (s: net.Socket) => void,
): Promise<{ text: string; error: string | null }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    const parts: Buffer[] = [];
    let error: string | null = null;
    sock.on("data", (d: Buffer) => parts.push(d));
    sock.on("error", (e) => {
      error = (e as NodeJS.ErrnoException).code ?? e.message;
    });
    sock.on("close", () => resolve({ text: Buffer.concat(parts).toString("latin1"), error }));
    sock.write(request);
    onSocket?.(sock);
  });
}

describe("http: regressions found in review", () => {
  it("sendTimeout does not cut a client that keeps reading a large response", async () => {
    const size = 48 * 1024 * 1024;
    const body = Buffer.alloc(size, 0x61);
    const server = createServer((_req, res) => res.end(body), {
      sendTimeout: 300,
      onError: () => {},
    });
    server.listen({ host: "127.0.0.1", port: 0 });
    const port = server.address().port;
    let got = 0;
    const result = await new Promise<string | null>((resolve) => {
      const sock = net.connect(port, "127.0.0.1");
      sock.on("data", (d: Buffer) => {
        got += d.length;
        // a slow but steady reader: one chunk, a short pause, the next chunk
        sock.pause();
        setTimeout(() => sock.resume(), 2);
        if (got >= size) sock.end();
      });
      sock.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
      sock.on("close", () => resolve(null));
      sock.write("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    });
    await server.close(100);
    assert.ok(got > size, `received ${got} of ${size} body bytes (socket: ${result})`);
  });

  it("a malformed chunked body settles the handler's req.body() and fires its signal", async () => {
    let settled = "pending";
    let aborted = false;
    const server = createServer(
      async (req, res) => {
        req.signal.addEventListener("abort", () => {
          aborted = true;
        });
        try {
          await req.body();
          settled = "resolved";
        } catch (err) {
          settled = `rejected ${(err as { code?: string }).code}`;
        }
        res.end("x");
      },
      { onError: () => {} },
    );
    server.listen({ host: "127.0.0.1", port: 0 });
    const { text } = await collect(
      server.address().port,
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n",
    );
    await server.close(100);
    await new Promise((r) => setTimeout(r, 50));
    assert.match(text, /^HTTP\/1\.1 400/);
    assert.deepEqual({ settled, aborted }, { settled: "rejected CLIENT_GONE", aborted: true });
  });

  it("serve({fetch}): HEAD gets the Content-Length GET would get (native Response)", async () => {
    const s = serve({
      host: "127.0.0.1",
      port: 0,
      lightResponse: false,
      onError: () => {},
      fetch: () => new NativeResponse("hello"),
    });
    const get = await collect(s.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    const head = await collect(s.port, "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    await s.close(100);
    const length = (t: string) => /content-length: (\d+)/i.exec(t)?.[1];
    assert.equal(length(get.text), "5");
    assert.equal(length(head.text), "5");
  });

  it("serve({fetch}): a long stream with many backpressure waits does not pile up abort listeners", async () => {
    let listenersAtEnd = -1;
    const chunk = new Uint8Array(256 * 1024).fill(0x62);
    let left = 64;
    const s = serve({
      host: "127.0.0.1",
      port: 0,
      onError: () => {},
      fetch: (request) =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull(c) {
                if (left-- > 0) c.enqueue(chunk);
                else {
                  listenersAtEnd = getEventListeners(request.signal, "abort").length;
                  c.close();
                }
              },
            },
            { highWaterMark: 0 },
          ),
        ),
    });
    await collect(s.port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", (sock) => {
      sock.on("data", () => {
        sock.pause();
        setTimeout(() => sock.resume(), 1);
      });
    });
    await s.close(100);
    // one listener (the stream's cancel) is expected while streaming; one per drain wait is a leak
    assert.ok(listenersAtEnd >= 0 && listenersAtEnd <= 2, `${listenersAtEnd} abort listeners`);
  });
});
