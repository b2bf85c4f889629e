import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_LIMITS, HttpParseError, HttpParser } from "../../../src/http/parser/index.js";
import { bytes, parse, parseFailure, parseFailureBytewise } from "./_helpers.js";

const H = "Host: example.com\r\n";

describe("request heads that RFC 9112 accepts", () => {
  it("reports method, target, version and the header fields as received", () => {
    const [msg] = parse(
      "request",
      `GET /a/b?c=d HTTP/1.1\r\n${H}User-Agent: t/1\r\nX-Mixed-CASE: Value\r\n\r\n`,
    );
    assert.equal(msg.head.method, "GET");
    assert.equal(msg.head.target, "/a/b?c=d");
    assert.equal(msg.head.versionMajor, 1);
    assert.equal(msg.head.versionMinor, 1);
    assert.equal(msg.head.status, 0);
    assert.equal(msg.head.reason, "");
    assert.deepEqual(msg.head.headers, [
      "Host",
      "example.com",
      "User-Agent",
      "t/1",
      "X-Mixed-CASE",
      "Value",
    ]);
    assert.equal(msg.head.contentLength, -1);
    assert.equal(msg.head.chunked, false);
    assert.equal(msg.head.keepAlive, true);
    assert.equal(msg.head.upgrade, false);
    assert.equal(msg.head.expectContinue, false);
    assert.equal(msg.body, "");
    assert.deepEqual(msg.trailers, []);
  });

  it("trims whitespace around values but keeps it inside them", () => {
    const [msg] = parse(
      "request",
      `GET / HTTP/1.1\r\n${H}X-A:  a \t b \t\r\nX-B:\r\nX-C:\t \r\n\r\n`,
    );
    assert.deepEqual(msg.head.headers.slice(2), ["X-A", "a \t b", "X-B", "", "X-C", ""]);
  });

  it("decodes obs-text in values as latin1", () => {
    const input = Buffer.concat([
      bytes(`GET / HTTP/1.1\r\n${H}X-Name: caf`),
      Buffer.from([0xe9, 0xff]),
      bytes("\r\n\r\n"),
    ]);
    const [msg] = parse("request", input);
    assert.equal(msg.head.headers[3], "caf\u00e9\u00ff");
  });

  it("skips empty lines before a request line (RFC 9112 2.2)", () => {
    const msgs = parse(
      "request",
      `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n\r\nGET /2 HTTP/1.1\r\n${H}\r\n`,
    );
    assert.deepEqual(
      msgs.map((m) => m.head.target),
      ["/", "/2"],
    );
  });

  it("accepts every request-target form and token methods", () => {
    const cases: [string, string][] = [
      ["OPTIONS", "*"],
      ["CONNECT", "example.com:443"],
      ["GET", "http://example.com/x?y#z"],
      ["M-SEARCH", "*"],
      ["PURGE", "/%7Euser/~!$&'()*+,;=:@"],
    ];
    for (const [method, target] of cases) {
      const [msg] = parse("request", `${method} ${target} HTTP/1.1\r\n${H}\r\n`);
      assert.equal(msg.head.method, method);
      assert.equal(msg.head.target, target);
    }
  });

  it("derives keepAlive from the version and the Connection options", () => {
    const keepAlive = (version: string, fields: string) =>
      parse("request", `GET / ${version}\r\n${H}${fields}\r\n`)[0].head.keepAlive;
    assert.equal(keepAlive("HTTP/1.1", ""), true);
    assert.equal(keepAlive("HTTP/1.1", "Connection: close\r\n"), false);
    assert.equal(keepAlive("HTTP/1.1", "Connection: TE, CLOSE\r\n"), false);
    assert.equal(keepAlive("HTTP/1.1", "Connection: closed\r\n"), true);
    assert.equal(keepAlive("HTTP/1.0", ""), false);
    assert.equal(keepAlive("HTTP/1.0", "Connection: Keep-Alive\r\n"), true);
    assert.equal(keepAlive("HTTP/1.0", "Connection: keep-alive\r\nConnection: close\r\n"), false);
  });

  it("flags upgrades only with both Upgrade and Connection: upgrade, and CONNECT", () => {
    const upgrade = (head: string) => parse("request", `${head}\r\n`)[0].head.upgrade;
    assert.equal(
      upgrade(`GET / HTTP/1.1\r\n${H}Upgrade: websocket\r\nConnection: Upgrade\r\n`),
      true,
    );
    assert.equal(upgrade(`GET / HTTP/1.1\r\n${H}Upgrade: websocket\r\n`), false);
    assert.equal(upgrade(`GET / HTTP/1.1\r\n${H}Connection: upgrade\r\n`), false);
    assert.equal(upgrade(`CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n`), true);
  });

  it("flags Expect: 100-continue, case-insensitively", () => {
    const expect = (value: string) =>
      parse("request", `POST / HTTP/1.1\r\n${H}Expect: ${value}\r\nContent-Length: 0\r\n\r\n`)[0]
        .head.expectContinue;
    assert.equal(expect("100-continue"), true);
    assert.equal(expect("100-Continue"), true);
    assert.equal(expect("200-ok"), false);
  });

  it("reads a Content-Length body, bytes as they are", () => {
    const body = "a\r\n\0\xff\r\n\r\nz";
    const [msg, next] = parse(
      "request",
      `POST /p HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}GET / HTTP/1.1\r\n${H}\r\n`,
    );
    assert.equal(msg.head.contentLength, body.length);
    assert.equal(msg.body, body);
    assert.equal(next.head.method, "GET");
  });

  it("accepts repeated Content-Length values that agree, as a list or as lines", () => {
    const cl = (fields: string) => parse("request", `POST / HTTP/1.1\r\n${H}${fields}\r\nabcde`)[0];
    assert.equal(cl("Content-Length: 5, 5\r\n").body, "abcde");
    assert.equal(cl("Content-Length: 5\r\ncontent-length: 5\r\n").head.contentLength, 5);
    assert.equal(cl("Content-Length: 005\r\n").head.contentLength, 5);
  });

  it("has no body without Content-Length or Transfer-Encoding, whatever follows", () => {
    const msgs = parse("request", `DELETE /x HTTP/1.1\r\n${H}\r\nGET /y HTTP/1.1\r\n${H}\r\n`);
    assert.deepEqual(
      msgs.map((m) => [m.head.method, m.body]),
      [
        ["DELETE", ""],
        ["GET", ""],
      ],
    );
  });

  it("accepts a request line of exactly maxStartLine bytes", () => {
    const line = `GET /${"a".repeat(DEFAULT_LIMITS.maxStartLine - 14)} HTTP/1.1`;
    assert.equal(line.length, DEFAULT_LIMITS.maxStartLine);
    const [msg] = parse("request", `${line}\r\n${H}\r\n`);
    assert.equal(msg.head.target.length, DEFAULT_LIMITS.maxStartLine - 13);
  });

  it("accepts exactly maxHeaderCount fields and exactly maxHeaderBytes bytes", () => {
    const fields = Array.from({ length: 99 }, (_, i) => `X-${i}: v\r\n`).join("");
    assert.equal(
      parse("request", `GET / HTTP/1.1\r\n${H}${fields}\r\n`)[0].head.headers.length,
      200,
    );
    const prefix = `GET / HTTP/1.1\r\n${H}X-Big: `;
    const fill = "b".repeat(DEFAULT_LIMITS.maxHeaderBytes - prefix.length - 4);
    const head = `${prefix}${fill}\r\n\r\n`;
    assert.equal(head.length, DEFAULT_LIMITS.maxHeaderBytes);
    assert.equal(parse("request", head)[0].head.headers[3].length, fill.length);
  });

  it("honours custom limits", () => {
    const limits = { maxStartLine: 20, maxHeaderCount: 2, maxHeaderBytes: 60 };
    assert.equal(parse("request", `GET /012345 HTTP/1.1\r\n${H}\r\n`, { limits }).length, 1);
    assert.equal(
      parseFailure("request", `GET /0123456 HTTP/1.1\r\n${H}\r\n`, { limits }).status,
      414,
    );
    assert.equal(
      parseFailure("request", `GET / HTTP/1.1\r\n${H}A: 1\r\nB: 2\r\n\r\n`, { limits }).status,
      431,
    );
    assert.equal(
      parseFailure("request", `GET / HTTP/1.1\r\n${H}A: ${"x".repeat(30)}\r\n\r\n`, { limits })
        .status,
      431,
    );
    assert.throws(
      () => new HttpParser("request", new Recorderless(), { maxHeaderCount: 0 }),
      RangeError,
    );
  });
});

