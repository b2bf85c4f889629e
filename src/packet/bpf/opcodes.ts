/**
 * Classic BPF opcode fields, as defined by the BSD packet filter (McCanne and Jacobson,
 * 1993) and carried unchanged by Linux and libpcap. An opcode is the OR of a class, and
 * for loads a size and a mode, for ALU and jumps an operation and a source.
 */

// Instruction classes (low 3 bits).
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

// Load sizes (bits 3-4).
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;

// Load modes (bits 5-7).
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;

// ALU operations (bits 4-7).
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

// Jump operations (bits 4-7).
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

// Operand source (bit 3) for ALU and jumps.
export const BPF_K = 0x00;
export const BPF_X = 0x08;

// Return value source (bits 3-4) for RET.
export const BPF_A = 0x10;

// MISC operations (bits 3-7).
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** Number of 32-bit scratch memory words, M[0] .. M[15]. */
export const BPF_MEMWORDS = 16;
/** The largest program the Linux kernel and libpcap accept. */
export const BPF_MAXINSNS = 4096;

export const bpfClass = (code: number): number => code & 0x07;
export const bpfSize = (code: number): number => code & 0x18;
export const bpfMode = (code: number): number => code & 0xe0;
export const bpfOp = (code: number): number => code & 0xf0;
export const bpfSrc = (code: number): number => code & 0x08;
export const bpfRval = (code: number): number => code & 0x18;
export const bpfMiscOp = (code: number): number => code & 0xf8;
