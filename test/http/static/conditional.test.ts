import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  etagFor,
  evaluatePreconditions,
  httpDate,
  ifRangeAllows,
  parseEntityTag,
  parseEntityTagList,
  type Validators,
} from "../../../src/http/static/index.js";

const MTIME = Date.UTC(2024, 0, 2, 3, 4, 5);
const V: Validators = { etag: etagFor(MTIME + 678, 1234), lastModifiedMs: MTIME };
const LM = httpDate(MTIME);
const EARLIER = httpDate(MTIME - 1000);
const LATER = httpDate(MTIME + 1000);

function headers(values: Record<string, string>) {
  return (name: string) => values[name];
}

describe("etagFor", () => {
  it("is nginx's quoted mtime-seconds and size in hex", () => {
    assert.equal(etagFor(MTIME + 678, 1234), `"${(MTIME / 1000).toString(16)}-4d2"`);
    assert.equal(etagFor(0, 0), '"0-0"');
  });
});

describe("parseEntityTagList", () => {
  it("reads *, single tags, weak tags and lists with OWS and empty elements", () => {
    assert.equal(parseEntityTagList(" * "), "*");
    assert.deepEqual(parseEntityTagList('"a"'), [{ weak: false, opaque: '"a"' }]);
    assert.deepEqual(parseEntityTagList('W/"a" ,, "b",\t""'), [
      { weak: true, opaque: '"a"' },
      { weak: false, opaque: '"b"' },
      { weak: false, opaque: '""' },
    ]);
  });

  it("rejects malformed lists", () => {
    for (const bad of ["", "a", '"a', 'w/"a"', '"a" "b"', '"a"x', '"a b"', '*, "a"', ","]) {
      assert.equal(parseEntityTagList(bad), undefined, bad);
    }
  });

  it("parseEntityTag wants exactly one tag", () => {
    assert.deepEqual(parseEntityTag('W/"x"'), { weak: true, opaque: '"x"' });
    assert.equal(parseEntityTag('"x", "y"'), undefined);
    assert.equal(parseEntityTag("*"), undefined);
  });

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (text) => void parseEntityTagList(text)));
  });
});

describe("evaluatePreconditions", () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ["no conditions", {}, "proceed"],
    ["If-None-Match with our tag", { "if-none-match": V.etag! }, "not-modified"],
    ["If-None-Match with our tag made weak", { "if-none-match": `W/${V.etag}` }, "not-modified"],
    ["If-None-Match with our tag in a list", { "if-none-match": `"x", ${V.etag}` }, "not-modified"],
    ["If-None-Match *", { "if-none-match": "*" }, "not-modified"],
    ["If-None-Match with another tag", { "if-none-match": '"other"' }, "proceed"],
    ["If-None-Match malformed", { "if-none-match": "garbage" }, "proceed"],
    [
      "If-None-Match takes precedence over If-Modified-Since",
      { "if-none-match": '"other"', "if-modified-since": LATER },
      "proceed",
    ],
    ["If-Modified-Since equal to Last-Modified", { "if-modified-since": LM }, "not-modified"],
    ["If-Modified-Since after Last-Modified", { "if-modified-since": LATER }, "not-modified"],
    ["If-Modified-Since before Last-Modified", { "if-modified-since": EARLIER }, "proceed"],
    ["If-Modified-Since not a date", { "if-modified-since": "yesterday" }, "proceed"],
    ["If-Match with our tag", { "if-match": V.etag! }, "proceed"],
    ["If-Match *", { "if-match": "*" }, "proceed"],
    ["If-Match with another tag", { "if-match": '"other"' }, "failed"],
    [
      "If-Match with our tag made weak (strong comparison)",
      { "if-match": `W/${V.etag}` },
      "failed",
    ],
    ["If-Match malformed", { "if-match": "garbage" }, "failed"],
    ["If-Unmodified-Since before Last-Modified", { "if-unmodified-since": EARLIER }, "failed"],
    ["If-Unmodified-Since equal to Last-Modified", { "if-unmodified-since": LM }, "proceed"],
    ["If-Unmodified-Since not a date", { "if-unmodified-since": "soon" }, "proceed"],
    [
      "If-Match decides instead of If-Unmodified-Since",
      { "if-match": V.etag!, "if-unmodified-since": EARLIER },
      "proceed",
    ],
    ["412 comes before 304", { "if-match": '"other"', "if-none-match": V.etag! }, "failed"],
  ];
  for (const [name, values, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      assert.equal(evaluatePreconditions(headers(values), V), expected);
    });
  }

  it("without an ETag, tags never match but * still does", () => {
    const noTag: Validators = { etag: undefined, lastModifiedMs: MTIME };
    assert.equal(evaluatePreconditions(headers({ "if-none-match": V.etag! }), noTag), "proceed");
    assert.equal(evaluatePreconditions(headers({ "if-match": V.etag! }), noTag), "failed");
    assert.equal(evaluatePreconditions(headers({ "if-match": "*" }), noTag), "proceed");
  });
});

describe("ifRangeAllows", () => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, true],
    [V.etag!, true],
    [` ${V.etag!} `, true],
    [`W/${V.etag}`, false],
    ['"other"', false],
    [LM, true],
    [EARLIER, false],
    [LATER, false],
    ["garbage", false],
    [`${V.etag}, "x"`, false],
  ];
  for (const [value, expected] of cases) {
    it(`If-Range ${JSON.stringify(value)} -> ${expected}`, () => {
      assert.equal(ifRangeAllows(value, V), expected);
    });
  }
});
