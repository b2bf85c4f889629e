import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpParser } from "../../../src/http/parser/index.js";
import { bytes, parse, parseFailure, parseFailureBytewise, Recorder } from "./_helpers.js";

describe("response parsing", () => {
  it("reports status, reason, version and fields; method and target are empty", () => {
    const [msg] = parse(
      "response",
      "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nX-A: b\r\n\r\nnop",
    );
    assert.equal(msg.head.status, 404);
    assert.equal(msg.head.reason, "Not Found");
    assert.equal(msg.head.method, "");
    assert.equal(msg.head.target, "");
    assert.equal(msg.head.versionMinor, 1);
    assert.deepEqual(msg.head.headers, ["Content-Length", "3", "X-A", "b"]);
    assert.equal(msg.body, "nop");
    assert.deepEqual(msg.trailers, []);
  });

  it("accepts an empty reason, with or without the SP before it", () => {
    for (const line of ["HTTP/1.1 200 ", "HTTP/1.1 200"]) {
      const [msg] = parse("response", `${line}\r\nContent-Length: 0\r\n\r\n`);
      assert.equal(msg.head.status, 200);
      assert.equal(msg.head.reason, "");
    }
  });

  it("keeps a reason phrase with spaces, tabs and obs-text", () => {
    const [msg] = parse("response", "HTTP/1.0 200 Tr\u00e8s \tbien\r\nContent-Length: 0\r\n\r\n");
    assert.equal(msg.head.reason, "Tr\u00e8s \tbien");
    assert.equal(msg.head.versionMinor, 0);
  });

  it("gives 1xx, 204 and 304 no body whatever their fields say", () => {
    const input =
      "HTTP/1.1 100 Continue\r\n\r\n" +
      "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" +
      "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n" +
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    const msgs = parse("response", input);
    assert.deepEqual(
      msgs.map((m) => [m.head.status, m.body, m.trailers !== null]),
      [
        [100, "", true],
        [103, "", true],
        [204, "", true],
        [304, "", true],
        [200, "ok", true],
      ],
    );
  });

  it("reads a body until finish() without Content-Length or chunked, and does not keep alive", () => {
    const rec = new Recorder();
    const parser = new HttpParser("response", rec.events);
    parser.feed(bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello "));
    parser.feed(bytes("HTTP/1.1 200 OK\r\n"));
    assert.equal(rec.messages[0].trailers, null, "no end before finish()");
    parser.finish();
    assert.equal(rec.messages.length, 1);
    assert.equal(rec.messages[0].body, "hello HTTP/1.1 200 OK\r\n");
    assert.deepEqual(rec.messages[0].trailers, []);
    assert.equal(rec.messages[0].head.keepAlive, false);
    assert.equal(rec.messages[0].head.contentLength, -1);
  });

  it("reads until close when the final coding is not chunked", () => {
    const [msg] = parse(
      "response",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b..",
      { finish: true },
    );
    assert.equal(msg.head.chunked, false);
    assert.equal(msg.body, "\x1f\x8b..");
  });

  it("reads chunked responses, trailers included", () => {
    const [msg] = parse(
      "response",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\nabcd\r\n0\r\nServer-Timing: db;dur=3\r\n\r\n",
    );
    assert.equal(msg.head.chunked, true);
    assert.equal(msg.head.keepAlive, true);
    assert.equal(msg.body, "abcd");
    assert.deepEqual(msg.trailers, ["Server-Timing", "db;dur=3"]);
  });

  it("skips the body of a response to HEAD when noBody is set, then clears it", () => {
    const rec = new Recorder();
    const parser = new HttpParser("response", rec.events);
    parser.noBody = true;
    parser.feed(
      bytes(
        "HTTP/1.1 100 Continue\r\n\r\n" +
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" +
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
      ),
    );
    assert.deepEqual(
      rec.messages.map((m) => [m.head.status, m.body]),
      [
        [100, ""],
        [200, ""],
        [200, "hello"],
      ],
    );
    assert.equal(parser.noBody, false);
  });

  it("lets onHead set noBody for the next response", () => {
    const parser = new HttpParser("response", {
      onHead: () => {
        parser.noBody = true;
      },
      onBody: () => assert.fail("no response here has a body"),
      onEnd: () => {},
    });
    parser.noBody = true;
    parser.feed(
      bytes(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
      ),
    );
  });

  it("flags 101 as an upgrade and lets the caller take the bytes after it", () => {
    const rec = new Recorder();
    const parser = new HttpParser("response", {
      ...rec.events,
      onEnd: (t: string[]) => {
        rec.events.onEnd(t);
        parser.pause();
      },
    });
    const input = bytes(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello",
    );
    const used = parser.feed(input);
    assert.equal(rec.messages[0].head.upgrade, true);
    assert.equal(Buffer.from(input.subarray(used)).toString("latin1"), "\x81\x05hello");
  });

  it("finish() between responses is fine; inside one it throws", () => {
    const ok = new HttpParser("response", new Recorder().events);
    ok.feed(bytes("HTTP/1.1 204 No Content\r\n\r\n"));
    ok.finish();
    for (const cut of [
      "HTTP/1.1 200",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    ]) {
      const parser = new HttpParser("response", new Recorder().events);
      parser.feed(bytes(cut));
      assert.throws(() => parser.finish(), { code: "HPE_INVALID_EOF_STATE" });
    }
  });

  it("refuses bytes after finish()", () => {
    const parser = new HttpParser("response", new Recorder().events);
    parser.finish();
    assert.throws(() => parser.feed(bytes("HTTP/1.1 200 OK\r\n")), { code: "HPE_CLOSED" });
  });
});

const REFUSED: [string, string, string][] = [
  ["a status of two digits", "HTTP/1.1 20 OK\r\n\r\n", "HPE_INVALID_STATUS"],
  ["a status of four digits", "HTTP/1.1 2000 OK\r\n\r\n", "HPE_INVALID_STATUS"],
  ["a status below 100", "HTTP/1.1 099 Odd\r\n\r\n", "HPE_INVALID_STATUS"],
  ["a status above 599", "HTTP/1.1 600 Odd\r\n\r\n", "HPE_INVALID_STATUS"],
  ["a status with a letter", "HTTP/1.1 2x0 OK\r\n\r\n", "HPE_INVALID_STATUS"],
  ["a tab before the status", "HTTP/1.1\t200 OK\r\n\r\n", "HPE_INVALID_STATUS"],
  ["a CTL in the reason", "HTTP/1.1 200 O\x01K\r\n\r\n", "HPE_INVALID_STATUS"],
  ["HTTP/2 in a status line", "HTTP/2 200\r\n\r\n", "HPE_INVALID_VERSION"],
  ["HTTP/2.0 in a status line", "HTTP/2.0 200 OK\r\n\r\n", "HPE_INVALID_VERSION"],
  ["a lower-case version", "http/1.1 200 OK\r\n\r\n", "HPE_INVALID_VERSION"],
  ["a stray CRLF before the status line", "\r\nHTTP/1.1 200 OK\r\n\r\n", "HPE_INVALID_VERSION"],
  [
    "a bare LF after the status line",
    "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
    "HPE_CR_EXPECTED",
  ],
  [
    "a status line over maxStartLine",
    `HTTP/1.1 200 ${"k".repeat(8200)}\r\n\r\n`,
    "HPE_HEADER_OVERFLOW",
  ],
  ["obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n\tb\r\n\r\n", "HPE_OBS_FOLD"],
  [
    "differing Content-Lengths",
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    "HPE_INVALID_CONTENT_LENGTH",
  ],
  [
    "Content-Length with Transfer-Encoding",
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "HPE_SMUGGLING_CL_TE",
  ],
  [
    "chunked twice",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
    "HPE_INVALID_TRANSFER_ENCODING",
  ],
  [
    "Transfer-Encoding in HTTP/1.0",
    "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "HPE_INVALID_TRANSFER_ENCODING",
  ],
];

describe("response heads that RFC 9112 refuses", () => {
  for (const [what, input, code] of REFUSED) {
    it(`refuses ${what} with ${code}, in one piece and byte by byte`, () => {
      const whole = parseFailure("response", input);
      assert.equal(whole.code, code, whole.message);
      const bytewise = parseFailureBytewise("response", input);
      assert.equal(bytewise.code, code, bytewise.message);
      assert.equal(bytewise.offset, whole.offset);
    });
  }
});
