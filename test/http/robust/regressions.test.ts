// Regressions: bugs the robustness suite found in the server, each fixed; these failed before.
import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { createServer, type Handler, type ServerOptions, serve } from "../../../src/http/index.js";
import { exchange, GET, readResponses, sleep, waitFor } from "./_helpers.js";

const start = (h: Handler, o: ServerOptions = {}) => {
  const server = createServer(h, { onError: () => {}, ...o }).listen({
    host: "127.0.0.1",
    port: 0,
  });
  return { server, port: server.address().port };
};

describe("http server: regressions found by the robustness suite", () => {
  it("1: a request answered before its body is read leaves the connection busy forever", async () => {
    const { server, port } = start((_req, res) => res.end("early"), { keepAliveTimeout: 200 });
    const sock = net.connect(port, "127.0.0.1");
    let closed = false;
    sock.on("close", () => {
      closed = true;
    });
    sock.on("error", () => {});
    sock.resume(); // read the response, so that the server's FIN is seen
    sock.write("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
    // keepAliveTimeout is 200 ms: the idle kept-alive connection must be closed.
    await waitFor(() => closed, "keepAliveTimeout closes the idle connection", 2000);
    await server.close();
  });

  it("1b: ... and server.close() waits for forceAfter instead of closing it as idle", async () => {
    const { server, port } = start((_req, res) => res.end("early"));
    const ex = exchange(port, ["POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"], {
      idleMs: 3000,
    });
    await waitFor(() => server.requestCount === 1, "request read");
    await sleep(50);
    let closed = false;
    void server.close(60_000).then(() => {
      closed = true;
    });
    // The connection is idle (its only response is out): close() should end it at once.
    await waitFor(() => closed, "close() resolves without waiting for forceAfter", 2000);
    await ex;
  });

  it("2: a Content-Length shorter than the body lets the extra bytes forge a response", async () => {
    const { server, port } = start((req, res) => {
      if (req.path === "/a") {
        res.setHeader("Content-Length", "3");
        res.end("abcHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged");
      } else res.end("real");
    });
    const ex = await exchange(port, [GET("/a") + GET("/b", "Connection: close\r\n")]);
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    // end() refuses a body longer than the declared length: the handler gets a 500 and the
    // connection closes; no byte of the body (or of a forged response) reaches the wire.
    assert.deepEqual(
      responses.map((r) => r.status),
      [500],
    );
    assert.doesNotMatch(ex.data.toString("latin1"), /forged/);
    await server.close();
  });

  it("2b: a Content-Length longer than end()'s body keeps the connection: the next response becomes body", async () => {
    const { server, port } = start((req, res) => {
      if (req.path === "/a") {
        res.setHeader("Content-Length", "10");
        res.end("abc");
      } else res.end("real");
    });
    const ex = await exchange(port, [GET("/a") + GET("/b", "Connection: close\r\n")]);
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    // end() refuses a body shorter than the declared length: 500, then close.
    assert.deepEqual(
      responses.map((r) => r.status),
      [500],
    );
    await server.close();
  });

  it("3: Transfer-Encoding: chunked set by the handler + end(body) sends the body unchunked", async () => {
    const { server, port } = start((req, res) => {
      if (req.path === "/te") {
        res.setHeader("Transfer-Encoding", "chunked");
        res.end("abc");
      } else res.end("next");
    });
    const ex = await exchange(port, [GET("/te") + GET("/n", "Connection: close\r\n")]);
    const { responses } = readResponses(ex.data, [], ex.closedByServer); // throws: bad chunk line abcHTTP...
    assert.deepEqual(
      responses.map((r) => r.body.toString()),
      ["abc", "next"],
    );
    await server.close();
  });

  it("4: statusText with CR LF splits the response (low-level)", async () => {
    const { server, port } = start((_req, res) => {
      try {
        res.statusText = "OK\r\nSet-Cookie: evil=1";
        res.end("x");
      } catch {
        res.statusText = undefined;
        res.end("refused");
      }
    });
    const ex = await exchange(port, [GET("/", "Connection: close\r\n")]);
    assert.doesNotMatch(ex.data.toString("latin1"), /\r\nSet-Cookie: evil=1\r\n/);
    await server.close();
  });

  it("4b: statusText with CR LF splits the response (serve + LightResponse; undici's Response refuses it)", async () => {
    const s = serve({
      host: "127.0.0.1",
      port: 0,
      onError: () => {},
      fetch: () => new Response("x", { statusText: "OK\r\nSet-Cookie: evil=1" }),
    });
    const ex = await exchange(s.port, [GET("/", "Connection: close\r\n")]);
    assert.doesNotMatch(ex.data.toString("latin1"), /\r\nSet-Cookie: evil=1\r\n/);
    await s.close();
  });

  it("5: serve({fetch}): a stream is not cancelled when the client leaves before its 2nd chunk", async () => {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const s = serve({
      host: "127.0.0.1",
      port: 0,
      onError: () => {},
      fetch: () =>
        new Response(
          new ReadableStream({
            start(c: ReadableStreamDefaultController<Uint8Array>) {
              c.enqueue(new TextEncoder().encode("first\n"));
              timer = setInterval(() => c.enqueue(new TextEncoder().encode("tick\n")), 200);
            },
            cancel() {
              cancelled = true;
              clearInterval(timer);
            },
          }),
        ),
    });
    const sock = net.connect(s.port, "127.0.0.1");
    sock.on("error", () => {});
    sock.write(GET());
    await waitFor(() => s.server.requestCount === 1, "request read");
    await sleep(50);
    sock.destroy(); // before the interval's first tick
    try {
      await waitFor(() => cancelled, "cancel() called", 1500);
    } finally {
      clearInterval(timer);
      await s.close(200);
    }
  });

  it("6: graceful close: a request whose head is arriving at close() is never answered", async () => {
    const { server, port } = start((req, res) => res.end(`hi ${req.path}`));
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    sock.on("data", (d: Buffer) => {
      got += d.toString("latin1");
    });
    sock.on("error", () => {});
    sock.write("GET /partial HTTP/1.1\r\nHo");
    await waitFor(() => server.connectionsAccepted === 1, "accepted");
    await sleep(50);
    const closed = server.close(1500);
    await sleep(50);
    sock.write("st: t\r\n\r\n");
    await closed;
    sock.destroy();
    // Either an answer (with Connection: close) or an immediate close; here: silence, then the cut after forceAfter.
    assert.match(got, /^HTTP\/1\.1 200 OK[\s\S]*hi \/partial$/);
  });

  it("1c: a response sent before the body ends, then a body over maxBodySize: two responses to one request", async () => {
    const { server, port } = start((req, res) => res.end(`early ${req.path}`), { maxBodySize: 10 });
    const ex = await exchange(
      port,
      [
        "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        `8\r\n12345678\r\n0\r\n\r\n${GET("/next")}`,
      ],
      { gapMs: 50 },
    );
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    // A client that pipelined /next now takes the 413 as /next's answer.
    assert.deepEqual(
      responses.map((r) => r.status),
      [200],
    );
    await server.close();
  });

  it("7: 100 Continue for a pipelined request goes out before the earlier response", async () => {
    const { server, port } = start(async (req, res) => {
      if (req.path === "/slow") {
        await sleep(100);
        res.end("slow");
        return;
      }
      res.end(`up ${(await req.body()).length}`);
    });
    const ex = await exchange(
      port,
      [
        GET("/slow") +
          "POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\n",
        "abc",
      ],
      { gapMs: 20 },
    );
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    assert.deepEqual(
      responses.map((r) => r.interim),
      [[], [100]],
    );
    await server.close();
  });
});
