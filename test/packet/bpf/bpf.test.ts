// The classic BPF machine: validator refusals, interpreter semantics (libpcap's bpf_filter),
// the disassembler's exact tcpdump -d/-dd/-ddd format, and the JS compiler against the
// interpreter on random programs and packets.

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  BpfError,
  type BpfInstruction,
  type BpfProgram,
  bpfRun,
  bpfToJsSource,
  compileBpfToJs,
  disassemble,
  disassembleC,
  disassembleDecimal,
  validateBpf,
} from "../../../src/packet/bpf/index.js";

const I = (code: number, k = 0, jt = 0, jf = 0): BpfInstruction => ({ code, jt, jf, k });
const RET = (k: number) => I(0x06, k);

test("the validator refuses what the kernel and libpcap refuse, with a stable code", () => {
  const table: [string, BpfProgram, string][] = [
    ["empty program", [], "BPF_EMPTY"],
    ["no final return", [I(0x28, 12)], "BPF_NO_RETURN"],
    ["unknown opcode", [I(0xff), RET(0)], "BPF_BAD_OPCODE"],
    ["jump past the end", [I(0x15, 1, 0, 5), RET(0)], "BPF_BAD_JUMP"],
    ["ja past the end", [I(0x05, 1), RET(0)], "BPF_BAD_JUMP"],
    ["scratch index 16", [I(0x02, 16), RET(0)], "BPF_BAD_MEMORY"],
    ["ld M[16]", [I(0x60, 16), RET(0)], "BPF_BAD_MEMORY"],
    ["division by constant zero", [I(0x34, 0), RET(0)], "BPF_DIVIDE_BY_ZERO"],
    ["modulo by constant zero", [I(0x94, 0), RET(0)], "BPF_DIVIDE_BY_ZERO"],
    ["k not 32-bit", [I(0x00, 2 ** 32), RET(0)], "BPF_BAD_K"],
    ["too long", new Array(4097).fill(RET(0)), "BPF_TOO_LONG"],
  ];
  for (const [name, prog, code] of table) {
    assert.throws(
      () => validateBpf(prog),
      (e: unknown) => e instanceof BpfError && e.code === code,
      name,
    );
  }
  validateBpf([I(0x28, 12), I(0x15, 0x800, 0, 1), RET(96), RET(0)]);
  validateBpf([I(0x3c), RET(0)]); // division by X is checked at run time
});

test("the interpreter follows libpcap: out-of-bounds loads and division by X = 0 reject", () => {
  const pkt = Uint8Array.from([0x45, 0x00, 0x12, 0x34, 0xab, 0xcd, 0xef, 0x01]);
  const table: [string, BpfProgram, number][] = [
    ["ld [0] is big-endian", [I(0x20, 0), I(0x16)], 0x45001234],
    ["ldh [2]", [I(0x28, 2), I(0x16)], 0x1234],
    ["ldb [7]", [I(0x30, 7), I(0x16)], 0x01],
    ["ld [5] reads past the end", [I(0x20, 5), RET(1)], 0],
    ["ldb [8] reads past the end", [I(0x30, 8), RET(1)], 0],
    ["ld [0xffffffff] does not wrap", [I(0x20, 0xffffffff), RET(1)], 0],
    ["ldxb 4*([0]&0xf)", [I(0xb1, 0), I(0x87), I(0x16)], 20],
    ["ldh [x + 1]", [I(0x01, 1), I(0x48, 1), I(0x16)], 0x1234],
    ["ldb [x + k] past the end", [I(0x01, 4), I(0x50, 4), RET(1)], 0],
    ["len is the wire length", [I(0x80), I(0x16)], 1500],
    ["add wraps at 32 bits", [I(0x00, 0xffffffff), I(0x04, 2), I(0x16)], 1],
    ["sub wraps", [I(0x00, 1), I(0x14, 2), I(0x16)], 0xffffffff],
    ["mul keeps the low 32 bits", [I(0x00, 0x10000), I(0x24, 0x10001), I(0x16)], 0x10000],
    ["div truncates", [I(0x00, 7), I(0x34, 2), I(0x16)], 3],
    ["div by x = 0 rejects", [I(0x00, 7), I(0x01, 0), I(0x3c), RET(1)], 0],
    ["mod by x = 0 rejects", [I(0x00, 7), I(0x01, 0), I(0x9c), RET(1)], 0],
    ["neg", [I(0x00, 1), I(0x84), I(0x16)], 0xffffffff],
    ["lsh by 31", [I(0x00, 3), I(0x64, 31), I(0x16)], 0x80000000],
    ["lsh by x >= 32 gives 0", [I(0x00, 3), I(0x01, 40), I(0x6c), I(0x16)], 0],
    ["rsh", [I(0x00, 0x80000000), I(0x74, 31), I(0x16)], 1],
    ["xor", [I(0x00, 0xf0f0), I(0xa4, 0xffff), I(0x16)], 0x0f0f],
    ["scratch memory", [I(0x00, 9), I(0x02, 3), I(0x00, 0), I(0x61, 3), I(0x87), I(0x16)], 9],
    ["memory starts zeroed", [I(0x60, 15), I(0x16)], 0],
    ["jgt is unsigned", [I(0x00, 0x80000000), I(0x25, 1, 0, 1), RET(1), RET(2)], 1],
    ["jset", [I(0x00, 4), I(0x45, 6, 0, 1), RET(1), RET(2)], 1],
    ["jeq x", [I(0x00, 5), I(0x01, 5), I(0x1d, 0, 0, 1), RET(1), RET(2)], 1],
    ["ja skips", [I(0x05, 1), RET(1), RET(2)], 2],
    ["ret x", [I(0x01, 77), I(0x0e)], 77],
  ];
  for (const [name, prog, expected] of table) {
    validateBpf(prog);
    assert.equal(bpfRun(prog, pkt, 1500), expected, name);
    assert.equal(compileBpfToJs(prog)(pkt, 1500), expected, `${name} (compiled)`);
  }
});

