import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HttpParser, type MessageHead } from "../../../src/http/parser/index.js";
import { bytes, type Kind, parse, parseSplit, Recorder } from "./_helpers.js";

const PIPELINE =
  "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n" +
  "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" +
  "PUT /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nab\r\n3\r\ncde\r\n0\r\nT: 1\r\n\r\n" +
  "\r\n" +
  "DELETE /4 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";

const RESPONSES =
  "HTTP/1.1 100 Continue\r\n\r\n" +
  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc" +
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n" +
  "HTTP/1.1 204 No Content\r\n\r\n" +
  "HTTP/1.0 200 OK\r\n\r\nuntil the end";

/** Fixtures replayed at every split point (STYLE.md 14). */
const FIXTURES: [Kind, string, boolean][] = [
  ["request", PIPELINE, false],
  ["response", RESPONSES, true],
];

describe("incremental parsing", () => {
  it("parses pipelined requests from one buffer, in order", () => {
    const msgs = parse("request", PIPELINE);
    assert.deepEqual(
      msgs.map((m) => [m.head.method, m.head.target, m.body, m.trailers]),
      [
        ["GET", "/1", "", []],
        ["POST", "/2", "hello", []],
        ["PUT", "/3", "abcde", ["T", "1"]],
        ["DELETE", "/4", "", []],
      ],
    );
    assert.equal(msgs[3].head.keepAlive, true);
  });

  for (const [kind, input, finish] of FIXTURES) {
    it(`gives the same messages for a ${kind} stream cut at any one point or two`, () => {
      const expected = parse(kind, input, { finish });
      for (let cut = 0; cut <= input.length; cut++) {
        assert.deepEqual(parseSplit(kind, input, [cut], { finish }), expected, `cut at ${cut}`);
      }
      for (let a = 1; a < input.length; a += 7) {
        for (let b = a; b < input.length; b += 5) {
          assert.deepEqual(
            parseSplit(kind, input, [a, b], { finish }),
            expected,
            `cuts at ${a}, ${b}`,
          );
        }
      }
    });

    it(`gives the same messages for a ${kind} stream fed byte by byte`, () => {
      const cuts = Array.from({ length: input.length - 1 }, (_, i) => i + 1);
      assert.deepEqual(parseSplit(kind, input, cuts, { finish }), parse(kind, input, { finish }));
    });
  }

  it("parses only [start, end) of the buffer it is given", () => {
    const rec = new Recorder();
    const parser = new HttpParser("request", rec.events);
    const data = bytes(`XXXXGET / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nokYYYY`);
    assert.equal(parser.feed(data, 4, data.length - 4), data.length - 8);
    assert.equal(rec.messages[0].body, "ok");
    assert.throws(() => parser.feed(data, 5, 2), RangeError);
    assert.throws(() => parser.feed(data, 0, data.length + 1), RangeError);
    assert.throws(() => parser.feed(data, -1), RangeError);
  });

  it("counts error offsets across feeds", () => {
    const parser = new HttpParser("request", new Recorder().events);
    parser.feed(bytes("GET / HTTP/1.1\r\nHost: h\r\n"));
    assert.throws(() => parser.feed(bytes("X: \x01\r\n\r\n")), {
      code: "HPE_INVALID_HEADER_VALUE",
      offset: 28,
    });
  });

  it("does not keep a reference to the fed buffer for a head cut across feeds", () => {
    const rec = new Recorder();
    const parser = new HttpParser("request", rec.events);
    const first = bytes("GET /a HTTP/1.1\r\nHo");
    parser.feed(first);
    first.fill(0x21);
    parser.feed(bytes("st: h\r\n\r\n"));
    assert.equal(rec.messages[0].head.target, "/a");
    assert.deepEqual(rec.messages[0].head.headers, ["Host", "h"]);
  });

  it("reset() starts a new stream, forgetting a message in progress", () => {
    const rec = new Recorder();
    const parser = new HttpParser("request", rec.events);
    parser.feed(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc"));
    parser.reset();
    parser.feed(bytes("GET /after HTTP/1.1\r\nHost: h\r\n\r\n"));
    assert.deepEqual(
      rec.messages.map((m) => [m.head.target, m.body]),
      [
        ["/", "abc"],
        ["/after", ""],
      ],
    );
  });
});

describe("pause", () => {
  /** Feeds `input`, pausing in the named callbacks, and re-feeds the rest until all is consumed. */
  function runPaused(
    input: string,
    pauseIn: Set<string>,
  ): { log: string[]; feeds: number; heads: MessageHead[] } {
    const log: string[] = [];
    const heads: MessageHead[] = [];
    const parser: HttpParser = new HttpParser("request", {
      onHead(head) {
        log.push(`head ${head.target}`);
        heads.push(head);
        if (pauseIn.has("head")) parser.pause();
      },
      onBody(data) {
        log.push(`body ${Buffer.from(data).toString("latin1")}`);
        if (pauseIn.has("body")) parser.pause();
      },
      onEnd() {
        log.push("end");
        if (pauseIn.has("end")) parser.pause();
      },
    });
    const data = bytes(input);
    let offset = 0;
    let feeds = 0;
    while (offset < data.length) {
      feeds++;
      const used = parser.feed(data, offset);
      log.push(`| ${used}`);
      offset += used;
      assert.ok(feeds < 100, "no progress");
    }
    return { log, feeds, heads };
  }

  const INPUT =
    "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi" +
    "GET /b HTTP/1.1\r\nHost: h\r\n\r\n" +
    "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n1\r\ny\r\n0\r\n\r\n";

  it("pausing in onEnd returns at each message's end", () => {
    const { log } = runPaused(INPUT, new Set(["end"]));
    assert.deepEqual(log, [
      "head /a",
      "body hi",
      "end",
      "| 50",
      "head /b",
      "end",
      "| 28",
      "head /c",
      "body x",
      "body y",
      "end",
      "| 73",
    ]);
  });

  it("pausing in onHead returns before the body, and still ends a bodiless message", () => {
    const { log } = runPaused(INPUT, new Set(["head"]));
    assert.deepEqual(log, [
      "head /a",
      "| 48",
      "body hi",
      "end",
      "head /b",
      "end",
      "| 30",
      "head /c",
      "| 56",
      "body x",
      "body y",
      "end",
      "| 17",
    ]);
  });

  it("pausing in onBody returns after that piece of body", () => {
    const { log } = runPaused(INPUT, new Set(["body"]));
    assert.deepEqual(log, [
      "head /a",
      "body hi",
      "end",
      "| 50",
      "head /b",
      "end",
      "head /c",
      "body x",
      // The CRLF closing a chunk goes with its data when it is already there.
      "| 90",
      "body y",
      "| 6",
      "end",
      "| 5",
    ]);
  });

  it("a pause called outside a callback does not stop the next feed", () => {
    const rec = new Recorder();
    const parser = new HttpParser("request", rec.events);
    parser.pause();
    const data = bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    assert.equal(parser.feed(data), data.length);
    assert.equal(rec.messages.length, 1);
  });

  it("a server that takes over after an upgrade gets the bytes after the head", () => {
    const input = bytes(
      "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n\x81\x00",
    );
    let upgraded = false;
    const parser: HttpParser = new HttpParser("request", {
      onHead(head) {
        upgraded = head.upgrade;
      },
      onBody() {},
      onEnd() {
        if (upgraded) parser.pause();
      },
    });
    const used = parser.feed(input);
    assert.equal(upgraded, true);
    assert.deepEqual([...input.subarray(used)], [0x81, 0x00]);
  });
});
