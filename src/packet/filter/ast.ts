/**
 * The filter AST. libpcap generates code while it parses; evnet parses to this tree first so
 * that filters can be printed, inspected and compiled for several link types. Every node
 * keeps the 0-based offset of the token that starts it, for error messages.
 */

/** Protocol qualifier: `ether`, `ip`, `tcp`... or null when absent. */
export type ProtoQualifier = string | null;
/** Direction qualifier; `or` is `src or dst`, `and` is `src and dst`. */
export type DirQualifier = "src" | "dst" | "or" | "and" | null;
/** Type qualifier of an id: what the id names. */
export type AddrQualifier =
  | "host"
  | "net"
  | "port"
  | "portrange"
  | "gateway"
  | "proto"
  | "protochain"
  | null;

export interface Qualifiers {
  proto: ProtoQualifier;
  dir: DirQualifier;
  addr: AddrQualifier;
}

/** What the lexer saw for an id. */
export type IdValue =
  | { kind: "number"; value: number; text: string }
  | { kind: "ipv4"; text: string }
  | { kind: "ipv6"; text: string }
  | { kind: "mac"; text: string }
  | { kind: "name"; text: string }
  | { kind: "ipv4/len"; text: string; length: number }
  | { kind: "ipv6/len"; text: string; length: number }
  | { kind: "ipv4 mask"; text: string; mask: string };

export type FilterAst =
  | { kind: "empty"; position: number }
  | { kind: "and" | "or"; left: FilterAst; right: FilterAst; position: number }
  | { kind: "not"; operand: FilterAst; position: number }
  /** `[proto] [dir] [type] id`, with the qualifiers already inherited where they were omitted. */
  | { kind: "id"; qualifiers: Qualifiers; value: IdValue; position: number }
  /** A protocol name on its own: `ip`, `tcp`, `icmp6`... */
  | { kind: "protocol"; name: string; position: number }
  | { kind: "relation"; op: RelOp; left: Arith; right: Arith; position: number }
  | { kind: "broadcast" | "multicast"; proto: ProtoQualifier; position: number }
  | { kind: "less" | "greater"; value: number; position: number }
  | { kind: "vlan"; id: number | null; position: number };

export type RelOp = ">" | ">=" | "=" | "!=" | "<" | "<=";
export type ArithOp = "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>";

export type Arith =
  | { kind: "number"; value: number; position: number }
  | { kind: "len"; position: number }
  | { kind: "load"; proto: string; index: Arith; size: 1 | 2 | 4; position: number }
  | { kind: "binary"; op: ArithOp; left: Arith; right: Arith; position: number }
  | { kind: "negate"; operand: Arith; position: number };
