import { BPF_MEMWORDS } from "./opcodes.js";
import type { BpfProgram } from "./program.js";

/**
 * Runs a validated classic BPF program over one packet with libpcap's bpf_filter semantics
 * and returns the filter's verdict: 0 rejects, any other value is the number of bytes to keep.
 *
 * - `packet` holds the captured bytes; `wireLength` is the length on the wire (`len`).
 * - A load that reaches past the captured bytes ends the program with 0 (reject).
 * - Division or modulo by X = 0 ends the program with 0, as in libpcap.
 * - Shifts by 32 or more give 0 instead of C's undefined behaviour.
 * - Linux's ancillary loads (negative offsets such as SKF_AD_PROTOCOL) are not defined for
 *   offline packets and read out of bounds, so they reject, as libpcap does.
 *
 * Run {@link validateBpf} first: this function trusts opcodes, jump targets and memory indices.
 *
 * @example
 * bpfRun([{ code: 0x06, jt: 0, jf: 0, k: 96 }], new Uint8Array(60), 60); // 96
 */
export function bpfRun(prog: BpfProgram, packet: Uint8Array, wireLength: number): number {
  const p = packet;
  const buflen = p.length;
  const mem = new Uint32Array(BPF_MEMWORDS);
  let a = 0;
  let x = 0;
  let pc = 0;
  for (;;) {
    const insn = prog[pc]!;
    const k = insn.k;
    pc++;
    switch (insn.code) {
      case 0x06: // ret #k
        return k;
      case 0x16: // ret a
        return a;
      case 0x0e: // ret x
        return x;
      case 0x20: // ld [k]
        if (k > buflen - 4 || buflen < 4) return 0;
        a = ((p[k]! << 24) | (p[k + 1]! << 16) | (p[k + 2]! << 8) | p[k + 3]!) >>> 0;
        break;
      case 0x28: // ldh [k]
        if (k > buflen - 2 || buflen < 2) return 0;
        a = (p[k]! << 8) | p[k + 1]!;
        break;
      case 0x30: // ldb [k]
        if (k >= buflen) return 0;
        a = p[k]!;
        break;
      case 0x40: {
        // ld [x + k]
        const o = x + k;
        if (o > buflen - 4 || buflen < 4) return 0;
        a = ((p[o]! << 24) | (p[o + 1]! << 16) | (p[o + 2]! << 8) | p[o + 3]!) >>> 0;
        break;
      }
      case 0x48: {
        // ldh [x + k]
        const o = x + k;
        if (o > buflen - 2 || buflen < 2) return 0;
        a = (p[o]! << 8) | p[o + 1]!;
        break;
      }
      case 0x50: {
        // ldb [x + k]
        const o = x + k;
        if (o >= buflen) return 0;
        a = p[o]!;
        break;
      }
      case 0x80: // ld #pktlen
        a = wireLength >>> 0;
        break;
      case 0x81: // ldx #pktlen
        x = wireLength >>> 0;
        break;
      case 0x00: // ld #k
        a = k;
        break;
      case 0x01: // ldx #k
        x = k;
        break;
      case 0x60: // ld M[k]
        a = mem[k]!;
        break;
      case 0x61: // ldx M[k]
        x = mem[k]!;
        break;
      case 0xb1: // ldxb 4*([k]&0xf)
        if (k >= buflen) return 0;
        x = (p[k]! & 0xf) << 2;
        break;
      case 0x02: // st M[k]
        mem[k] = a;
        break;
      case 0x03: // stx M[k]
        mem[k] = x;
        break;
      case 0x05: // ja
        pc += k;
        break;
      case 0x15: // jeq #k
        pc += a === k ? insn.jt : insn.jf;
        break;
      case 0x25: // jgt #k
        pc += a > k ? insn.jt : insn.jf;
        break;
      case 0x35: // jge #k
        pc += a >= k ? insn.jt : insn.jf;
        break;
      case 0x45: // jset #k
        pc += (a & k) !== 0 ? insn.jt : insn.jf;
        break;
      case 0x1d: // jeq x
        pc += a === x ? insn.jt : insn.jf;
        break;
      case 0x2d: // jgt x
        pc += a > x ? insn.jt : insn.jf;
        break;
      case 0x3d: // jge x
        pc += a >= x ? insn.jt : insn.jf;
        break;
      case 0x4d: // jset x
        pc += (a & x) !== 0 ? insn.jt : insn.jf;
        break;
      case 0x04: // add #k
        a = (a + k) >>> 0;
        break;
      case 0x14: // sub #k
        a = (a - k) >>> 0;
        break;
      case 0x24: // mul #k
        a = Math.imul(a, k) >>> 0;
        break;
      case 0x34: // div #k
        a = Math.floor(a / k) >>> 0;
        break;
      case 0x94: // mod #k
        a = (a % k) >>> 0;
        break;
      case 0x44: // or #k
        a = (a | k) >>> 0;
        break;
      case 0x54: // and #k
        a = (a & k) >>> 0;
        break;
      case 0xa4: // xor #k
        a = (a ^ k) >>> 0;
        break;
      case 0x64: // lsh #k
        a = k < 32 ? (a << k) >>> 0 : 0;
        break;
      case 0x74: // rsh #k
        a = k < 32 ? a >>> k : 0;
        break;
      case 0x0c: // add x
        a = (a + x) >>> 0;
        break;
      case 0x1c: // sub x
        a = (a - x) >>> 0;
        break;
      case 0x2c: // mul x
        a = Math.imul(a, x) >>> 0;
        break;
      case 0x3c: // div x
        if (x === 0) return 0;
        a = Math.floor(a / x) >>> 0;
        break;
      case 0x9c: // mod x
        if (x === 0) return 0;
        a = (a % x) >>> 0;
        break;
      case 0x4c: // or x
        a = (a | x) >>> 0;
        break;
      case 0x5c: // and x
        a = (a & x) >>> 0;
        break;
      case 0xac: // xor x
        a = (a ^ x) >>> 0;
        break;
      case 0x6c: // lsh x
        a = x < 32 ? (a << x) >>> 0 : 0;
        break;
      case 0x7c: // rsh x
        a = x < 32 ? a >>> x : 0;
        break;
      case 0x84: // neg
        a = -a >>> 0;
        break;
      case 0x07: // tax
        x = a;
        break;
      case 0x87: // txa
        a = x;
        break;
      default:
        // Unreachable for validated programs; rejecting is the safe answer.
        return 0;
    }
  }
}
