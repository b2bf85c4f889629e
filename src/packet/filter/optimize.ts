import {
  BPF_ABS,
  BPF_ALU,
  BPF_AND,
  BPF_DIV,
  BPF_IND,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_MOD,
  BPF_MSH,
  BPF_X,
  type BpfInstruction,
  bpfClass,
  bpfMode,
  bpfOp,
  bpfSrc,
} from "../bpf/index.js";
import { type Block, type FlowNode, topologicalOrder } from "./_blocks.js";

/** Upper bound on optimiser rounds; each round only removes or redirects, so few are needed. */
export const MAX_OPTIMIZER_ROUNDS = 100;

/**
 * Optimises the block graph to a fixed point (or {@link MAX_OPTIMIZER_ROUNDS} rounds):
 * 1. peephole: `and #m; jeq #0` becomes `jset #m` with the branches swapped;
 * 2. jump threading: along every edge, the outcomes of the tests already passed decide
 *    later tests of the same value (`ldh [12] == 0x800` rules out `ldh [12] == 0x86dd`),
 *    and the edge skips them (libpcap's opt_j does the same with its dominator facts);
 * 3. a block whose two branches go to the same place disappears, when skipping it cannot
 *    change the verdict (it loads nothing that could be out of bounds, or both go to reject);
 * 4. identical blocks with identical successors are merged.
 * None of these changes which packets match, including truncated ones: a skipped test
 * always has an earlier test with the same loads on the same path.
 * Returns the new root; blocks are modified in place.
 */
export function optimizeFlow(root: FlowNode, maxRounds = MAX_OPTIMIZER_ROUNDS): FlowNode {
  for (const block of topologicalOrder(root)) peephole(block);
  for (let round = 0; round < maxRounds; round++) {
    let changed = false;
    changed = threadJumps(root) || changed;
    const pruned = removeUselessBlocks(root);
    changed = pruned.changed || changed;
    root = pruned.root;
    const merged = mergeIdenticalBlocks(root);
    changed = merged.changed || changed;
    root = merged.root;
    if (!changed) break;
  }
  return root;
}

/** The value a block compares, as text: equal keys mean equal values for every packet. */
export function valueKey(block: Block): string {
  let key = "";
  for (const s of block.stmts) key += `${s.code},${s.k};`;
  return key;
}

function peephole(block: Block): void {
  const last = block.stmts[block.stmts.length - 1];
  if (last === undefined || last.code !== (BPF_ALU | BPF_AND | BPF_K) || last.k === 0) return;
  if (block.code !== (BPF_JMP | BPF_JEQ | BPF_K)) return;
  if (block.k === 0) {
    block.stmts = block.stmts.slice(0, -1);
    block.code = BPF_JMP | BPF_JSET | BPF_K;
    block.k = last.k;
    [block.jt, block.jf] = [block.jf, block.jt];
  } else if (block.k === last.k && (last.k & (last.k - 1)) === 0) {
    // (A & bit) == bit is A & bit != 0.
    block.stmts = block.stmts.slice(0, -1);
    block.code = BPF_JMP | BPF_JSET | BPF_K;
  }
}

interface Fact {
  key: string;
  code: number;
  k: number;
  outcome: boolean;
}

const factId = (f: Fact): string => `${f.key}|${f.code}|${f.k}|${f.outcome ? 1 : 0}`;

/** What a known outcome of one test of a value says about another test of the same value. */
function implies(fact: Fact, code: number, k: number): boolean | null {
  if (fact.code === code && fact.k === k) return fact.outcome;
  if (bpfSrc(fact.code) === BPF_X || bpfSrc(code) === BPF_X) return null;
  const op = bpfOp(code);
  const k1 = fact.k;
  switch (bpfOp(fact.code)) {
    case BPF_JEQ:
      if (fact.outcome) {
        // The value is known exactly.
        if (op === BPF_JEQ) return k1 === k;
        if (op === BPF_JGT) return k1 > k;
        if (op === BPF_JGE) return k1 >= k;
        if (op === BPF_JSET) return (k1 & k) !== 0;
      } else if (op === BPF_JEQ && k === k1) return false;
      return null;
    case BPF_JGT:
      if (fact.outcome) {
        if ((op === BPF_JGT || op === BPF_JEQ) && k <= k1) return op === BPF_JGT;
        if (op === BPF_JGE && k <= k1 + 1) return true;
      } else {
        if ((op === BPF_JGT && k >= k1) || ((op === BPF_JGE || op === BPF_JEQ) && k > k1))
          return false;
      }
      return null;
    case BPF_JGE:
      if (fact.outcome) {
        if (op === BPF_JGT && k < k1) return true;
        if (op === BPF_JGE && k <= k1) return true;
        if (op === BPF_JEQ && k < k1) return false;
      } else if (k1 > 0) {
        if ((op === BPF_JGT && k >= k1 - 1) || ((op === BPF_JGE || op === BPF_JEQ) && k >= k1))
          return false;
      }
      return null;
    case BPF_JSET:
      if (fact.outcome) {
        if (op === BPF_JSET && (k1 & ~k) === 0) return true;
        if (op === BPF_JEQ && (k & k1) === 0) return false;
      } else {
        if (op === BPF_JSET && (k & ~k1) === 0) return false;
        if (op === BPF_JEQ && (k & k1) !== 0) return false;
      }
      return null;
  }
  return null;
}

