import type { BpfInstruction } from "../bpf/index.js";
import type { Pred } from "./_pred.js";

/**
 * The control-flow graph the optimiser works on: blocks of statements ending in a
 * conditional jump to two successors, and leaves that return a verdict. Jumps go forward
 * only, so the graph is a DAG rooted at the entry block.
 */
export interface Block {
  kind: "block";
  id: number;
  stmts: BpfInstruction[];
  /** The jump opcode (BPF_JMP | op | src). */
  code: number;
  k: number;
  jt: FlowNode;
  jf: FlowNode;
}

export interface Leaf {
  kind: "leaf";
  ret: number;
}

export type FlowNode = Block | Leaf;

/** Builds blocks from a formula by continuation passing: each test learns where to go. */
export class BlockBuilder {
  private nextId = 0;

  newBlock(stmts: BpfInstruction[], code: number, k: number, jt: FlowNode, jf: FlowNode): Block {
    return { kind: "block", id: this.nextId++, stmts, code, k, jt, jf };
  }

  emit(pred: Pred, onTrue: FlowNode, onFalse: FlowNode): FlowNode {
    switch (pred.kind) {
      case "test":
        return this.newBlock([...pred.stmts], pred.code, pred.k, onTrue, onFalse);
      case "and":
        return this.emit(pred.left, this.emit(pred.right, onTrue, onFalse), onFalse);
      case "or":
        return this.emit(pred.left, onTrue, this.emit(pred.right, onTrue, onFalse));
      case "not":
        return this.emit(pred.operand, onFalse, onTrue);
      case "true":
        return onTrue;
      case "false":
        return onFalse;
    }
  }
}

/** Every block reachable from `root`, parents before children (a topological order). */
export function topologicalOrder(root: FlowNode): Block[] {
  const post: Block[] = [];
  const seen = new Set<Block>();
  // Iterative DFS: filters can be long and recursion depth is not free.
  const stack: { block: Block; state: number }[] = [];
  if (root.kind === "block") stack.push({ block: root, state: 0 });
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.state === 0) {
      if (seen.has(top.block)) {
        stack.pop();
        continue;
      }
      seen.add(top.block);
    }
    // Visit jf first so that jt ends up right after its block in the final order.
    const child = top.state === 0 ? top.block.jf : top.state === 1 ? top.block.jt : null;
    top.state++;
    if (child === null) {
      post.push(top.block);
      stack.pop();
    } else if (child.kind === "block" && !seen.has(child)) {
      stack.push({ block: child, state: 0 });
    }
  }
  return post.reverse();
}
