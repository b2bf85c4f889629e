// compileBpfToJsAt: the compiled filter over a packet that lies inside a larger buffer must
// give the verdicts compileBpfToJs gives over the packet alone, never reading the bytes
// around it (the copy path of `evnet read -w` runs it on records in the read buffer).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  type BpfInstruction,
  bpfRun,
  bpfToJsSource,
  compileBpfToJs,
  compileBpfToJsAt,
  validateBpf,
} from "../../../src/packet/bpf/index.js";

function I(code: number, k = 0, jt = 0, jf = 0): BpfInstruction {
  return { code, jt, jf, k: k >>> 0 };
}

/** `packet` placed at `at` in a buffer filled with `fill` before it and after it. */
function embed(packet: Uint8Array, at: number, after: number, fill: number): Uint8Array {
  const buffer = new Uint8Array(at + packet.length + after).fill(fill);
  buffer.set(packet, at);
  return buffer;
}

const LOADS = [0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0xb1];
const OTHERS = [0x00, 0x01, 0x07, 0x87, 0x80, 0x81, 0x04, 0x0c, 0x54, 0x74, 0x02, 0x60, 0x61];
const JUMPS = [0x15, 0x25, 0x35, 0x45, 0x1d, 0x05];
const RETURNS = [0x06, 0x16, 0x0e];

/** A random valid program of loads, arithmetic and forward jumps, ending in RET A. */
const arbProgram: fc.Arbitrary<BpfInstruction[]> = fc
  .array(
    fc.tuple(
      fc.constantFrom(...LOADS, ...OTHERS, ...JUMPS, ...RETURNS),
      fc.integer({ min: 0, max: 90 }),
      fc.nat(),
      fc.nat(),
    ),
    { maxLength: 30 },
  )
  .map((items) => {
    const n = items.length + 1;
    const prog = items.map(([code, k, jt, jf], pc): BpfInstruction => {
      const left = n - pc - 2;
      // Scratch memory has 16 words.
      if (code === 0x02 || code === 0x60 || code === 0x61) return I(code, k % 16);
      if (code === 0x05) return I(code, left > 0 ? k % (left + 1) : 0);
      if (JUMPS.includes(code)) return I(code, k, jt % (left + 1), jf % (left + 1));
      return I(code, k);
    });
    prog.push(I(0x16));
    return prog;
  });

test("a filter at an offset gives the verdicts of the packet alone, for random programs", () => {
  fc.assert(
    fc.property(
      arbProgram,
      fc.uint8Array({ maxLength: 80 }),
      fc.nat({ max: 40 }),
      fc.nat({ max: 40 }),
      fc.nat({ max: 255 }),
      fc.nat({ max: 100 }),
      (prog, packet, at, after, fill, extra) => {
        validateBpf(prog);
        const wire = packet.length + extra;
        const expected = bpfRun(prog, packet, wire);
        assert.equal(compileBpfToJs(prog)(packet, wire), expected);
        const buffer = embed(packet, at, after, fill);
        assert.equal(compileBpfToJsAt(prog)(buffer, at, packet.length, wire), expected);
      },
    ),
    { numRuns: 500 },
  );
});

test("bytes after the captured length are out of bounds, even when the buffer holds them", () => {
  // ld [4]; ret A: a 4-byte packet has no word at 4, whatever follows it in the buffer.
  const prog = [I(0x20, 4), I(0x16)];
  const f = compileBpfToJsAt(prog);
  const buffer = Uint8Array.of(9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  assert.equal(f(buffer, 2, 4, 100), 0);
  assert.equal(f(buffer, 2, 8, 100), 0x05060708);
  // Indirect loads too: ldx #3; ldb [x + 0] sees the packet's 4th byte or nothing.
  const indirect = compileBpfToJsAt([I(0x01, 3), I(0x50, 0), I(0x16)]);
  assert.equal(indirect(buffer, 2, 4, 4), 4);
  assert.equal(indirect(buffer, 2, 3, 4), 0);
});

test("the dispatch-loop form (many jump targets) also reads at the offset", () => {
  // 450 tests of byte 0, each failing to its own target: more targets than nested labels.
  const prog: BpfInstruction[] = [I(0x30, 0)];
  for (let i = 0; i < 450; i++) prog.push(I(0x15, i, 0, 1), I(0x06, 1000 + i));
  prog.push(I(0x06, 7));
  assert.match(bpfToJsSource(prog, true), /switch/);
  const f = compileBpfToJsAt(prog);
  const whole = compileBpfToJs(prog);
  for (const value of [0, 5, 200, 255]) {
    const packet = Uint8Array.of(value, 1, 2);
    const buffer = embed(packet, 13, 5, 0xee);
    assert.equal(f(buffer, 13, 3, 3), whole(packet, 3));
    assert.equal(f(buffer, 13, 3, 3), value < 450 ? 1000 + value : 7);
  }
});
