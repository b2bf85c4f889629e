import {
  BPF_ABS,
  BPF_ALU,
  BPF_B,
  BPF_DIV,
  BPF_H,
  BPF_IMM,
  BPF_IND,
  BPF_JA,
  BPF_JMP,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_MAXINSNS,
  BPF_MEM,
  BPF_MEMWORDS,
  BPF_MISC,
  BPF_MOD,
  BPF_MSH,
  BPF_NEG,
  BPF_RET,
  BPF_ST,
  BPF_STX,
  BPF_W,
  bpfClass,
  bpfMode,
  bpfOp,
  bpfSize,
} from "./opcodes.js";
import { BpfError, type BpfProgram } from "./program.js";

const ALU_OPS = new Set([0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0]);
const JMP_OPS = new Set([0x00, 0x10, 0x20, 0x30, 0x40]);

/** True when `code` is an opcode the classic BPF machine defines. */
export function isValidOpcode(code: number): boolean {
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) return false;
  switch (bpfClass(code)) {
    case BPF_LD: {
      const mode = bpfMode(code);
      const size = bpfSize(code);
      if (code & 0xff00) return false;
      if (mode === BPF_ABS || mode === BPF_IND)
        return size === BPF_W || size === BPF_H || size === BPF_B;
      return (mode === BPF_IMM || mode === BPF_MEM || mode === BPF_LEN) && size === BPF_W;
    }
    case BPF_LDX: {
      const mode = bpfMode(code);
      if (code & 0xff00) return false;
      if (mode === BPF_MSH) return bpfSize(code) === BPF_B;
      return (mode === BPF_IMM || mode === BPF_MEM || mode === BPF_LEN) && bpfSize(code) === BPF_W;
    }
    case BPF_ST:
    case BPF_STX:
      return code === BPF_ST || code === BPF_STX;
    case BPF_ALU:
      if (code & 0xff00) return false;
      if (bpfOp(code) === BPF_NEG) return code === (BPF_ALU | BPF_NEG);
      return ALU_OPS.has(bpfOp(code));
    case BPF_JMP:
      if (code & 0xff00) return false;
      if (bpfOp(code) === BPF_JA) return code === (BPF_JMP | BPF_JA);
      return JMP_OPS.has(bpfOp(code));
    case BPF_RET:
      return code === 0x06 || code === 0x0e || code === 0x16;
    case BPF_MISC:
      return code === 0x07 || code === 0x87;
  }
  return false;
}

/**
 * Checks a program the way the kernel's sk_chk_filter and libpcap's bpf_validate do, so
 * that the interpreter and the JS compiler can run it without further checks:
 * 1..4096 instructions, known opcodes, jumps forward and inside the program, scratch
 * memory indices below 16, no division or modulo by the constant 0, and a final RET (so
 * every path ends in a RET, because jumps only go forward).
 * Throws {@link BpfError}; returns nothing on success.
 *
 * @example
 * validateBpf([{ code: 0x06, jt: 0, jf: 0, k: 262144 }]); // a program that accepts all
 */
export function validateBpf(prog: BpfProgram): void {
  const n = prog.length;
  if (n === 0) throw new BpfError("BPF_EMPTY", "BPF program is empty");
  if (n > BPF_MAXINSNS) {
    throw new BpfError(
      "BPF_TOO_LONG",
      `BPF program has ${n} instructions, more than ${BPF_MAXINSNS}`,
    );
  }
  for (let pc = 0; pc < n; pc++) {
    const insn = prog[pc]!;
    const { code, jt, jf, k } = insn;
    if (!isValidOpcode(code)) {
      throw new BpfError(
        "BPF_BAD_OPCODE",
        `invalid opcode 0x${String(code.toString(16))} at ${pc}`,
        pc,
      );
    }
    if (!Number.isInteger(k) || k < 0 || k > 0xffffffff) {
      throw new BpfError(
        "BPF_BAD_K",
        `operand k=${k} at ${pc} is not an unsigned 32-bit integer`,
        pc,
      );
    }
    if (
      !Number.isInteger(jt) ||
      !Number.isInteger(jf) ||
      jt < 0 ||
      jf < 0 ||
      jt > 255 ||
      jf > 255
    ) {
      throw new BpfError("BPF_BAD_JUMP", `jump offsets at ${pc} must be 0..255`, pc);
    }
    const cls = bpfClass(code);
    if (cls === BPF_JMP) {
      if (bpfOp(code) === BPF_JA) {
        if (k >= n - pc - 1)
          throw new BpfError("BPF_BAD_JUMP", `ja at ${pc} jumps out of the program`, pc);
      } else if (pc + 1 + jt >= n || pc + 1 + jf >= n) {
        throw new BpfError("BPF_BAD_JUMP", `jump at ${pc} goes out of the program`, pc);
      }
    } else if (
      cls === BPF_ST ||
      cls === BPF_STX ||
      ((cls === BPF_LD || cls === BPF_LDX) && bpfMode(code) === BPF_MEM)
    ) {
      if (k >= BPF_MEMWORDS) {
        throw new BpfError(
          "BPF_BAD_MEMORY",
          `scratch memory index ${k} at ${pc} is not below ${BPF_MEMWORDS}`,
          pc,
        );
      }
    } else if (cls === BPF_ALU && (bpfOp(code) === BPF_DIV || bpfOp(code) === BPF_MOD)) {
      if ((code & 0x08) === BPF_K && k === 0) {
        throw new BpfError("BPF_DIVIDE_BY_ZERO", `division by constant zero at ${pc}`, pc);
      }
    }
  }
  if (bpfClass(prog[n - 1]!.code) !== BPF_RET) {
    throw new BpfError(
      "BPF_NO_RETURN",
      "BPF program does not end with a return instruction",
      n - 1,
    );
  }
}
