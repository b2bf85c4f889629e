import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { httpDate, parseHttpDate } from "../../../src/http/static/index.js";

// RFC 9110 sec. 5.6.7's example instant, 1994-11-06T08:49:37Z.
const EXAMPLE_MS = Date.UTC(1994, 10, 6, 8, 49, 37);

describe("httpDate", () => {
  it("formats IMF-fixdate", () => {
    assert.equal(httpDate(EXAMPLE_MS), "Sun, 06 Nov 1994 08:49:37 GMT");
    assert.equal(httpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  });

  it("drops milliseconds instead of rounding", () => {
    assert.equal(httpDate(EXAMPLE_MS + 999), "Sun, 06 Nov 1994 08:49:37 GMT");
  });

  it("refuses a time without a four-digit year", () => {
    assert.throws(() => httpDate(Number.NaN), RangeError);
    assert.throws(() => httpDate(Date.UTC(10000, 0, 1)), RangeError);
  });
});

describe("parseHttpDate", () => {
  it("reads the three forms of RFC 9110", () => {
    assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), EXAMPLE_MS);
    assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), EXAMPLE_MS);
    assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994"), EXAMPLE_MS);
    assert.equal(parseHttpDate("Sun Nov 16 08:49:37 1994"), Date.UTC(1994, 10, 16, 8, 49, 37));
  });

  it("ignores surrounding whitespace", () => {
    assert.equal(parseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT \t"), EXAMPLE_MS);
  });

  it("reads a two-digit year as at most 50 years ahead", () => {
    const now = Date.UTC(2025, 0, 1);
    assert.equal(parseHttpDate("Monday, 01-Jan-74 00:00:00 GMT", now), Date.UTC(2074, 0, 1));
    assert.equal(parseHttpDate("Monday, 01-Jan-76 00:00:00 GMT", now), Date.UTC(1976, 0, 1));
    assert.equal(parseHttpDate("Monday, 01-Jan-05 00:00:00 GMT", now), Date.UTC(2005, 0, 1));
  });

  it("keeps years before 100 as written", () => {
    assert.equal(
      parseHttpDate("Mon, 01 Jan 0050 00:00:00 GMT"),
      Date.parse("0050-01-01T00:00:00Z"),
    );
  });

  it("rejects what is not an HTTP-date", () => {
    for (const bad of [
      "",
      "yesterday",
      "1994-11-06T08:49:37Z",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "sun, 06 Nov 1994 08:49:37 GMT",
      "Sun, 06 nov 1994 08:49:37 GMT",
      "Sun, 06 Foo 1994 08:49:37 GMT",
      "Sun, 31 Nov 1994 08:49:37 GMT",
      "Sun, 29 Feb 1995 08:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT",
      "Sun, 06 Nov 1994 08:49:61 GMT",
      "Sun, 00 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 GMT extra",
      "Sun, 06-Nov-94 08:49:37 GMT",
      "Sun Nov  0 08:49:37 1994",
      "Sun Nov 6 08:49:37 1994",
    ]) {
      assert.equal(parseHttpDate(bad), undefined, bad);
    }
  });

  it("accepts 29 February in a leap year", () => {
    assert.equal(parseHttpDate("Thu, 29 Feb 1996 00:00:00 GMT"), Date.UTC(1996, 1, 29));
  });

  it("round-trips every second it formats", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59) }), (ms) => {
        assert.equal(parseHttpDate(httpDate(ms)), Math.floor(ms / 1000) * 1000);
      }),
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const ms = parseHttpDate(text);
        assert.ok(ms === undefined || Number.isFinite(ms));
      }),
    );
  });
});
