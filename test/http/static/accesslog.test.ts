import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeLogValue, formatAccessLog, timeLocal } from "../../../src/http/static/index.js";

// 2000-10-10T20:55:36Z, the instant of the Apache/nginx documentation's example line.
const T = Date.UTC(2000, 9, 10, 20, 55, 36);

describe("formatAccessLog", () => {
  it("writes the combined format", () => {
    const line = formatAccessLog({
      remoteAddr: "127.0.0.1",
      timeMs: T,
      utcOffsetMinutes: -420,
      method: "GET",
      target: "/apache_pb.gif",
      protocol: "HTTP/1.0",
      status: 200,
      bodyBytesSent: 2326,
      referer: "http://www.example.com/start.html",
      userAgent: "Mozilla/4.08 [en] (Win98; I ;Nav)",
    });
    assert.equal(
      line,
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 ' +
        '"http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    );
  });

  it("writes - for a missing or empty referer and user agent", () => {
    const line = formatAccessLog({
      remoteAddr: "::1",
      timeMs: T,
      utcOffsetMinutes: 0,
      method: "HEAD",
      target: "/",
      protocol: "HTTP/1.1",
      status: 304,
      bodyBytesSent: 0,
      userAgent: "",
    });
    assert.equal(line, '::1 - - [10/Oct/2000:20:55:36 +0000] "HEAD / HTTP/1.1" 304 0 "-" "-"');
  });

  it("escapes quotes, backslashes and control bytes so a client cannot forge lines", () => {
    const line = formatAccessLog({
      remoteAddr: "127.0.0.1",
      timeMs: T,
      utcOffsetMinutes: 330,
      method: "GET",
      target: '/a"b\\c',
      protocol: "HTTP/1.1",
      status: 404,
      bodyBytesSent: 153,
      userAgent: 'x"\n127.0.0.1 - - [forged]',
    });
    assert.ok(!line.includes("\n"));
    assert.equal(line.split('"').length - 1, 6, "exactly three quoted fields");
    assert.ok(line.includes('"GET /a\\x22b\\x5Cc HTTP/1.1"'));
    assert.ok(line.includes('"x\\x22\\x0A127.0.0.1 - - [forged]"'));
    assert.ok(line.includes("[11/Oct/2000:02:25:36 +0530]"));
  });

  it("defaults to the process's time zone", () => {
    const line = formatAccessLog({
      remoteAddr: "127.0.0.1",
      timeMs: T,
      method: "GET",
      target: "/",
      protocol: "HTTP/1.1",
      status: 200,
      bodyBytesSent: 1,
    });
    const offset = -new Date(T).getTimezoneOffset();
    assert.ok(line.includes(`[${timeLocal(T, offset)}]`));
  });
});

describe("escapeLogValue", () => {
  it("escapes bytes outside printable ASCII as nginx does", () => {
    assert.equal(escapeLogValue("plain text/1.0"), "plain text/1.0");
    assert.equal(escapeLogValue("\x00\x1f\x7f"), "\\x00\\x1F\\x7F");
    assert.equal(escapeLogValue("\u00e9"), "\\xE9");
    assert.equal(escapeLogValue("\u20ac"), "\\xE2\\x82\\xAC");
  });
});

describe("timeLocal", () => {
  it("formats day/month/year:time and a signed offset", () => {
    assert.equal(timeLocal(T, 0), "10/Oct/2000:20:55:36 +0000");
    assert.equal(timeLocal(T, -90), "10/Oct/2000:19:25:36 -0130");
  });
});
