/**
 * The program attached to the socket: for cooked captures, loads move back past the cooked
 * header and its protocol, packet type and interface index fields become the kernel's
 * ancillary loads (as libpcap's fix_program does); every accepting return keeps the whole
 * frame; anything else in the cooked header means filtering in user space (null).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kernelFilterProgram } from "../../../src/packet/capture/index.js";
import {
  BPF_ABS,
  BPF_B,
  BPF_H,
  BPF_LD,
  BPF_RET,
  BPF_W,
  type BpfProgram,
  compileFilter,
  disassemble,
  LINKTYPE,
  stmt,
} from "../../../src/packet/index.js";

const AD_PROTOCOL = 0xfffff000;
const AD_PKTTYPE = 0xfffff004;
const AD_IFINDEX = 0xfffff008;

function compile(expression: string, linkType: number): BpfProgram {
  return compileFilter(expression, { linkType });
}

function loads(program: BpfProgram): number[] {
  return program.filter((i) => (i.code & 0x07) === BPF_LD || (i.code & 0x07) === 1).map((i) => i.k);
}

describe("kernelFilterProgram", () => {
  it("leaves Ethernet loads alone and makes accepting returns keep the whole frame", () => {
    const program = compile("udp port 53", LINKTYPE.ETHERNET);
    const kernel = kernelFilterProgram(program, LINKTYPE.ETHERNET)!;
    assert.equal(kernel.length, program.length);
    assert.deepEqual(loads(kernel), loads(program));
    const returns = kernel.filter((i) => i.code === BPF_RET).map((i) => i.k);
    assert.deepEqual([...new Set(returns)].sort(), [0, 0xffffffff]);
    // The program itself is not changed: -d still prints what tcpdump -d prints.
    assert.match(disassemble(program), /ret +#262144/);
  });

  const cases: [string, number, number[]][] = [
    // expression, link type, expected load offsets in the kernel program
    ["ip", LINKTYPE.LINUX_SLL2, [AD_PROTOCOL]],
    ["ip", LINKTYPE.LINUX_SLL, [AD_PROTOCOL]],
    ["ip proto 17", LINKTYPE.LINUX_SLL2, [AD_PROTOCOL, 9]],
    ["ip proto 17", LINKTYPE.LINUX_SLL, [AD_PROTOCOL, 9]],
    ["link[4:4] = 1", LINKTYPE.LINUX_SLL2, [AD_IFINDEX]],
    ["link[10] = 4", LINKTYPE.LINUX_SLL2, [AD_PKTTYPE]],
    ["link[0:2] = 4", LINKTYPE.LINUX_SLL, [AD_PKTTYPE]],
  ];
  for (const [expression, linkType, expected] of cases) {
    it(`${expression} on link type ${linkType} loads ${expected.map((k) => k.toString(16)).join(", ")}`, () => {
      const kernel = kernelFilterProgram(compile(expression, linkType), linkType)!;
      assert.notEqual(kernel, null);
      assert.deepEqual(loads(kernel), expected);
    });
  }

  it("moves indexed loads (TCP ports after a variable IP header) back by the header", () => {
    const program = compile("tcp port 80", LINKTYPE.LINUX_SLL2);
    const kernel = kernelFilterProgram(program, LINKTYPE.LINUX_SLL2)!;
    const shifted = program.map((i, n) => [i.k, kernel[n]!.k] as const);
    for (const [before, after] of shifted) {
      if (before >= 20 && before < 0x10000 && after !== 0xffffffff) {
        assert.ok(after === before - 20 || after === before, `${before} -> ${after}`);
      }
    }
    assert.ok(loads(kernel).includes(AD_PROTOCOL));
  });

  const userSpace: [string, number][] = [
    ["link[12] = 0", LINKTYPE.LINUX_SLL2],
    ["link[2:2] = 0", LINKTYPE.LINUX_SLL2],
    ["link[0] = 0", LINKTYPE.LINUX_SLL2],
    ["link[6] = 0", LINKTYPE.LINUX_SLL],
  ];
  for (const [expression, linkType] of userSpace) {
    it(`${expression} on link type ${linkType} cannot run in the kernel`, () => {
      assert.equal(kernelFilterProgram(compile(expression, linkType), linkType), null);
    });
  }

  it("keeps a load of the right size only (ldb of the SLL2 protocol is not a field)", () => {
    const program = [stmt(BPF_LD | BPF_B | BPF_ABS, 0), stmt(BPF_RET, 1)];
    assert.equal(kernelFilterProgram(program, LINKTYPE.LINUX_SLL2), null);
    const word = [stmt(BPF_LD | BPF_W | BPF_ABS, 4), stmt(BPF_RET, 1)];
    assert.equal(kernelFilterProgram(word, LINKTYPE.LINUX_SLL2)![0]!.k, AD_IFINDEX);
    const half = [stmt(BPF_LD | BPF_H | BPF_ABS, 14), stmt(BPF_RET, 0)];
    assert.deepEqual(kernelFilterProgram(half, LINKTYPE.LINUX_SLL), [
      { ...half[0]!, k: AD_PROTOCOL },
      half[1],
    ]);
  });
});
