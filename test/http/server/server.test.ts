import assert from "node:assert/strict";
import * as http from "node:http";
import * as net from "node:net";
import { describe, it } from "node:test";
import { GET, raw, startServer, statuses } from "./_util.js";

const hello = () =>
  startServer((req, res) => {
    res.setHeader("Content-Type", "text/plain");
    res.end(`hello ${req.method} ${req.target}`);
  });

describe("http server: basics", () => {
  it("answers a GET with Content-Length, Date and the body", async () => {
    const { server, port } = hello();
    const text = await raw(port, GET("/x?y=1"), { end: true });
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(text, /\r\nContent-Length: 16\r\n/);
    assert.match(text, /\r\nDate: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/);
    assert.ok(text.endsWith("\r\n\r\nhello GET /x?y=1"));
    await server.close();
  });

  it("keeps a connection alive across requests (Node's http client with an agent)", async () => {
    const { server, port } = hello();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get({ port, host: "127.0.0.1", path: `/${i}`, agent }, (res) => {
            ports.push(res.socket.localPort!);
            let b = "";
            res.setEncoding("utf8");
            res.on("data", (d) => {
              b += d;
            });
            res.on("end", () => resolve(b));
          })
          .on("error", reject);
      });
      assert.equal(body, `hello GET /${i}`);
    }
    assert.equal(new Set(ports).size, 1, "one connection served all three");
    agent.destroy();
    await server.close();
  });

  it("answers pipelined requests in order even when the first finishes last", async () => {
    const { server, port } = startServer(async (req, res) => {
      if (req.path === "/slow") await new Promise((r) => setTimeout(r, 100));
      res.end(req.path);
    });
    const text = await raw(port, GET("/slow") + GET("/a") + GET("/b", "Connection: close\r\n"));
    const bodies = text
      .split(/\r\n\r\n/)
      .slice(1)
      .map((s) => s.split("HTTP/1.1")[0]);
    assert.deepEqual(bodies, ["/slow", "/a", "/b"]);
    assert.deepEqual(statuses(text), [200, 200, 200]);
    await server.close();
  });

  it("HTTP/1.0 closes by default and keeps alive when asked", async () => {
    const { server, port } = hello();
    const plain = await raw(port, "GET / HTTP/1.0\r\n\r\n");
    assert.match(plain, /\r\nConnection: close\r\n/);
    const kept = await raw(
      port,
      "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n",
    );
    assert.match(kept, /\r\nConnection: keep-alive\r\n/);
    assert.deepEqual(statuses(kept), [200, 200]);
    await server.close();
  });

  it("HEAD has the GET's headers and no body", async () => {
    const { server, port } = hello();
    const text = await raw(port, `HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n${GET("/after")}`, {
      end: true,
    });
    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    assert.match(first!, /Content-Length: 13\r\n\r\n$/);
    assert.match(second!, /hello GET \/after$/);
    await server.close();
  });

  it("streams a chunked response and reads a chunked request body", async () => {
    let trailers: string[] = [];
    const { server, port } = startServer(async (req, res) => {
      const body = await req.text();
      trailers = req.trailers;
      res.write(`got ${body.length}:`);
      res.write(body.toUpperCase());
      res.end();
    });
    const text = await raw(
      port,
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
      { end: true },
    );
    assert.match(text, /Transfer-Encoding: chunked\r\n/);
    assert.ok(
      text.endsWith("\r\n\r\n6\r\ngot 5:\r\n5\r\nABCDE\r\n0\r\n\r\n"),
      JSON.stringify(text),
    );
    assert.deepEqual(trailers, ["X-Trailer", "1"]);
    await server.close();
  });

  it("sends 100 Continue before reading a body the client holds back", async () => {
    const { server, port } = startServer(async (req, res) => {
      res.end(`len=${(await req.body()).length}`);
    });
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        port,
        host: "127.0.0.1",
        method: "PUT",
        headers: { Expect: "100-continue", "Content-Length": 4 },
      });
      req.on("continue", () => req.end("data"));
      req.on("response", (res) => {
        let b = "";
        res.on("data", (d) => {
          b += d;
        });
        res.on("end", () => resolve(b));
      });
      req.on("error", reject);
    });
    assert.equal(body, "len=4");
    await server.close();
  });

  it("a handler that throws gets a 500 and the connection closes", async () => {
    const { server, port } = startServer(() => {
      throw new Error("boom");
    });
    const text = await raw(port, GET());
    assert.match(text, /^HTTP\/1\.1 500 /);
    assert.match(text, /Connection: close/);
    await server.close();
  });

  it("refuses response header injection", async () => {
    let error: unknown;
    const { server, port } = startServer((_req, res) => {
      try {
        res.setHeader("X-A", "1\r\nSet-Cookie: evil=1");
      } catch (err) {
        error = err;
      }
      res.end("ok");
    });
    const text = await raw(port, GET(), { end: true });
    assert.ok(error instanceof TypeError);
    assert.doesNotMatch(text, /evil/);
    await server.close();
  });

  it("fires the request's AbortSignal when the client goes away", async () => {
    let aborted!: () => void;
    const sawAbort = new Promise<void>((r) => {
      aborted = r;
    });
    const { server, port } = startServer((req) => {
      req.signal.addEventListener("abort", () => aborted());
    });
    const sock = net.connect(port, "127.0.0.1");
    sock.write(GET());
    await new Promise((r) => setTimeout(r, 50));
    sock.destroy();
    await sawAbort;
    await server.close();
  });

  it("graceful close lets an in-flight request finish and refuses new connections", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { server, port } = startServer(async (_req, res) => {
      await gate;
      res.end("finished");
    });
    const pending = raw(port, GET());
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close();
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.on("error", () => resolve(true));
      s.on("connect", () => {
        s.destroy();
        resolve(false);
      });
    });
    assert.ok(refused, "no new connections after close()");
    release();
    const text = await pending;
    assert.match(text, /^HTTP\/1\.1 200 OK/);
    assert.ok(text.endsWith("finished"));
    await closed;
  });
});

