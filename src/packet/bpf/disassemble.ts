import type { BpfInstruction, BpfProgram } from "./program.js";

const hex = (k: number): string => `0x${(k >>> 0).toString(16)}`;
// libpcap prints some operands with "%d" on an unsigned value, so large ones come out negative.
const signed = (k: number): string => String(k | 0);

/** Mnemonic and operand of one instruction, as libpcap's bpf_image() spells them. */
function mnemonic(insn: BpfInstruction, pc: number): [string, string] {
  const k = insn.k;
  switch (insn.code) {
    case 0x06:
      return ["ret", `#${signed(k)}`];
    case 0x16:
      return ["ret", ""];
    case 0x0e:
      return ["ret", "x"];
    case 0x20:
      return ["ld", `[${signed(k)}]`];
    case 0x28:
      return ["ldh", `[${signed(k)}]`];
    case 0x30:
      return ["ldb", `[${signed(k)}]`];
    case 0x80:
      return ["ld", "#pktlen"];
    case 0x81:
      return ["ldx", "#pktlen"];
    case 0x40:
      return ["ld", `[x + ${signed(k)}]`];
    case 0x48:
      return ["ldh", `[x + ${signed(k)}]`];
    case 0x50:
      return ["ldb", `[x + ${signed(k)}]`];
    case 0x00:
      return ["ld", `#${hex(k)}`];
    case 0x01:
      return ["ldx", `#${hex(k)}`];
    case 0xb1:
      return ["ldxb", `4*([${signed(k)}]&0xf)`];
    case 0x60:
      return ["ld", `M[${signed(k)}]`];
    case 0x61:
      return ["ldx", `M[${signed(k)}]`];
    case 0x02:
      return ["st", `M[${signed(k)}]`];
    case 0x03:
      return ["stx", `M[${signed(k)}]`];
    case 0x05:
      return ["ja", String(pc + 1 + k)];
    case 0x15:
      return ["jeq", `#${hex(k)}`];
    case 0x25:
      return ["jgt", `#${hex(k)}`];
    case 0x35:
      return ["jge", `#${hex(k)}`];
    case 0x45:
      return ["jset", `#${hex(k)}`];
    case 0x1d:
      return ["jeq", "x"];
    case 0x2d:
      return ["jgt", "x"];
    case 0x3d:
      return ["jge", "x"];
    case 0x4d:
      return ["jset", "x"];
    case 0x04:
      return ["add", `#${signed(k)}`];
    case 0x14:
      return ["sub", `#${signed(k)}`];
    case 0x24:
      return ["mul", `#${signed(k)}`];
    case 0x34:
      return ["div", `#${signed(k)}`];
    case 0x94:
      return ["mod", `#${signed(k)}`];
    case 0x54:
      return ["and", `#${hex(k)}`];
    case 0x44:
      return ["or", `#${hex(k)}`];
    case 0xa4:
      return ["xor", `#${hex(k)}`];
    case 0x64:
      return ["lsh", `#${signed(k)}`];
    case 0x74:
      return ["rsh", `#${signed(k)}`];
    case 0x0c:
      return ["add", "x"];
    case 0x1c:
      return ["sub", "x"];
    case 0x2c:
      return ["mul", "x"];
    case 0x3c:
      return ["div", "x"];
    case 0x9c:
      return ["mod", "x"];
    case 0x5c:
      return ["and", "x"];
    case 0x4c:
      return ["or", "x"];
    case 0xac:
      return ["xor", "x"];
    case 0x6c:
      return ["lsh", "x"];
    case 0x7c:
      return ["rsh", "x"];
    case 0x84:
      return ["neg", ""];
    case 0x07:
      return ["tax", ""];
    case 0x87:
      return ["txa", ""];
  }
  return ["unimp", hex(insn.code)];
}

const isConditionalJump = (code: number): boolean => (code & 0x07) === 0x05 && (code & 0xf0) !== 0;

/** One line of `tcpdump -d` output for the instruction at `pc`. */
export function formatInstruction(insn: BpfInstruction, pc: number): string {
  const [op, operand] = mnemonic(insn, pc);
  const index = `(${String(pc).padStart(3, "0")})`;
  if (isConditionalJump(insn.code)) {
    return `${index} ${op.padEnd(8)} ${operand.padEnd(16)} jt ${pc + 1 + insn.jt}\tjf ${pc + 1 + insn.jf}`;
  }
  return `${index} ${op.padEnd(8)} ${operand}`;
}

/**
 * The program as `tcpdump -d` prints it, one instruction per line, with a final newline.
 *
 * @example
 * disassemble([{ code: 0x28, jt: 0, jf: 0, k: 12 }, { code: 0x06, jt: 0, jf: 0, k: 0 }]);
 * // "(000) ldh      [12]\n(001) ret      #0\n"
 */
export function disassemble(prog: BpfProgram): string {
  let out = "";
  for (let pc = 0; pc < prog.length; pc++) out += `${formatInstruction(prog[pc]!, pc)}\n`;
  return out;
}

/** The program as C array initialisers, like `tcpdump -dd`: `{ 0x28, 0, 0, 0x0000000c },`. */
export function disassembleC(prog: BpfProgram): string {
  let out = "";
  for (const insn of prog) {
    const k = (insn.k >>> 0).toString(16).padStart(8, "0");
    out += `{ 0x${insn.code.toString(16)}, ${insn.jt}, ${insn.jf}, 0x${k} },\n`;
  }
  return out;
}

/** The program as decimal numbers, like `tcpdump -ddd`: a count line, then `code jt jf k`. */
export function disassembleDecimal(prog: BpfProgram): string {
  let out = `${prog.length}\n`;
  for (const insn of prog) out += `${insn.code} ${insn.jt} ${insn.jf} ${insn.k >>> 0}\n`;
  return out;
}