/** Events that do nothing, for constructor checks. */
class Recorderless {
  onHead(): void {}
  onBody(): void {}
  onEnd(): void {}
}

/**
 * [what, input, code, status]: each must be refused the same way however it is cut. (A cut
 * stream is rescanned when an LF arrives, so each input goes on past its fault's line.)
 */
const REFUSED: [string, string, string, number][] = [
  // request line
  ["a method that is not a token", `G(T / HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_METHOD", 400],
  ["a space before the method", ` GET / HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_METHOD", 400],
  ["two spaces after the method", `GET  / HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_URL", 400],
  ["a tab instead of a space", `GET\t/ HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_METHOD", 400],
  ["a CTL in the target", `GET /a\x01b HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_URL", 400],
  ["DEL in the target", `GET /a\x7f HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_URL", 400],
  ["a non-ASCII byte in the target", `GET /caf\xe9 HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_URL", 400],
  ["a space inside the target", `GET /a b HTTP/1.1\r\n${H}\r\n`, "HPE_INVALID_VERSION", 400],
  ["no version (HTTP/0.9 style)", "GET /\r\n\r\n", "HPE_INVALID_VERSION", 400],
  ["HTTP/2.0", `GET / HTTP/2.0\r\n${H}\r\n`, "HPE_UNSUPPORTED_VERSION", 505],
  ["HTTP/0.9", `GET / HTTP/0.9\r\n${H}\r\n`, "HPE_UNSUPPORTED_VERSION", 505],
  ["HTTP/1.2", `GET / HTTP/1.2\r\n${H}\r\n`, "HPE_UNSUPPORTED_VERSION", 505],
  ["a lower-case http/", `GET / http/1.1\r\n${H}\r\n`, "HPE_INVALID_VERSION", 400],
  ["a two-digit minor version", `GET / HTTP/1.10\r\n${H}\r\n`, "HPE_INVALID_VERSION", 400],
  ["a version without a dot", `GET / HTTP/11\r\n${H}\r\n`, "HPE_INVALID_VERSION", 400],
  ["a space before CRLF", `GET / HTTP/1.1 \r\n${H}\r\n`, "HPE_INVALID_VERSION", 400],
  ["a bare LF after the request line", `GET / HTTP/1.1\n${H}\r\n`, "HPE_CR_EXPECTED", 400],
  ["a bare CR after the request line", `GET / HTTP/1.1\r${H}\r\n`, "HPE_INVALID_VERSION", 400],
  [
    "a bare LF as an empty line before the request",
    `\nGET / HTTP/1.1\r\n${H}\r\n`,
    "HPE_CR_EXPECTED",
    400,
  ],
  [
    "nine empty lines before the request",
    `${"\r\n".repeat(9)}GET / HTTP/1.1\r\n${H}\r\n`,
    "HPE_TOO_MANY_EMPTY_LINES",
    400,
  ],
  [
    "a request line over maxStartLine",
    `GET /${"a".repeat(DEFAULT_LIMITS.maxStartLine - 13)} HTTP/1.1\r\n${H}\r\n`,
    "HPE_URI_TOO_LONG",
    414,
  ],
  // field lines
  [
    "whitespace before the colon",
    `GET / HTTP/1.1\r\nHost : a\r\n\r\n`,
    "HPE_INVALID_HEADER_TOKEN",
    400,
  ],
  [
    "a tab before the colon",
    `GET / HTTP/1.1\r\n${H}X\t: a\r\n\r\n`,
    "HPE_INVALID_HEADER_TOKEN",
    400,
  ],
  ["an empty field name", `GET / HTTP/1.1\r\n${H}: a\r\n\r\n`, "HPE_INVALID_HEADER_TOKEN", 400],
  [
    "a field name with a slash",
    `GET / HTTP/1.1\r\n${H}X/Y: a\r\n\r\n`,
    "HPE_INVALID_HEADER_TOKEN",
    400,
  ],
  [
    "a field line without a colon",
    `GET / HTTP/1.1\r\n${H}Nocolon\r\n\r\n`,
    "HPE_INVALID_HEADER_TOKEN",
    400,
  ],
  ["obs-fold", `GET / HTTP/1.1\r\n${H}X: a\r\n b\r\n\r\n`, "HPE_OBS_FOLD", 400],
  ["whitespace before the first field", `GET / HTTP/1.1\r\n ${H}\r\n`, "HPE_OBS_FOLD", 400],
  ["a bare CR in a value", `GET / HTTP/1.1\r\n${H}X: a\rb\r\n\r\n`, "HPE_LF_EXPECTED", 400],
  [
    "a bare CR ending a field line",
    `GET / HTTP/1.1\r\n${H}X: a\rY: b\r\n\r\n`,
    "HPE_LF_EXPECTED",
    400,
  ],
  ["a bare CR before a field line", `GET / HTTP/1.1\r\n${H}\rX: a\r\n\r\n`, "HPE_LF_EXPECTED", 400],
  [
    "a bare LF ending a field line",
    `GET / HTTP/1.1\r\n${H}X: a\nY: b\r\n\r\n`,
    "HPE_CR_EXPECTED",
    400,
  ],
  ["a bare LF as the empty line", `GET / HTTP/1.1\r\n${H}\n`, "HPE_CR_EXPECTED", 400],
  ["NUL in a value", `GET / HTTP/1.1\r\n${H}X: a\0b\r\n\r\n`, "HPE_INVALID_HEADER_VALUE", 400],
  ["a CTL in a value", `GET / HTTP/1.1\r\n${H}X: a\x1bb\r\n\r\n`, "HPE_INVALID_HEADER_VALUE", 400],
  ["DEL in a value", `GET / HTTP/1.1\r\n${H}X: a\x7f\r\n\r\n`, "HPE_INVALID_HEADER_VALUE", 400],
  [
    "more than maxHeaderCount fields",
    `GET / HTTP/1.1\r\n${H}${Array.from({ length: 100 }, (_, i) => `X-${i}: v\r\n`).join("")}\r\n`,
    "HPE_TOO_MANY_HEADERS",
    431,
  ],
  [
    "a head over maxHeaderBytes",
    `GET / HTTP/1.1\r\n${H}X-Big: ${"b".repeat(DEFAULT_LIMITS.maxHeaderBytes)}\r\n\r\n`,
    "HPE_HEADER_OVERFLOW",
    431,
  ],
  [
    "a head one byte over maxHeaderBytes",
    `GET / HTTP/1.1\r\n${H}X-Big: ${"b".repeat(DEFAULT_LIMITS.maxHeaderBytes - 45)}\r\n\r\n`,
    "HPE_HEADER_OVERFLOW",
    431,
  ],
  // Host (RFC 9112 3.2)
  ["an HTTP/1.1 request without Host", "GET / HTTP/1.1\r\nX: a\r\n\r\n", "HPE_INVALID_HOST", 400],
  ["two Host fields", `GET / HTTP/1.1\r\n${H}${H}\r\n`, "HPE_INVALID_HOST", 400],
  ["two Host fields in HTTP/1.0", `GET / HTTP/1.0\r\n${H}${H}\r\n`, "HPE_INVALID_HOST", 400],
  // Content-Length
  [
    "a signed Content-Length",
    `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "a negative Content-Length",
    `POST / HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\n`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "a hex Content-Length",
    `POST / HTTP/1.1\r\n${H}Content-Length: 0x10\r\n\r\n`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "a space inside Content-Length",
    `POST / HTTP/1.1\r\n${H}Content-Length: 1 0\r\n\r\n`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "an empty Content-Length",
    `POST / HTTP/1.1\r\n${H}Content-Length:\r\n\r\n`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "Content-Length values that differ in a list",
    `POST / HTTP/1.1\r\n${H}Content-Length: 3, 4\r\n\r\nabcd`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "Content-Length lines that differ",
    `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "an empty element in Content-Length",
    `POST / HTTP/1.1\r\n${H}Content-Length: 3,,3\r\n\r\nabc`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  [
    "a Content-Length of 2^53",
    `POST / HTTP/1.1\r\n${H}Content-Length: 9007199254740992\r\n\r\n`,
    "HPE_INVALID_CONTENT_LENGTH",
    400,
  ],
  // Transfer-Encoding
  [
    "Content-Length with Transfer-Encoding",
    `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    "HPE_SMUGGLING_CL_TE",
    400,
  ],
  [
    "Transfer-Encoding with Content-Length after it",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n`,
    "HPE_SMUGGLING_CL_TE",
    400,
  ],
  [
    "chunked not last",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n`,
    "HPE_INVALID_TRANSFER_ENCODING",
    400,
  ],
  [
    "a known coding without chunked",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`,
    "HPE_UNSUPPORTED_TRANSFER_ENCODING",
    501,
  ],
  [
    "an unknown coding before chunked",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: foo, chunked\r\n\r\n`,
    "HPE_UNSUPPORTED_TRANSFER_ENCODING",
    501,
  ],
  [
    "identity (no longer a coding)",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n`,
    "HPE_UNSUPPORTED_TRANSFER_ENCODING",
    501,
  ],
  [
    "chunked twice in one line",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n`,
    "HPE_INVALID_TRANSFER_ENCODING",
    400,
  ],
  [
    "chunked twice in two lines",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`,
    "HPE_INVALID_TRANSFER_ENCODING",
    400,
  ],
  [
    "chunked with a parameter",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked;q=1\r\n\r\n`,
    "HPE_INVALID_TRANSFER_ENCODING",
    400,
  ],
  [
    "an empty Transfer-Encoding",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\r\n\r\n`,
    "HPE_INVALID_TRANSFER_ENCODING",
    400,
  ],
  [
    "a Transfer-Encoding that is not a list",
    `POST / HTTP/1.1\r\n${H}Transfer-Encoding: "chunked"\r\n\r\n`,
    "HPE_INVALID_TRANSFER_ENCODING",
    400,
  ],
  [
    "Transfer-Encoding in HTTP/1.0",
    `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    "HPE_INVALID_TRANSFER_ENCODING",
    400,
  ],
];

describe("request heads that RFC 9112 refuses", () => {
  for (const [what, input, code, status] of REFUSED) {
    it(`refuses ${what} with ${code} (${status}), in one piece and byte by byte`, () => {
      const whole = parseFailure("request", input);
      assert.equal(whole.code, code, whole.message);
      assert.equal(whole.status, status);
      assert.ok(whole.offset >= 0 && whole.offset <= input.length, `offset ${whole.offset}`);
      const bytewise = parseFailureBytewise("request", input);
      assert.equal(bytewise.code, code, bytewise.message);
      assert.equal(bytewise.offset, whole.offset);
    });
  }

  it("points the offset at the offending byte", () => {
    const input = `GET / HTTP/1.1\r\n${H}X: a\0b\r\n\r\n`;
    assert.equal(parseFailure("request", input).offset, input.indexOf("\0"));
    const colon = `GET / HTTP/1.1\r\nHost : a\r\n\r\n`;
    assert.equal(parseFailure("request", colon).offset, colon.indexOf(" :"));
  });

  it("keeps refusing after an error until reset()", () => {
    const parser = new HttpParser("request", new Recorderless());
    const bad = bytes(`GET / HTTP/1.1\r\nHost : a\r\n\r\n`);
    const first = captureError(() => parser.feed(bad));
    const again = captureError(() => parser.feed(bytes(`GET / HTTP/1.1\r\n${H}\r\n`)));
    assert.equal(again, first);
    assert.throws(() => parser.finish(), HttpParseError);
    parser.reset();
    const good = bytes(`GET / HTTP/1.1\r\n${H}\r\n`);
    assert.equal(parser.feed(good), good.length);
  });

  it("refuses a 414 before the line ends, as soon as it is over the limit", () => {
    const parser = new HttpParser("request", new Recorderless());
    parser.feed(bytes(`GET /${"a".repeat(8000)}`));
    const err = captureError(() => parser.feed(bytes("a".repeat(500))));
    assert.equal(err.code, "HPE_URI_TOO_LONG");
    assert.equal(err.status, 414);
  });

  it("refuses garbage at its first byte", () => {
    const err = parseFailure("request", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    assert.equal(err.code, "HPE_INVALID_METHOD");
    assert.equal(err.offset, 0);
  });
});

function captureError(fn: () => unknown): HttpParseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpParseError) return err;
    throw err;
  }
  throw new Error("no error thrown");
}
