import type { BpfInstruction } from "../bpf/index.js";

/**
 * The code generator's intermediate form: a boolean formula over atomic tests. Each test is
 * self-contained: its statements compute, from the packet alone, the value its jump
 * compares, and nothing after it depends on the registers it leaves behind. That property
 * is what lets the optimiser skip, merge and reorder blocks freely.
 */
export type Pred =
  | { kind: "test"; stmts: readonly BpfInstruction[]; code: number; k: number }
  | { kind: "and" | "or"; left: Pred; right: Pred }
  | { kind: "not"; operand: Pred }
  | { kind: "true" }
  | { kind: "false" };

export const TRUE: Pred = { kind: "true" };
export const FALSE: Pred = { kind: "false" };

export function test(stmts: readonly BpfInstruction[], code: number, k: number): Pred {
  return { kind: "test", stmts, code, k: k >>> 0 };
}

/**
 * Conjunction. Constants fold only where that keeps libpcap's run-time behaviour: a test
 * that is skipped can no longer reject the packet by reading past its end, so `x and false`
 * is kept (the optimiser removes it when it can prove that harmless).
 */
export function and(left: Pred | null, right: Pred | null): Pred {
  if (left === null) return right ?? TRUE;
  if (right === null) return left;
  if (left.kind === "true") return right;
  if (right.kind === "true") return left;
  if (left.kind === "false") return FALSE;
  return { kind: "and", left, right };
}

export function or(left: Pred, right: Pred): Pred {
  if (left.kind === "false") return right;
  if (right.kind === "false") return left;
  if (left.kind === "true") return TRUE;
  return { kind: "or", left, right };
}

export function not(operand: Pred): Pred {
  if (operand.kind === "true") return FALSE;
  if (operand.kind === "false") return TRUE;
  return { kind: "not", operand };
}

export function andAll(...preds: Pred[]): Pred {
  return preds.reduce((acc, p) => and(acc, p), TRUE);
}

export function orAll(...preds: Pred[]): Pred {
  return preds.reduce((acc, p) => or(acc, p), FALSE);
}
