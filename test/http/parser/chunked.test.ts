import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, parseFailure, parseFailureBytewise } from "./_helpers.js";

const HEAD = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";

describe("chunked request bodies", () => {
  it("removes the chunk framing and reports trailers", () => {
    const [msg] = parse(
      "request",
      `${HEAD}5\r\nhello\r\n1;last\r\n!\r\n0\r\nX-Sum: 6\r\nX-Two:  b \r\n\r\n`,
    );
    assert.equal(msg.head.chunked, true);
    assert.equal(msg.head.contentLength, -1);
    assert.equal(msg.body, "hello!");
    assert.deepEqual(msg.trailers, ["X-Sum", "6", "X-Two", "b"]);
  });

  it("reads hex sizes of either case, with leading zeros, up to 16 digits", () => {
    const data = "x".repeat(0x1a);
    assert.equal(parse("request", `${HEAD}1A\r\n${data}\r\n0\r\n\r\n`)[0].body, data);
    assert.equal(
      parse("request", `${HEAD}001a\r\n${data}\r\n0000000000000000\r\n\r\n`)[0].body,
      data,
    );
  });

  it("accepts extensions as RFC 9112 7.1.1 writes them, without BWS", () => {
    const lines = ["3;a", "3;a=b", '3;a="q \\" \\\\ d"', "3;a=b;c;d=e", '3;a=""'];
    for (const line of lines) {
      const [msg] = parse("request", `${HEAD}${line}\r\nabc\r\n0;z=1\r\n\r\n`);
      assert.equal(msg.body, "abc", line);
    }
  });

  it("accepts extensions of exactly maxChunkExtension bytes", () => {
    const ext = `;a=${"v".repeat(1021)}`;
    assert.equal(ext.length, 1024);
    assert.equal(parse("request", `${HEAD}3${ext}\r\nabc\r\n0\r\n\r\n`)[0].body, "abc");
  });

  it("delivers a chunk's data as it arrives, in views of the fed buffer", () => {
    const body = "0123456789".repeat(30);
    const [msg] = parse("request", `${HEAD}${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    assert.equal(msg.body, body);
  });
});

const REFUSED: [string, string, string][] = [
  ["a size that is not hex", "zz\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["a signed size", "+5\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["a negative size", "-5\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["a 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["whitespace before the size", " 5\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["whitespace after the size", "5 \r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["an empty size", "\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["17 hex digits", "00000000000000005\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["a size over 2^53", "20000000000000\r\n", "HPE_INVALID_CHUNK_SIZE"],
  ["a bare LF after the size", "5\nhello\r\n0\r\n\r\n", "HPE_CR_EXPECTED"],
  ["an extension without a name", "5;\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_EXTENSION"],
  ["an extension with an empty value", "5;a=\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_EXTENSION"],
  [
    "an unterminated quoted extension",
    '5;a="b\r\nhello\r\n0\r\n\r\n',
    "HPE_INVALID_CHUNK_EXTENSION",
  ],
  ["a CTL in an extension", "5;a=\x01\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_EXTENSION"],
  [
    "whitespace after the last extension",
    "5;a \r\nhello\r\n0\r\n\r\n",
    "HPE_INVALID_CHUNK_EXTENSION",
  ],
  ["a bare CR in an extension", "5;a\rb\r\nhello\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_EXTENSION"],
  [
    "extensions over maxChunkExtension",
    `5;a=${"v".repeat(1022)}\r\nhello\r\n0\r\n\r\n`,
    "HPE_CHUNK_EXTENSIONS_OVERFLOW",
  ],
  ["extensions that never end", `5;a=${"v".repeat(3000)}`, "HPE_CHUNK_EXTENSIONS_OVERFLOW"],
  ["data longer than its size", "3\r\nabcX\r\n0\r\n\r\n", "HPE_INVALID_CHUNK_DATA"],
  ["data followed by a bare LF", "3\r\nabc\n0\r\n\r\n", "HPE_INVALID_CHUNK_DATA"],
  ["data followed by a bare CR", "3\r\nabc\r0\r\n\r\n", "HPE_INVALID_CHUNK_DATA"],
  [
    "a trailer with whitespace before the colon",
    "0\r\nX-T : 1\r\n\r\n",
    "HPE_INVALID_HEADER_TOKEN",
  ],
  ["a folded trailer", "0\r\nX-T: 1\r\n 2\r\n\r\n", "HPE_OBS_FOLD"],
  ["a NUL in a trailer", "0\r\nX-T: \0\r\n\r\n", "HPE_INVALID_HEADER_VALUE"],
  ["a bare LF ending the trailers", "0\r\nX-T: 1\r\n\n", "HPE_CR_EXPECTED"],
  [
    "trailers over maxTrailerBytes",
    `0\r\nX-T: ${"t".repeat(17000)}\r\n\r\n`,
    "HPE_HEADER_OVERFLOW",
  ],
  [
    "more trailer fields than maxHeaderCount",
    `0\r\n${Array.from({ length: 101 }, (_, i) => `T-${i}: v\r\n`).join("")}\r\n`,
    "HPE_TOO_MANY_HEADERS",
  ],
];

describe("chunked bodies that RFC 9112 refuses", () => {
  for (const [what, body, code] of REFUSED) {
    it(`refuses ${what} with ${code}, in one piece and byte by byte`, () => {
      const whole = parseFailure("request", HEAD + body);
      assert.equal(whole.code, code, whole.message);
      assert.equal(
        whole.status,
        400 + (code === "HPE_HEADER_OVERFLOW" || code === "HPE_TOO_MANY_HEADERS" ? 31 : 0),
      );
      const bytewise = parseFailureBytewise("request", HEAD + body);
      assert.equal(bytewise.code, code, bytewise.message);
      assert.equal(bytewise.offset, whole.offset);
    });
  }
});
