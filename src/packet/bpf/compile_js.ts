import { BPF_JA, BPF_JMP, bpfClass, bpfOp } from "./opcodes.js";
import type { BpfProgram } from "./program.js";
import { validateBpf } from "./validate.js";

/** A BPF program turned into a JavaScript function; same verdicts as {@link bpfRun}. */
export type CompiledBpf = (packet: Uint8Array, wireLength: number) => number;

/**
 * The same function over a packet that sits inside a larger buffer:
 * `bytes[at, at + capturedLength)`, so that a reader can filter records where they lie in
 * its read buffer without making a view per packet.
 */
export type CompiledBpfAt = (
  bytes: Uint8Array,
  at: number,
  capturedLength: number,
  wireLength: number,
) => number;

/**
 * Above this many distinct jump targets the generated code uses a switch inside a loop
 * instead of nested labelled blocks, so that V8's parser never recurses thousands deep.
 */
const MAX_NESTED_LABELS = 400;

/**
 * Compiles a classic BPF program to a JavaScript function with the interpreter's semantics.
 *
 * Because classic BPF only jumps forward, the program is a DAG, and every jump target `t`
 * can be the end of a labelled block that starts at instruction 0: `break Lt` from anywhere
 * before `t` lands on `t`. The result is straight-line code that V8 optimises like any other
 * function: registers and the scratch words that are used become local variables, and every
 * packet load has one bounds check against a constant.
 *
 * @example
 * const f = compileBpfToJs([{ code: 0x06, jt: 0, jf: 0, k: 1 }]);
 * f(new Uint8Array(0), 0); // 1
 */
export function compileBpfToJs(prog: BpfProgram): CompiledBpf {
  const source = bpfToJsSource(prog);
  // new Function is the point of this module: it turns the program into code V8 can optimise.
  return new Function("p", "len", source) as CompiledBpf;
}

/**
 * Like {@link compileBpfToJs}, for packets at an offset in a larger buffer: the program sees
 * `bytes[at, at + capturedLength)` as its packet and nothing around it.
 *
 * @example
 * const f = compileBpfToJsAt([{ code: 0x30, jt: 0, jf: 0, k: 0 }, { code: 0x16, jt: 0, jf: 0, k: 0 }]);
 * f(Uint8Array.of(9, 7, 5), 1, 2, 2); // 7
 */
export function compileBpfToJsAt(prog: BpfProgram): CompiledBpfAt {
  const source = bpfToJsSource(prog, true);
  return new Function("p", "at", "caplen", "len", source) as CompiledBpfAt;
}

/**
 * The body of the function {@link compileBpfToJs} builds (or {@link compileBpfToJsAt} with
 * `atOffset`), for inspection and debugging.
 */
export function bpfToJsSource(prog: BpfProgram, atOffset = false): string {
  validateBpf(prog);
  const targets = new Set<number>();
  for (let pc = 0; pc < prog.length; pc++) {
    const insn = prog[pc]!;
    if (bpfClass(insn.code) !== BPF_JMP) continue;
    if (bpfOp(insn.code) === BPF_JA) {
      if (insn.k !== 0) targets.add(pc + 1 + insn.k);
    } else {
      if (insn.jt !== 0) targets.add(pc + 1 + insn.jt);
      if (insn.jf !== 0) targets.add(pc + 1 + insn.jf);
    }
  }
  const useSwitch = targets.size > MAX_NESTED_LABELS;
  const goto = useSwitch
    ? (t: number) => `{ pc = ${t}; continue; }`
    : (t: number) => `break L${t};`;

  const lines: string[] = [];
  const memUsed = new Set<number>();
  for (let pc = 0; pc < prog.length; pc++) {
    if (useSwitch) lines.push(`case ${pc}:`);
    else if (targets.has(pc)) lines.push("}");
    lines.push(instructionSource(prog, pc, goto, memUsed, atOffset ? "at + " : ""));
  }

  const head = [atOffset ? "const n = caplen;" : "const n = p.length;", "let a = 0, x = 0, o = 0;"];
  for (const i of [...memUsed].sort((l, r) => l - r)) head.push(`let m${i} = 0;`);
  if (useSwitch) {
    return [
      ...head,
      "let pc = 0;",
      "for (;;) switch (pc) {",
      ...lines,
      "default: return 0;",
      "}",
    ].join("\n");
  }
  const open = [...targets].sort((l, r) => r - l).map((t) => `L${t}: {`);
  return [...head, ...open, ...lines].join("\n");
}

