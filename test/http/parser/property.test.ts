import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { HttpParseError } from "../../../src/http/parser/index.js";
import { cutsFor, stream } from "./_generators.js";
import { type Kind, type Message, parse, parseSplit } from "./_helpers.js";

/** Bounded so that the suite stays within a few seconds on a shared 2-core machine. */
const RUNS = { numRuns: 300 };

/** Parses and finishes; the outcome is the messages or the HttpParseError (anything else is thrown). */
function outcome(
  kind: Kind,
  wire: Uint8Array | string,
  cuts: number[] | null,
): Message[] | "error" {
  try {
    return cuts === null
      ? parse(kind, wire, { finish: true })
      : parseSplit(kind, wire, cuts, { finish: true });
  } catch (err) {
    if (err instanceof HttpParseError) return "error";
    throw err;
  }
}

describe("properties", () => {
  it("a generated valid stream parses to the messages it was built from", () => {
    fc.assert(
      fc.property(stream, ({ kind, wire, messages }) => {
        assert.deepEqual(parse(kind, wire, { finish: true }), messages);
      }),
      RUNS,
    );
  });

  it("any split of a valid stream gives the same messages as one feed", () => {
    fc.assert(
      fc.property(
        stream.chain((s) => fc.tuple(fc.constant(s), cutsFor(s.wire.length))),
        ([{ kind, wire, messages }, cuts]) => {
          assert.deepEqual(parseSplit(kind, wire, cuts, { finish: true }), messages);
        },
      ),
      RUNS,
    );
  });

  it("random bytes never throw anything but HttpParseError, however they are cut", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Kind>("request", "response"),
        fc
          .uint8Array({ maxLength: 300 })
          .chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length))),
        (kind, [bytes, cuts]) => {
          outcome(kind, bytes, cuts);
        },
      ),
      RUNS,
    );
  });

  it("mutated valid streams fail or succeed alike whole and cut, and only with HttpParseError", () => {
    const mutation = fc.record({
      at: fc.nat(),
      op: fc.constantFrom("replace", "insert", "delete"),
      byte: fc.oneof(
        fc.constantFrom(0, 9, 10, 13, 32, 34, 44, 58, 59, 127, 255),
        fc.integer({ min: 0, max: 255 }),
      ),
    });
    fc.assert(
      fc.property(
        stream,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.infiniteStream(fc.nat()),
        ({ kind, wire }, mutations, seeds) => {
          let bytes = Array.from(Buffer.from(wire, "latin1"));
          for (const { at, op, byte } of mutations) {
            const i = at % (bytes.length + 1);
            if (op === "replace" && i < bytes.length) bytes[i] = byte;
            else if (op === "insert") bytes.splice(i, 0, byte);
            else if (op === "delete" && i < bytes.length) bytes.splice(i, 1);
          }
          const data = Uint8Array.from(bytes);
          bytes = [];
          const n = data.length;
          const cuts = [...new Set(seeds.take(6))].map((s) => s % (n + 1)).sort((a, b) => a - b);
          const whole = outcome(kind, data, null);
          const split = outcome(kind, data, [...new Set(cuts)]);
          assert.deepEqual(split, whole);
        },
      ),
      RUNS,
    );
  });
});
