import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  coalesce,
  contentRange,
  decideRanges,
  unsatisfiedRange,
} from "../../../src/http/static/index.js";

const LEN = 100;

/** header -> expected decision for a 100-byte representation with maxRanges 16. */
const TABLE: Array<[string | undefined, ReturnType<typeof decideRanges>]> = [
  [undefined, { kind: "full", reason: "absent" }],
  ["bytes=0-9", { kind: "ranges", ranges: [{ start: 0, end: 9 }] }],
  ["bytes=90-", { kind: "ranges", ranges: [{ start: 90, end: 99 }] }],
  ["bytes=-10", { kind: "ranges", ranges: [{ start: 90, end: 99 }] }],
  ["bytes=-1000", { kind: "ranges", ranges: [{ start: 0, end: 99 }] }],
  ["bytes=95-1000", { kind: "ranges", ranges: [{ start: 95, end: 99 }] }],
  ["bytes=99-99", { kind: "ranges", ranges: [{ start: 99, end: 99 }] }],
  ["bytes=0-", { kind: "ranges", ranges: [{ start: 0, end: 99 }] }],
  ["Bytes=0-0", { kind: "ranges", ranges: [{ start: 0, end: 0 }] }],
  ["BYTES = 0-0", { kind: "ranges", ranges: [{ start: 0, end: 0 }] }],
  [
    "bytes= 0-1 ,\t4-5 ",
    {
      kind: "ranges",
      ranges: [
        { start: 0, end: 1 },
        { start: 4, end: 5 },
      ],
    },
  ],
  [
    "bytes=0-1,,4-5,",
    {
      kind: "ranges",
      ranges: [
        { start: 0, end: 1 },
        { start: 4, end: 5 },
      ],
    },
  ],
  // sorted, then overlapping and adjacent ranges merged
  [
    "bytes=50-59,0-9",
    {
      kind: "ranges",
      ranges: [
        { start: 0, end: 9 },
        { start: 50, end: 59 },
      ],
    },
  ],
  ["bytes=0-5,3-9", { kind: "ranges", ranges: [{ start: 0, end: 9 }] }],
  ["bytes=0-4,5-9", { kind: "ranges", ranges: [{ start: 0, end: 9 }] }],
  [
    "bytes=0-4,6-9",
    {
      kind: "ranges",
      ranges: [
        { start: 0, end: 4 },
        { start: 6, end: 9 },
      ],
    },
  ],
  ["bytes=0-99,10-20", { kind: "ranges", ranges: [{ start: 0, end: 99 }] }],
  ["bytes=-10,0-", { kind: "ranges", ranges: [{ start: 0, end: 99 }] }],
  // unsatisfiable specs are dropped
  ["bytes=0-1,100-200", { kind: "ranges", ranges: [{ start: 0, end: 1 }] }],
  ["bytes=100-", { kind: "unsatisfiable" }],
  ["bytes=100-200,500-", { kind: "unsatisfiable" }],
  ["bytes=-0", { kind: "unsatisfiable" }],
  ["bytes=99999999999999999999-", { kind: "unsatisfiable" }],
  // other units and bad syntax: the Range is ignored
  ["items=0-5", { kind: "full", reason: "unit" }],
  ["bytes", { kind: "full", reason: "syntax" }],
  ["0-5", { kind: "full", reason: "syntax" }],
  ["bytes=", { kind: "full", reason: "syntax" }],
  ["bytes=,", { kind: "full", reason: "syntax" }],
  ["bytes=5-2", { kind: "full", reason: "syntax" }],
  ["bytes=0-1,5-2", { kind: "full", reason: "syntax" }],
  ["bytes=a-b", { kind: "full", reason: "syntax" }],
  ["bytes=1-2-3", { kind: "full", reason: "syntax" }],
  ["bytes=-", { kind: "full", reason: "syntax" }],
  ["bytes=+1-2", { kind: "full", reason: "syntax" }],
  ["bytes=1 -2", { kind: "full", reason: "syntax" }],
  ["bytes=0x10-20", { kind: "full", reason: "syntax" }],
  ["bytes=1e2-", { kind: "full", reason: "syntax" }],
  ["bytes=0-1;x", { kind: "full", reason: "syntax" }],
];