function instructionSource(
  prog: BpfProgram,
  pc: number,
  goto: (target: number) => string,
  memUsed: Set<number>,
  /** "" for a packet at index 0, or "at + " for one at an offset. */
  origin: string,
): string {
  const { code, jt, jf, k } = prog[pc]!;
  /** The packet byte at `index` plus `plus`, as a JavaScript expression. */
  const byte = (index: string, plus = 0): string =>
    plus === 0 ? `p[${origin}${index}]` : `p[${origin}${index} + ${plus}]`;
  const loadWord = (index: string): string =>
    `((${byte(index)} << 24) | (${byte(index, 1)} << 16) | (${byte(index, 2)} << 8) | ${byte(index, 3)}) >>> 0`;
  const next = pc + 1;
  const branch = (cond: string): string => {
    const t = next + jt;
    const f = next + jf;
    if (t === f) return t === next ? "" : goto(t);
    if (t === next) return `if (!(${cond})) ${goto(f)}`;
    if (f === next) return `if (${cond}) ${goto(t)}`;
    return `if (${cond}) ${goto(t)} ${goto(f)}`;
  };
  switch (code) {
    case 0x06:
      return `return ${k};`;
    case 0x16:
      return "return a;";
    case 0x0e:
      return "return x;";
    case 0x20:
      return `if (n < ${k + 4}) return 0; a = ${loadWord(String(k))};`;
    case 0x28:
      return `if (n < ${k + 2}) return 0; a = (${byte(String(k))} << 8) | ${byte(String(k + 1))};`;
    case 0x30:
      return `if (n < ${k + 1}) return 0; a = ${byte(String(k))};`;
    case 0x40:
      return `o = x + ${k}; if (o + 4 > n) return 0; a = ${loadWord("o")};`;
    case 0x48:
      return `o = x + ${k}; if (o + 2 > n) return 0; a = (${byte("o")} << 8) | ${byte("o", 1)};`;
    case 0x50:
      return `o = x + ${k}; if (o >= n) return 0; a = ${byte("o")};`;
    case 0x80:
      return "a = len >>> 0;";
    case 0x81:
      return "x = len >>> 0;";
    case 0x00:
      return `a = ${k};`;
    case 0x01:
      return `x = ${k};`;
    case 0x60:
      memUsed.add(k);
      return `a = m${k};`;
    case 0x61:
      memUsed.add(k);
      return `x = m${k};`;
    case 0xb1:
      return `if (n < ${k + 1}) return 0; x = (${byte(String(k))} & 15) << 2;`;
    case 0x02:
      memUsed.add(k);
      return `m${k} = a;`;
    case 0x03:
      memUsed.add(k);
      return `m${k} = x;`;
    case 0x05:
      return k === 0 ? "" : goto(next + k);
    case 0x15:
      return branch(`a === ${k}`);
    case 0x25:
      return branch(`a > ${k}`);
    case 0x35:
      return branch(`a >= ${k}`);
    case 0x45:
      return branch(`(a & ${k}) !== 0`);
    case 0x1d:
      return branch("a === x");
    case 0x2d:
      return branch("a > x");
    case 0x3d:
      return branch("a >= x");
    case 0x4d:
      return branch("(a & x) !== 0");
    case 0x04:
      return `a = (a + ${k}) >>> 0;`;
    case 0x14:
      return `a = (a - ${k}) >>> 0;`;
    case 0x24:
      return `a = Math.imul(a, ${k}) >>> 0;`;
    case 0x34:
      return `a = (a / ${k}) >>> 0;`;
    case 0x94:
      return `a = a % ${k};`;
    case 0x44:
      return `a = (a | ${k}) >>> 0;`;
    case 0x54:
      return `a = (a & ${k}) >>> 0;`;
    case 0xa4:
      return `a = (a ^ ${k}) >>> 0;`;
    case 0x64:
      return k < 32 ? `a = (a << ${k}) >>> 0;` : "a = 0;";
    case 0x74:
      return k < 32 ? `a = a >>> ${k};` : "a = 0;";
    case 0x0c:
      return "a = (a + x) >>> 0;";
    case 0x1c:
      return "a = (a - x) >>> 0;";
    case 0x2c:
      return "a = Math.imul(a, x) >>> 0;";
    case 0x3c:
      return "if (x === 0) return 0; a = (a / x) >>> 0;";
    case 0x9c:
      return "if (x === 0) return 0; a = a % x;";
    case 0x4c:
      return "a = (a | x) >>> 0;";
    case 0x5c:
      return "a = (a & x) >>> 0;";
    case 0xac:
      return "a = (a ^ x) >>> 0;";
    case 0x6c:
      return "a = x < 32 ? (a << x) >>> 0 : 0;";
    case 0x7c:
      return "a = x < 32 ? a >>> x : 0;";
    case 0x84:
      return "a = -a >>> 0;";
    case 0x07:
      return "x = a;";
    case 0x87:
      return "a = x;";
  }
  // validateBpf has already refused every other opcode.
  return "return 0;";
}
