/**
 * Handlers and clients that do awkward things: 100-continue with a body the server refuses,
 * bodies given to responses that can't have one, writes after end(), handlers that never
 * answer while the client leaves, handlers that fail halfway through a response. After each,
 * the bytes on the wire still frame exactly, so the next pipelined response is intact.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { startServer } from "../server/_util.js";
import { exchange, field, GET, readResponses, saysClose, sleep, waitFor } from "./_helpers.js";

const SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n";

describe("http server: 100-continue and body limits", () => {
  it("answers 413 without 100 Continue to a Content-Length over maxBodySize, never reading the body", async () => {
    const seen: string[] = [];
    const { server, port } = startServer(
      async (req, res) => {
        seen.push(req.path);
        res.end(`read ${(await req.body()).length}`);
      },
      { maxBodySize: 100 },
    );
    // The client sends its body anyway (it is allowed to, after a wait): it holds a request.
    const body = SMUGGLED.repeat(10);
    const head = `POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`;
    const ex = await exchange(port, [head, body], { gapMs: 50 });
    const { responses, rest } = readResponses(ex.data, [], ex.closedByServer);
    assert.equal(rest.length, 0);
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.status, 413);
    assert.deepEqual(responses[0]!.interim, [], "no 100 Continue for a refused body");
    assert.ok(saysClose(responses[0]!));
    assert.ok(ex.closedByServer);
    assert.deepEqual(seen, [], "the handler never ran and nothing in the body was parsed");
    await server.close();
  });

  it("sends one 100 Continue before the final response when the body is accepted", async () => {
    const { server, port } = startServer(async (req, res) => {
      res.end(`read ${(await req.body()).length}`);
    });
    const head = "PUT /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    const ex = await exchange(port, [head, "abcde", GET("/next", "Connection: close\r\n")], {
      gapMs: 50,
    });
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    assert.equal(responses.length, 2);
    assert.deepEqual(responses[0]!.interim, [100]);
    assert.equal(responses[0]!.body.toString(), "read 5");
    assert.deepEqual(responses[1]!.interim, []);
    await server.close();
  });

  it("refuses a chunked upload that outgrows maxBodySize and parses nothing after it", async () => {
    const seen: string[] = [];
    const { server, port } = startServer(
      async (req, res) => {
        seen.push(req.path);
        try {
          res.end(`read ${(await req.body()).length}`);
        } catch {
          // the server answers 413 itself
        }
      },
      { maxBodySize: 100 },
    );
    const chunk = `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n`;
    const ex = await exchange(port, [
      `POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.repeat(5)}0\r\n\r\n${SMUGGLED}`,
    ]);
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    assert.deepEqual(
      responses.map((r) => r.status),
      [413],
    );
    assert.ok(ex.closedByServer);
    assert.deepEqual(seen, ["/up"]);
    await server.close();
  });
});

describe("http server: bodies where none may go", () => {
  const bodyless = () =>
    startServer((req, res) => {
      switch (req.path) {
        case "/head-write":
          res.write("body written to a HEAD response");
          res.end("and more");
          return;
        case "/head-end":
          res.end("0123456789");
          return;
        case "/204-end":
          res.status = 204;
          res.end("no body allowed");
          return;
        case "/204-write":
          res.status = 204;
          res.write("no body allowed");
          res.end("at all");
          return;
        case "/304-end":
          res.status = 304;
          res.setHeader("ETag", '"v1"');
          res.end("no body allowed");
          return;
        case "/304-write":
          res.status = 304;
          res.write("no body allowed");
          res.end();
          return;
        default:
          res.end(`next ${req.path}`);
      }
    });

  const cases: Array<[string, string]> = [
    ["HEAD", "/head-write"],
    ["HEAD", "/head-end"],
    ["GET", "/204-end"],
    ["GET", "/204-write"],
    ["GET", "/304-end"],
    ["GET", "/304-write"],
  ];
  for (const [method, path] of cases) {
    it(`${method} ${path}: no body bytes, and the next pipelined response is intact`, async () => {
      const { server, port } = bodyless();
      const ex = await exchange(port, [
        `${method} ${path} HTTP/1.1\r\nHost: t\r\n\r\n${GET("/after", "Connection: close\r\n")}`,
      ]);
      const { responses, rest } = readResponses(ex.data, [method, "GET"], ex.closedByServer);
      assert.equal(rest.length, 0, JSON.stringify(ex.data.toString("latin1")));
      assert.equal(responses.length, 2);
      assert.equal(responses[0]!.body.length, 0);
      assert.equal(responses[1]!.body.toString(), "next /after");
      assert.doesNotMatch(ex.data.toString("latin1"), /allowed|written|0123/);
      if (responses[0]!.status === 204) {
        assert.equal(field(responses[0]!, "content-length"), undefined);
        assert.equal(field(responses[0]!, "transfer-encoding"), undefined);
      }
      if (path === "/head-end") assert.equal(field(responses[0]!, "content-length"), "10");
      await server.close();
    });
  }
});

describe("http server: misuse by handlers", () => {
  it("write() after end() throws and puts nothing on the wire, sync or later", async () => {
    const thrown: unknown[] = [];
    const errors: unknown[] = [];
    const { server, port } = startServer(
      async (req, res) => {
        res.end(`done ${req.path}`);
        try {
          res.write("late sync");
        } catch (err) {
          thrown.push(err);
        }
        await sleep(5);
        res.write("late async"); // throws into the server's onError
      },
      { onError: (err) => errors.push(err) },
    );
    const ex = await exchange(port, [GET("/a") + GET("/b", "Connection: close\r\n")]);
    const { responses, rest } = readResponses(ex.data, [], ex.closedByServer);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      responses.map((r) => r.body.toString()),
      ["done /a", "done /b"],
    );
    assert.doesNotMatch(ex.data.toString(), /late/);
    assert.equal(thrown.length, 2);
    assert.ok(thrown.every((e) => e instanceof Error));
    await waitFor(() => errors.length === 2, "the late async writes reported");
    await server.close();
  });

  it("a handler that fails after its head is out gets its connection cut, never a false end", async () => {
    const { server, port } = startServer(
      async (_req, res) => {
        res.write("partial ");
        await sleep(5);
        throw new Error("handler failed halfway");
      },
      { onError: () => {} },
    );
    const ex = await exchange(port, [GET("/") + GET("/second")]);
    assert.ok(ex.closedByServer);
    const { responses, rest } = readResponses(ex.data, [], true);
    // The chunked body never got its last chunk: no complete response, no second response.
    assert.equal(responses.length, 0);
    assert.match(rest.toString(), /^HTTP\/1\.1 200 OK\r\n[\s\S]*partial /);
    assert.doesNotMatch(rest.toString(), /0\r\n\r\n$/);
    await server.close();
  });

  it("a handler that never answers: the client leaves, the signal fires, nothing is left", async () => {
    const aborted: string[] = [];
    const { server, port } = startServer((req) => {
      req.signal.addEventListener("abort", () => aborted.push(req.path));
    });
    const socks: net.Socket[] = [];
    for (let i = 0; i < 10; i++) {
      const sock = net.connect(port, "127.0.0.1");
      sock.on("error", () => {});
      sock.write(GET(`/never${i}`) + GET(`/queued${i}`));
      socks.push(sock);
    }
    await waitFor(() => server.requestCount === 20, "20 requests read");
    assert.equal(server.connectionCount, 10);
    for (const [i, sock] of socks.entries()) {
      if (i % 2 === 0) sock.destroy();
      else sock.end(); // a half-close counts as leaving, too
    }
    await waitFor(() => server.connectionCount === 0, "every connection gone");
    assert.deepEqual(
      aborted.sort(),
      Array.from({ length: 10 }, (_, i) => [`/never${i}`, `/queued${i}`])
        .flat()
        .sort(),
    );
    for (const s of socks) s.destroy();
    await server.close(); // resolves: nothing is left to wait for
  });

  it("a late end() from a handler whose client left is dropped without error", async () => {
    const errors: unknown[] = [];
    let finished = false;
    const { server, port } = startServer(
      async (req, res) => {
        await new Promise((r) => req.signal.addEventListener("abort", r));
        res.setHeader("X-Late", "1");
        res.write("late");
        res.end("late");
        finished = true;
      },
      { onError: (err) => errors.push(err) },
    );
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    sock.write(GET());
    await waitFor(() => server.requestCount === 1, "request read");
    sock.destroy();
    await waitFor(() => finished, "the handler finished");
    await waitFor(() => server.connectionCount === 0, "connection gone");
    assert.deepEqual(errors, []);
    await server.close();
  });
});
