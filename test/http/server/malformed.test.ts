import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import type { HttpServer } from "../../../src/http/index.js";
import { GET, raw, startServer } from "./_util.js";

// Each malformed request gets the given status with Connection: close, and the server then
// still answers a normal request.
const CASES: Array<[string, string | Buffer, number]> = [
  ["garbage request line", "HELLO\r\n\r\n", 400],
  ["lowercase version", "GET / http/1.1\r\nHost: t\r\n\r\n", 400],
  ["HTTP/2.0 over HTTP/1 framing", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505],
  ["space before the colon", "GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400],
  ["obs-fold", "GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", 400],
  ["bare CR in a value", "GET / HTTP/1.1\r\nHost: t\rX\r\n\r\n", 400],
  ["NUL in a value", Buffer.from("GET / HTTP/1.1\r\nHost: t\0\r\n\r\n", "latin1"), 400],
  [
    "CL and TE together",
    "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
  ],
  [
    "two different Content-Lengths",
    "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    400,
  ],
  ["a signed Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc", 400],
  [
    "TE that is not chunked at the end",
    "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
    400,
  ],
  [
    "an unknown transfer coding",
    "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n",
    501,
  ],
  [
    "a bad chunk size",
    "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    400,
  ],
  [
    "chunk data without its CRLF",
    "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n",
    400,
  ],
  ["a request line over the limit", `GET /${"a".repeat(9000)} HTTP/1.1\r\nHost: t\r\n\r\n`, 414],
  [
    "too many header fields",
    `GET / HTTP/1.1\r\n${Array.from({ length: 120 }, (_, i) => `X-${i}: v\r\n`).join("")}\r\n`,
    431,
  ],
  ["a head over the byte limit", `GET / HTTP/1.1\r\nX-Big: ${"b".repeat(20000)}\r\n\r\n`, 431],
  [
    "a Content-Length over the body limit",
    "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999\r\n\r\n",
    413,
  ],
];

describe("http server: malformed requests", () => {
  let server: HttpServer;
  let port: number;
  before(() => {
    ({ server, port } = startServer(async (req, res) => {
      const body = await req.body();
      res.end(`ok ${body.length}`);
    }));
  });
  after(() => server.close());

  for (const [name, bytes, status] of CASES) {
    it(`${name} -> ${status}, then the server still answers`, async () => {
      const text = await raw(port, bytes);
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${status} `), JSON.stringify(text.slice(0, 80)));
      assert.match(text, /\r\nConnection: close\r\n/);
      const ok = await raw(port, GET(), { end: true });
      assert.match(ok, /^HTTP\/1\.1 200 OK\r\n[\s\S]*ok 0$/);
    });
  }

  it("a chunked body over the limit -> 413 while streaming", async () => {
    const { server: small, port: p } = startServer(
      async (req, res) => {
        try {
          await req.body();
          res.end("accepted");
        } catch {
          // the server answers 413 itself
        }
      },
      { maxBodySize: 1000 },
    );
    const chunk = `400\r\n${"x".repeat(0x400)}\r\n`;
    const text = await raw(
      p,
      `POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}0\r\n\r\n`,
    );
    assert.match(text, /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(text, /accepted/);
    await small.close();
  });

  it("a response in flight before a malformed pipelined request is still delivered first", async () => {
    const text = await raw(port, `${GET("/first")}BROKEN\r\n\r\n`);
    assert.match(text, /^HTTP\/1\.1 200 OK[\s\S]*ok 0HTTP\/1\.1 400 /);
  });
});

describe("http server: timeouts", () => {
  it("slowloris: a head trickled slower than headersTimeout gets 408 and is closed", async () => {
    const { server, port } = startServer((_req, res) => res.end("never"), { headersTimeout: 300 });
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    sock.on("data", (d) => {
      got += d;
    });
    const closed = new Promise((r) => sock.on("close", r));
    sock.on("error", () => {});
    const lines = [
      "GET / HTTP/1.1\r\n",
      "Host: t\r\n",
      "X-A: 1\r\n",
      "X-B: 2\r\n",
      "X-C: 3\r\n",
      "X-D: 4\r\n",
    ];
    let i = 0;
    const trickle = setInterval(() => {
      if (i < lines.length && !sock.destroyed) sock.write(lines[i++]!);
    }, 100);
    await closed;
    clearInterval(trickle);
    assert.match(got, /^HTTP\/1\.1 408 /);
    await server.close();
  });

  it("an upload that keeps sending outlasts bodyTimeout many times over", async () => {
    const { server, port } = startServer(
      async (req, res) => res.end(`got ${(await req.body()).length}`),
      {
        bodyTimeout: 150,
        headersTimeout: 150,
      },
    );
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    sock.on("data", (d) => {
      got += d;
    });
    const ended = new Promise((r) => sock.on("end", r));
    sock.write("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nConnection: close\r\n\r\n");
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 60));
      sock.write("x");
    }
    await ended;
    sock.destroy();
    assert.match(got, /^HTTP\/1\.1 200 OK[\s\S]*got 10$/);
    await server.close();
  });

  it("a stalled body gets 408 after bodyTimeout", async () => {
    const { server, port } = startServer(
      async (req, res) => {
        try {
          res.end(`got ${(await req.body()).length}`);
        } catch {
          // timed out: the server answers
        }
      },
      { bodyTimeout: 200 },
    );
    const text = await raw(port, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
    assert.match(text, /^HTTP\/1\.1 408 /);
    await server.close();
  });

  it("an idle kept-alive connection is closed after keepAliveTimeout", async () => {
    const { server, port } = startServer((_req, res) => res.end("x"), { keepAliveTimeout: 200 });
    const sock = net.connect(port, "127.0.0.1");
    let got = "";
    sock.on("data", (d) => {
      got += d;
    });
    sock.write(GET());
    const how = await new Promise<string>((resolve) => {
      sock.on("end", () => resolve("server closed"));
      setTimeout(() => resolve("still open"), 10_000).unref();
    });
    sock.destroy();
    assert.equal(how, "server closed");
    assert.match(got, /^HTTP\/1\.1 200 OK/);
    await server.close();
  });
});
