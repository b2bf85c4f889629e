/**
 * evnet/packet/filter: tcpdump's filter language (pcap-filter(7)) compiled to classic BPF.
 *
 * Stages, each with printable output: {@link tokenize} -> {@link parseFilter} (AST, print it
 * with {@link formatFilter}) -> code generation for a link type -> {@link optimizeFlow} to a
 * fixed point -> linearisation -> validation; then run the program with `bpfRun`, compile it
 * with `compileBpfToJs`, or print it with `disassemble` (all in `../bpf`).
 */
import {
  BPF_K,
  BPF_RET,
  type BpfProgram,
  compileBpfToJs,
  stmt,
  validateBpf,
} from "../bpf/index.js";
import { BlockBuilder, type Leaf } from "./_blocks.js";
import { lowerFilter } from "./codegen.js";
import { FilterError } from "./errors.js";
import { linearize } from "./linearize.js";
import { linkLayerOf } from "./link.js";
import { optimizeFlow } from "./optimize.js";
import { parseFilter } from "./parser.js";

export type { Arith, FilterAst, IdValue, Qualifiers, RelOp } from "./ast.js";
export { FilterError, type FilterErrorCode } from "./errors.js";
export { formatFilter } from "./format.js";
export { type Token, tokenize } from "./lexer.js";
export * from "./link.js";
export { MAX_OPTIMIZER_ROUNDS, optimizeFlow } from "./optimize.js";
export { parseFilter } from "./parser.js";

export interface CompileFilterOptions {
  /** LINKTYPE_* of the capture the filter will run on. */
  linkType: number;
  /** Bytes to keep of an accepted packet: the value of the accepting `ret`. */
  snaplen?: number;
  /** Run the optimiser (default true). Like libpcap, an optimised filter that can never match is refused. */
  optimize?: boolean;
  /** Netmask for `ip broadcast`; 0 (tcpdump's value when reading a file) when unknown. */
  netmask?: number;
  /** Byte order of LINKTYPE_NULL's address family field (that of the pcap file); default true. */
  nullHeaderLittleEndian?: boolean;
}

/** Default snapshot length, tcpdump's since 4.99: accepted packets are kept whole. */
export const DEFAULT_SNAPLEN = 262144;

/**
 * Compiles a filter expression to a validated classic BPF program for a link type, as
 * `pcap_compile` does. Throws {@link FilterError} for syntax errors (with the position and
 * token), for filters that make no sense on the link type, and, when optimising, for filters
 * that can never match.
 *
 * @example
 * const prog = compileFilter("tcp port 80", { linkType: LINKTYPE_ETHERNET });
 * disassemble(prog); // "(000) ldh      [12]\n(001) jeq      #0x86dd ..."
 */
export function compileFilter(expression: string, options: CompileFilterOptions): BpfProgram {
  const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
  if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0xffffffff) {
    throw new RangeError(`snaplen must be an integer from 1 to 4294967295, got ${snaplen}`);
  }
  const link = linkLayerOf(options.linkType);
  const ast = parseFilter(expression);
  if (ast.kind === "empty") return [stmt(BPF_RET | BPF_K, snaplen)];
  const pred = lowerFilter(ast, {
    link,
    netmask: (options.netmask ?? 0) >>> 0,
    nullHeaderLittleEndian: options.nullHeaderLittleEndian ?? true,
  });
  const accept: Leaf = { kind: "leaf", ret: snaplen };
  const reject: Leaf = { kind: "leaf", ret: 0 };
  let root = new BlockBuilder().emit(pred, accept, reject);
  const optimize = options.optimize ?? true;
  if (optimize) {
    root = optimizeFlow(root);
    if (root === reject)
      throw new FilterError("FILTER_REJECTS_ALL", "expression rejects all packets");
  }
  const program = linearize(root);
  validateBpf(program);
  return program;
}

/**
 * A predicate for one link type, through the BPF -> JavaScript compiler. `wireLength`
 * defaults to the captured length.
 *
 * @example
 * const isDns = makeMatcher("udp port 53", LINKTYPE_ETHERNET);
 * isDns(frameBytes); // true or false
 */
export function makeMatcher(
  expression: string,
  linkType: number,
): (packet: Uint8Array, wireLength?: number) => boolean {
  const run = compileBpfToJs(compileFilter(expression, { linkType }));
  return (packet, wireLength = packet.length) => run(packet, wireLength) !== 0;
}