test("the disassembler prints exactly tcpdump -d, -dd and -ddd", () => {
  // `tcpdump -d 'ip[2:2] - ((ip[0]&0xf)<<2) > 100'` on an Ethernet capture, libpcap 1.10.3.
  const prog: BpfProgram = [
    I(0x28, 12),
    I(0x15, 0x800, 0, 10),
    I(0x28, 16),
    I(0x02, 1),
    I(0x30, 14),
    I(0x54, 0xf),
    I(0x64, 2),
    I(0x07),
    I(0x60, 1),
    I(0x1c),
    I(0x25, 100, 0, 1),
    RET(262144),
    RET(0),
  ];
  assert.equal(
    disassemble(prog),
    [
      "(000) ldh      [12]",
      "(001) jeq      #0x800           jt 2\tjf 12",
      "(002) ldh      [16]",
      "(003) st       M[1]",
      "(004) ldb      [14]",
      "(005) and      #0xf",
      "(006) lsh      #2",
      "(007) tax      ",
      "(008) ld       M[1]",
      "(009) sub      x",
      "(010) jgt      #0x64            jt 11\tjf 12",
      "(011) ret      #262144",
      "(012) ret      #0",
      "",
    ].join("\n"),
  );
  const small: BpfProgram = [I(0x28, 12), I(0x15, 0x800, 0, 1), RET(262144), RET(0)];
  assert.equal(
    disassembleC(small),
    "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n{ 0x6, 0, 0, 0x00040000 },\n{ 0x6, 0, 0, 0x00000000 },\n",
  );
  assert.equal(disassembleDecimal(small), "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n");
  assert.equal(
    disassemble([I(0x04, 0xffffffff), I(0x40, 4), I(0xb1, 14), RET(0)]).split("\n")[0],
    "(000) add      #-1",
  );
});

test("the JS compiler makes straight-line code with labelled blocks, not a dispatch loop", () => {
  const source = bpfToJsSource([I(0x28, 12), I(0x15, 0x800, 0, 1), RET(262144), RET(0)]);
  assert.match(source, /L3: \{/);
  assert.doesNotMatch(source, /switch/);
  assert.throws(() => compileBpfToJs([I(0x28, 12)]), BpfError);
});

/** A random valid program: forward jumps in range, valid memory indices, ending in RET. */
const arbProgram: fc.Arbitrary<BpfInstruction[]> = fc
  .array(
    fc.oneof(
      fc.record({
        kind: fc.constant("load" as const),
        code: fc.constantFrom(0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0xb1),
        k: fc.integer({ min: 0, max: 70 }),
      }),
      fc.record({
        kind: fc.constant("imm" as const),
        code: fc.constantFrom(0x00, 0x01, 0x80, 0x81, 0x07, 0x87, 0x84),
        k: fc.nat(),
      }),
      fc.record({
        kind: fc.constant("mem" as const),
        code: fc.constantFrom(0x02, 0x03, 0x60, 0x61),
        k: fc.integer({ min: 0, max: 15 }),
      }),
      fc.record({
        kind: fc.constant("alu" as const),
        code: fc.constantFrom(
          0x04,
          0x14,
          0x24,
          0x34,
          0x94,
          0x44,
          0x54,
          0xa4,
          0x64,
          0x74,
          0x0c,
          0x1c,
          0x2c,
          0x3c,
          0x9c,
          0x4c,
          0x5c,
          0xac,
          0x6c,
          0x7c,
        ),
        k: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 0xffffffff })),
      }),
      fc.record({
        kind: fc.constant("jump" as const),
        code: fc.constantFrom(0x15, 0x25, 0x35, 0x45, 0x1d, 0x2d, 0x3d, 0x4d, 0x05),
        k: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.nat()),
        jt: fc.nat(),
        jf: fc.nat(),
      }),
      fc.record({
        kind: fc.constant("ret" as const),
        code: fc.constantFrom(0x06, 0x16, 0x0e),
        k: fc.nat(),
      }),
    ),
    { minLength: 0, maxLength: 40 },
  )
  .map((items) => {
    const n = items.length + 1;
    const prog = items.map((it, pc): BpfInstruction => {
      const left = n - pc - 2; // instructions after the next one
      if (it.kind === "jump") {
        if (it.code === 0x05) return I(0x05, left > 0 ? it.k % (left + 1) : 0);
        return I(
          it.code,
          it.k >>> 0,
          Math.min(255, it.jt % (left + 1)),
          Math.min(255, it.jf % (left + 1)),
        );
      }
      return I(it.code, it.k >>> 0);
    });
    prog.push(I(0x16));
    return prog;
  });

test("compiled JS and the interpreter agree on random programs and packets", () => {
  fc.assert(
    fc.property(arbProgram, fc.uint8Array({ maxLength: 80 }), fc.nat(), (prog, pkt, extra) => {
      validateBpf(prog);
      const wire = pkt.length + (extra % 100);
      assert.equal(compileBpfToJs(prog)(pkt, wire), bpfRun(prog, pkt, wire));
    }),
    { numRuns: 400 },
  );
});