describe("decideRanges", () => {
  for (const [headerValue, expected] of TABLE) {
    it(`${JSON.stringify(headerValue)} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(decideRanges(headerValue, LEN, 16), expected);
    });
  }

  it("serves an empty representation whole, whatever the range", () => {
    for (const value of ["bytes=0-", "bytes=-5", "bytes=0-0", "bytes=5-9"]) {
      assert.deepEqual(decideRanges(value, 0, 16), { kind: "full", reason: "empty" });
    }
    // Bad syntax is still reported as such.
    assert.deepEqual(decideRanges("bytes=x", 0, 16), { kind: "full", reason: "syntax" });
  });

  it("does not amplify many overlapping ranges (CVE-2011-3192)", () => {
    const value = `bytes=${Array.from({ length: 500 }, (_, i) => `${i % 7}-`).join(",")}`;
    assert.deepEqual(decideRanges(value, LEN, 16), {
      kind: "ranges",
      ranges: [{ start: 0, end: 99 }],
    });
  });

  it("answers more ranges than maxRanges, after merging, with the whole file", () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => `${i * 2}-${i * 2}`).join(",");
    assert.equal(decideRanges(`bytes=${sixteen}`, LEN, 16).kind, "ranges");
    assert.deepEqual(decideRanges(`bytes=${sixteen},40-40`, LEN, 16), {
      kind: "full",
      reason: "too-many",
    });
    // 30 touching ranges merge into one, so they are within the limit.
    const touching = Array.from({ length: 30 }, (_, i) => `${i}-${i}`).join(",");
    assert.deepEqual(decideRanges(`bytes=${touching}`, LEN, 16), {
      kind: "ranges",
      ranges: [{ start: 0, end: 29 }],
    });
  });

  it("returns sorted, disjoint, non-touching ranges inside the representation", () => {
    const spec = fc.oneof(
      fc
        .tuple(fc.nat(300), fc.option(fc.nat(300)))
        .map(([a, b]) => (b === null ? `${a}-` : `${a}-${a + b}`)),
      fc.nat(300).map((n) => `-${n}`),
    );
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 40 }), fc.nat(250), (specs, length) => {
        const decision = decideRanges(`bytes=${specs.join(",")}`, length, 16);
        if (decision.kind !== "ranges") return;
        let previousEnd = -2;
        let total = 0;
        for (const r of decision.ranges) {
          assert.ok(r.start >= 0 && r.start <= r.end && r.end < length);
          assert.ok(r.start > previousEnd + 1, "ranges neither overlap nor touch");
          previousEnd = r.end;
          total += r.end - r.start + 1;
        }
        assert.ok(total <= length, "never more bytes than the representation has");
        assert.ok(decision.ranges.length <= 16);
      }),
    );
  });

  it("never throws on arbitrary header text", () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(1000), (text, length) => {
        const decision = decideRanges(text, length, 16);
        assert.ok(["full", "unsatisfiable", "ranges"].includes(decision.kind));
      }),
    );
  });
});

describe("coalesce", () => {
  it("merges overlapping and touching ranges and keeps gaps", () => {
    assert.deepEqual(
      coalesce([
        { start: 10, end: 12 },
        { start: 0, end: 3 },
        { start: 4, end: 5 },
        { start: 11, end: 20 },
        { start: 30, end: 30 },
      ]),
      [
        { start: 0, end: 5 },
        { start: 10, end: 20 },
        { start: 30, end: 30 },
      ],
    );
  });

  it("does not modify its input", () => {
    const input = [
      { start: 0, end: 3 },
      { start: 2, end: 9 },
    ];
    coalesce(input);
    assert.deepEqual(input, [
      { start: 0, end: 3 },
      { start: 2, end: 9 },
    ]);
  });
});

describe("Content-Range values", () => {
  it("names a satisfied range and the unsatisfied form", () => {
    assert.equal(contentRange({ start: 0, end: 9 }, 100), "bytes 0-9/100");
    assert.equal(unsatisfiedRange(100), "bytes */100");
  });
});