describe("http server: handler callbacks that throw", () => {
  it("a throwing req.ondata cuts that connection only; the server keeps answering", async () => {
    const errors: unknown[] = [];
    const { server, port } = startServer(
      (req, res) => {
        if (req.path === "/upload") {
          req.ondata = () => {
            throw new Error("bad chunk handler");
          };
          return;
        }
        res.end("still here");
      },
      { onError: (err) => errors.push(err) },
    );
    const cut = await raw(port, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
    assert.equal(cut, "");
    assert.equal((errors[0] as Error).message, "bad chunk handler");
    const ok = await raw(port, GET(), { end: true });
    assert.match(ok, /still here$/);
    await server.close();
  });
});

describe("http server: a response held behind a slower pipelined one", () => {
  it("gets backpressure (write() false) and ondrain once it reaches the wire", async () => {
    let writtenWhileHeld = -1;
    let release!: () => void;
    const slowDone = new Promise<void>((r) => {
      release = r;
    });
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    const { server, port } = startServer(async (req, res) => {
      if (req.path === "/slow") {
        await slowDone;
        res.end("slow");
        return;
      }
      let written = 0;
      for (let i = 0; i < 40; i++) {
        written++;
        if (!res.write(chunk)) {
          if (writtenWhileHeld < 0) writtenWhileHeld = written;
          await new Promise<void>((r) => {
            res.ondrain = () => {
              res.ondrain = null;
              r();
            };
          });
        }
      }
      res.end();
    });
    const pending = raw(port, GET("/slow") + GET("/stream", "Connection: close\r\n"));
    await new Promise((r) => setTimeout(r, 100));
    // While /slow holds the line, /stream was stopped at the high-water mark (64 KiB).
    assert.equal(writtenWhileHeld, 4);
    release();
    const text = await pending;
    assert.match(text, /^HTTP\/1\.1 200 OK[\s\S]*slowHTTP\/1\.1 200 OK/);
    assert.ok(text.length > 40 * chunk.length, "the whole stream arrived after the release");
    await server.close();
  });
});
