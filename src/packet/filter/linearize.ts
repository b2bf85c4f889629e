import {
  BPF_B,
  BPF_JA,
  BPF_JMP,
  BPF_K,
  BPF_LDX,
  BPF_MISC,
  BPF_MSH,
  BPF_RET,
  BPF_TAX,
  BpfError,
  type BpfInstruction,
  stmt,
} from "../bpf/index.js";
import { type Block, type FlowNode, topologicalOrder } from "./_blocks.js";
import { valueKey } from "./optimize.js";

/**
 * Lays the block graph out as a linear program: blocks in topological order with each
 * block's true branch right after it where possible, then the return instructions.
 *
 * A block's statements are left out when every block that jumps to it has just computed the
 * same value (their statements are identical), so `ldh [12]; jeq #0x800; jeq #0x86dd` loads
 * once, as libpcap's output does. Conditional jumps reach at most 255 instructions ahead;
 * a farther target gets a `ja` trampoline right after the jump.
 */
export function linearize(root: FlowNode): BpfInstruction[] {
  if (root.kind === "leaf") return [stmt(BPF_RET | BPF_K, root.ret)];
  const blocks = topologicalOrder(root);
  const leaves = collectLeaves(blocks);
  const stmtsOf = elideRepeatedLoads(root as Block, blocks);

  // Far branches (block index -> which branches need a trampoline), grown until offsets fit.
  const trampolines = new Map<Block, { jt: boolean; jf: boolean }>();
  for (let attempt = 0; attempt < 64; attempt++) {
    const start = new Map<FlowNode, number>();
    let pc = 0;
    for (const block of blocks) {
      start.set(block, pc);
      const t = trampolines.get(block);
      pc += stmtsOf.get(block)!.length + 1 + (t?.jt ? 1 : 0) + (t?.jf ? 1 : 0);
    }
    for (const leaf of leaves) start.set(leaf, pc++);

    const out: BpfInstruction[] = [];
    let grew = false;
    for (const block of blocks) {
      out.push(...stmtsOf.get(block)!);
      const jumpAt = out.length;
      const t = trampolines.get(block) ?? { jt: false, jf: false };
      const far = {
        jt: start.get(block.jt)! - (jumpAt + 1),
        jf: start.get(block.jf)! - (jumpAt + 1),
      };
      let slot = jumpAt + 1;
      const jtSlot = t.jt ? slot++ : -1;
      const jfSlot = t.jf ? slot++ : -1;
      const jt = t.jt ? jtSlot - (jumpAt + 1) : far.jt;
      const jf = t.jf ? jfSlot - (jumpAt + 1) : far.jf;
      if (jt > 255 || jf > 255) {
        trampolines.set(block, { jt: t.jt || jt > 255, jf: t.jf || jf > 255 });
        grew = true;
      }
      out.push({ code: block.code, jt: Math.min(jt, 255), jf: Math.min(jf, 255), k: block.k });
      if (t.jt) out.push(stmt(BPF_JMP | BPF_JA, start.get(block.jt)! - (jtSlot + 1)));
      if (t.jf) out.push(stmt(BPF_JMP | BPF_JA, start.get(block.jf)! - (jfSlot + 1)));
    }
    for (const leaf of leaves) out.push(stmt(BPF_RET | BPF_K, leaf.kind === "leaf" ? leaf.ret : 0));
    if (!grew) return out;
  }
  throw new BpfError("BPF_TOO_LONG", "filter program too large to lay out with 8-bit jump offsets");
}

function collectLeaves(blocks: Block[]): FlowNode[] {
  const leaves: FlowNode[] = [];
  const seen = new Set<number>();
  for (const block of blocks) {
    for (const next of [block.jt, block.jf]) {
      if (next.kind === "leaf" && !seen.has(next.ret)) {
        seen.add(next.ret);
        leaves.push(next);
      }
    }
  }
  // Accept before reject, as libpcap usually prints them.
  return leaves.sort((a, b) => (b.kind === "leaf" ? b.ret : 0) - (a.kind === "leaf" ? a.ret : 0));
}

function elideRepeatedLoads(root: Block, blocks: Block[]): Map<Block, BpfInstruction[]> {
  const preds = new Map<Block, Block[]>();
  for (const block of blocks) {
    for (const next of new Set([block.jt, block.jf])) {
      if (next.kind === "block") {
        const list = preds.get(next) ?? [];
        list.push(block);
        preds.set(next, list);
      }
    }
  }
  const result = new Map<Block, BpfInstruction[]>();
  for (const block of blocks) {
    const key = valueKey(block);
    const from = preds.get(block) ?? [];
    const reached = block !== root && from.length > 0;
    if (reached && key !== "" && from.every((p) => valueKey(p) === key)) {
      result.set(block, []);
      continue;
    }
    // X often holds the IPv4 header length already (`ldxb 4*([14]&0xf)`): keep it.
    const first = block.stmts[0];
    if (
      reached &&
      first !== undefined &&
      first.code === LDXB &&
      from.every((p) => lastXLoad(p) === first.k)
    ) {
      result.set(block, block.stmts.slice(1));
      continue;
    }
    result.set(block, block.stmts);
  }
  return result;
}

const LDXB = BPF_LDX | BPF_MSH | BPF_B;

/** The offset of the `ldxb 4*([k]&0xf)` that last set X in the block, or -1. */
function lastXLoad(block: Block): number {
  for (let i = block.stmts.length - 1; i >= 0; i--) {
    const s = block.stmts[i]!;
    if (s.code === LDXB) return s.k;
    if ((s.code & 0x07) === BPF_LDX || s.code === (BPF_MISC | BPF_TAX)) return -1;
  }
  return -1;
}
