/**
 * One classic BPF instruction: the 8-byte `struct sock_filter` of Linux and `struct bpf_insn`
 * of libpcap. `jt` and `jf` are relative forward offsets (0..255) for conditional jumps; `k`
 * is an unsigned 32-bit operand.
 */
export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** A linear classic BPF program, as attached with SO_ATTACH_FILTER. */
export type BpfProgram = readonly BpfInstruction[];

/** Builds a non-jump instruction. */
export function stmt(code: number, k = 0): BpfInstruction {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

/** Builds a jump instruction. */
export function jump(code: number, k: number, jt: number, jf: number): BpfInstruction {
  return { code, jt, jf, k: k >>> 0 };
}

/** Thrown by the validator and the JS compiler for a program they refuse. */
export class BpfError extends Error {
  override readonly name = "BpfError";
  readonly code: string;
  /** Index of the offending instruction, or -1 for whole-program problems. */
  readonly pc: number;
  constructor(code: string, message: string, pc = -1) {
    super(message);
    this.code = code;
    this.pc = pc;
  }
}