function decide(block: Block, facts: Map<string, Fact>): boolean | null {
  const key = valueKey(block);
  for (const fact of facts.values()) {
    if (fact.key !== key) continue;
    const r = implies(fact, block.code, block.k);
    if (r !== null) return r;
  }
  return null;
}

function threadJumps(root: FlowNode): boolean {
  let changed = false;
  const factsIn = new Map<Block, Map<string, Fact>>();
  if (root.kind === "block") factsIn.set(root, new Map());
  for (const block of topologicalOrder(root)) {
    const incoming = factsIn.get(block);
    if (incoming === undefined) continue; // no longer reachable
    for (const outcome of [true, false]) {
      const facts = new Map(incoming);
      const own: Fact = { key: valueKey(block), code: block.code, k: block.k, outcome };
      facts.set(factId(own), own);
      let target = outcome ? block.jt : block.jf;
      while (target.kind === "block") {
        const d = decide(target, facts);
        if (d === null) break;
        const f: Fact = { key: valueKey(target), code: target.code, k: target.k, outcome: d };
        facts.set(factId(f), f);
        target = d ? target.jt : target.jf;
        changed = true;
      }
      if (outcome) block.jt = target;
      else block.jf = target;
      if (target.kind === "block") {
        const known = factsIn.get(target);
        if (known === undefined) factsIn.set(target, facts);
        else for (const id of [...known.keys()]) if (!facts.has(id)) known.delete(id);
      }
    }
  }
  return changed;
}

/** Can running these statements end the program early (an out-of-bounds load, x = 0)? */
export function canFail(stmts: readonly BpfInstruction[]): boolean {
  for (const s of stmts) {
    const cls = bpfClass(s.code);
    if (cls === BPF_LD || cls === BPF_LDX) {
      const mode = bpfMode(s.code);
      if (mode === BPF_ABS || mode === BPF_IND || mode === BPF_MSH) return true;
    } else if (cls === BPF_ALU && bpfSrc(s.code) === BPF_X) {
      const op = bpfOp(s.code);
      if (op === BPF_DIV || op === BPF_MOD) return true;
    }
  }
  return false;
}

function rewire(root: FlowNode, replace: (node: FlowNode) => FlowNode): FlowNode {
  for (const block of topologicalOrder(root)) {
    block.jt = replace(block.jt);
    block.jf = replace(block.jf);
  }
  return replace(root);
}

function removeUselessBlocks(root: FlowNode): { root: FlowNode; changed: boolean } {
  let changed = false;
  const skip = (node: FlowNode): FlowNode => {
    while (node.kind === "block" && node.jt === node.jf) {
      const rejects = node.jt.kind === "leaf" && node.jt.ret === 0;
      if (!rejects && canFail(node.stmts)) break;
      node = node.jt;
      changed = true;
    }
    return node;
  };
  // Children are rewired before parents look at them, so chains collapse in one pass.
  const order = topologicalOrder(root).reverse();
  for (const block of order) {
    block.jt = skip(block.jt);
    block.jf = skip(block.jf);
  }
  return { root: skip(root), changed };
}

function mergeIdenticalBlocks(root: FlowNode): { root: FlowNode; changed: boolean } {
  const canonical = new Map<string, Block>();
  const replacement = new Map<Block, Block>();
  const id = (node: FlowNode): string => (node.kind === "leaf" ? `r${node.ret}` : `b${node.id}`);
  const resolve = (node: FlowNode): FlowNode =>
    node.kind === "block" ? (replacement.get(node) ?? node) : node;
  for (const block of topologicalOrder(root).reverse()) {
    block.jt = resolve(block.jt);
    block.jf = resolve(block.jf);
    const key = `${valueKey(block)}|${block.code}|${block.k}|${id(block.jt)}|${id(block.jf)}`;
    const existing = canonical.get(key);
    if (existing === undefined) canonical.set(key, block);
    else replacement.set(block, existing);
  }
  if (replacement.size === 0) return { root, changed: false };
  return { root: rewire(root, resolve), changed: true };
}
