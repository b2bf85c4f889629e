import { PROTO_NAMES, UNSUPPORTED_KEYWORDS } from "./_tables.js";
import type {
  AddrQualifier,
  Arith,
  ArithOp,
  DirQualifier,
  FilterAst,
  IdValue,
  Qualifiers,
  RelOp,
} from "./ast.js";
import { FilterError } from "./errors.js";
import { type Token, tokenize } from "./lexer.js";

const ADDR_QUALIFIERS = new Set(["host", "net", "port", "portrange", "gateway"]);
const RELOPS = new Set([">", ">=", "=", "!=", "<", "<="]);
/** Binding strength of the binary arithmetic operators, as in libpcap's grammar. */
const PRECEDENCE: Record<string, number> = {
  "|": 1,
  "&": 2,
  "<<": 3,
  ">>": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
  "%": 5,
};
const UNARY_PRECEDENCE = 6;

interface Parsed {
  node: FilterAst;
  /** Qualifiers a following bare id inherits; null where libpcap has none (its `qerr`). */
  q: Qualifiers | null;
}

/**
 * Parses a filter expression to its AST. Throws {@link FilterError} with the position of
 * the offending token. An empty (or blank) expression gives `{ kind: "empty" }`, which
 * matches every packet.
 *
 * The grammar is libpcap's (grammar.y.in), including its qualifier inheritance: after
 * `and`/`or`, a bare id reuses the qualifiers of the term before it, so
 * `host a and port 80 or 53` means `host a and port 80 or port 53`.
 *
 * @example
 * parseFilter("tcp port 80 or 53").kind; // "or"
 */
export function parseFilter(expression: string): FilterAst {
  return new Parser(tokenize(expression)).parseProgram();
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parseProgram(): FilterAst {
    if (this.peek().kind === "eof") return { kind: "empty", position: 0 };
    const { node } = this.parseExpr(null);
    if (this.peek().kind !== "eof") this.fail(this.peek());
    return node;
  }

  // ---- token helpers -------------------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.i++;
    return t;
  }
  private isKw(t: Token, ...words: string[]): boolean {
    return t.kind === "kw" && words.includes(t.text);
  }
  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === "op" && ops.includes(t.text);
  }
  private isAnd(t: Token): boolean {
    return this.isKw(t, "and") || this.isOp(t, "&&");
  }
  private isOr(t: Token): boolean {
    return this.isKw(t, "or") || this.isOp(t, "||");
  }
  private isNot(t: Token): boolean {
    return this.isKw(t, "not") || this.isOp(t, "!");
  }
  /** Could this token continue an arithmetic expression or a relation? */
  private continuesArith(t: Token): boolean {
    return t.kind === "op" && (t.text in PRECEDENCE || t.text === "^" || RELOPS.has(t.text));
  }
  private expectOp(op: string): Token {
    const t = this.peek();
    if (!this.isOp(t, op)) this.fail(t);
    return this.next();
  }
  private fail(t: Token, why?: string): never {
    const what = t.kind === "eof" ? "end of expression" : `'${t.text}'`;
    throw new FilterError(
      "FILTER_SYNTAX",
      `syntax error at ${t.position}: unexpected ${what}${why ? ` (${why})` : ""}`,
      t.position,
    );
  }

  /**
   * Tries alternatives the way yacc's lookahead would pick them: each one from the same
   * starting token; the first that parses wins, else the error that got furthest is thrown.
   */
  private firstOf<T>(...alternatives: (() => T)[]): T {
    const start = this.i;
    let best: FilterError | null = null;
    for (const alt of alternatives) {
      try {
        return alt();
      } catch (e) {
        if (!(e instanceof FilterError) || e.code !== "FILTER_SYNTAX") throw e;
        if (best === null || e.position > best.position) best = e;
        this.i = start;
      }
    }
    throw best!;
  }

  // ---- boolean structure ---------------------------------------------------------------

  private parseExpr(q: Qualifiers | null): Parsed {
    let left = this.parseTerm(q);
    for (;;) {
      const t = this.peek();
      const kind = this.isAnd(t) ? "and" : this.isOr(t) ? "or" : null;
      if (kind === null) return left;
      this.next();
      const right = this.parseTermOrId(left.q);
      left = {
        node: { kind, left: left.node, right: right.node, position: t.position },
        q: right.q,
      };
    }
  }

  private parseTerm(q: Qualifiers | null): Parsed {
    const t = this.peek();
    if (this.isNot(t)) {
      this.next();
      const inner = this.parseTerm(q);
      return { node: { kind: "not", operand: inner.node, position: t.position }, q: inner.q };
    }
    return this.parseRterm(q);
  }

  /** After `and`/`or`: either a full term or a bare id that inherits `q`. */
  private parseTermOrId(q: Qualifiers | null): Parsed {
    const t = this.peek();
    if (t.kind === "id" || t.kind === "hid" || t.kind === "hid6" || t.kind === "eid") {
      return { node: this.parseId(q), q };
    }
    if (t.kind === "num" && !this.continuesArith(this.peek(1))) return { node: this.parseId(q), q };
    if (this.isNot(t)) {
      this.next();
      const inner = this.parseTermOrId(q);
      return { node: { kind: "not", operand: inner.node, position: t.position }, q: inner.q };
    }
    if (this.isOp(t, "(")) {
      return this.firstOf(
        () => {
          this.next();
          const node = this.parsePid(q);
          this.expectOp(")");
          if (this.continuesArith(this.peek())) this.fail(this.peek());
          return { node, q };
        },
        () => this.parseTerm(q),
      );
    }
    return this.parseTerm(q);
  }

  /** A parenthesised list of ids joined by and/or, all with the same qualifiers. */
  private parsePid(q: Qualifiers | null): FilterAst {
    let node = this.parseId(q);
    for (;;) {
      const t = this.peek();
      const kind = this.isAnd(t) ? "and" : this.isOr(t) ? "or" : null;
      if (kind === null) return node;
      this.next();
      node = { kind, left: node, right: this.parseId(q), position: t.position };
    }
  }

  /** An id: a number, address, name, `not id` or `( pid )`, under qualifiers `q`. */
  private parseId(q: Qualifiers | null): FilterAst {
    const t = this.peek();
    if (this.isNot(t)) {
      this.next();
      return { kind: "not", operand: this.parseId(q), position: t.position };
    }
    if (this.isOp(t, "(")) {
      this.next();
      const node = this.parsePid(q);
      this.expectOp(")");
      return node;
    }
    let value: IdValue;
    switch (t.kind) {
      case "num":
        this.next();
        value = { kind: "number", value: t.value, text: t.text };
        break;
      case "hid": {
        this.next();
        if (this.isOp(this.peek(), "/") && this.peek(1).kind === "num") {
          this.next();
          const len = this.next() as Token & { kind: "num" };
          value = { kind: "ipv4/len", text: t.text, length: len.value };
        } else if (this.isKw(this.peek(), "mask") && this.peek(1).kind === "hid") {
          this.next();
          value = { kind: "ipv4 mask", text: t.text, mask: this.next().text };
        } else value = { kind: "ipv4", text: t.text };
        break;
      }
      case "hid6":
        this.next();
        if (this.isOp(this.peek(), "/") && this.peek(1).kind === "num") {
          this.next();
          const len = this.next() as Token & { kind: "num" };
          value = { kind: "ipv6/len", text: t.text, length: len.value };
        } else value = { kind: "ipv6", text: t.text };
        break;
      case "eid":
        this.next();
        value = { kind: "mac", text: t.text };
        break;
      case "id":
        this.next();
        value = { kind: "name", text: t.text };
        break;
      default:
        this.fail(t);
    }
    if (q === null)
      this.fail(t, "no qualifier to inherit: write host, net, port or a protocol before it");
    return { kind: "id", qualifiers: q, value, position: t.position };
  }

  // ---- primitives ----------------------------------------------------------------------

  private parseRterm(q: Qualifiers | null): Parsed {
    const t = this.peek();
    if (this.isOp(t, "(")) {
      return this.firstOf(
        () => {
          this.next();
          const inner = this.parseExpr(q);
          this.expectOp(")");
          if (this.continuesArith(this.peek())) this.fail(this.peek());
          // A parenthesised expression passes on the qualifiers from before the parenthesis.
          return { node: inner.node, q };
        },
        () => ({ node: this.parseRelation(), q: null }),
      );
    }
    if (t.kind === "kw") {
      if (UNSUPPORTED_KEYWORDS.has(t.text)) {
        throw new FilterError(
          "FILTER_UNSUPPORTED",
          `'${t.text}' is not supported by this filter compiler`,
          t.position,
        );
      }
      const after = this.peek(1);
      if (PROTO_NAMES.has(t.text)) {
        if (this.isOp(after, "[")) return { node: this.parseRelation(), q: null };
        if (this.isKw(after, "broadcast", "multicast")) {
          this.next();
          this.next();
          return {
            node: { kind: after.text as "broadcast", proto: t.text, position: t.position },
            q: null,
          };
        }
        if (
          this.isKw(after, "src", "dst", "proto", "protochain") ||
          (after.kind === "kw" && ADDR_QUALIFIERS.has(after.text))
        ) {
          return this.parseHeadAndId();
        }
        this.next();
        return { node: { kind: "protocol", name: t.text, position: t.position }, q: null };
      }
      if (this.isKw(t, "src", "dst", "proto", "protochain") || ADDR_QUALIFIERS.has(t.text)) {
        return this.parseHeadAndId();
      }
      if (this.isKw(t, "broadcast", "multicast")) {
        this.next();
        return {
          node: { kind: t.text as "broadcast", proto: null, position: t.position },
          q: null,
        };
      }
      if (this.isKw(t, "less", "greater")) {
        this.next();
        const n = this.peek();
        if (n.kind !== "num") this.fail(n, `${t.text} takes a number`);
        this.next();
        return { node: { kind: t.text as "less", value: n.value, position: t.position }, q: null };
      }
      if (this.isKw(t, "vlan")) {
        this.next();
        const n = this.peek();
        let id: number | null = null;
        if (n.kind === "num") {
          this.next();
          id = n.value;
        }
        return { node: { kind: "vlan", id, position: t.position }, q: null };
      }
      if (this.isKw(t, "len")) return { node: this.parseRelation(), q: null };
      this.fail(t);
    }
    if (t.kind === "num" || this.isOp(t, "-")) return { node: this.parseRelation(), q: null };
    if (t.kind === "id" || t.kind === "hid" || t.kind === "hid6" || t.kind === "eid") {
      this.fail(t, "no qualifier to inherit: write host, net, port or a protocol before it");
    }
    this.fail(t);
  }

  /** `[proto] [dir] [host|net|port|portrange|gateway|proto|protochain] id` */
  private parseHeadAndId(): Parsed {
    let proto: string | null = null;
    let dir: DirQualifier = null;
    let addr: AddrQualifier = null;
    if (this.peek().kind === "kw" && PROTO_NAMES.has(this.peek().text)) proto = this.next().text;
    const d = this.peek();
    if (this.isKw(d, "src", "dst")) {
      this.next();
      dir = d.text as "src" | "dst";
      const join = this.peek();
      const other = d.text === "src" ? "dst" : "src";
      if ((this.isAnd(join) || this.isOr(join)) && this.isKw(this.peek(1), other)) {
        this.next();
        this.next();
        dir = this.isAnd(join) ? "and" : "or";
      }
    }
    const a = this.peek();
    if (a.kind === "kw" && ADDR_QUALIFIERS.has(a.text)) {
      this.next();
      addr = a.text as AddrQualifier;
    } else if (dir === null && this.isKw(a, "proto", "protochain")) {
      this.next();
      addr = a.text as AddrQualifier;
    } else if (dir === null) {
      this.fail(a);
    }
    const q: Qualifiers = { proto, dir, addr };
    return { node: this.parseId(q), q };
  }

  // ---- arithmetic ----------------------------------------------------------------------

  private parseRelation(): FilterAst {
    const start = this.peek();
    const left = this.parseArith(0);
    const op = this.peek();
    if (op.kind !== "op" || !RELOPS.has(op.text)) this.fail(op, "expected a comparison");
    this.next();
    const right = this.parseArith(0);
    return { kind: "relation", op: op.text as RelOp, left, right, position: start.position };
  }

  /**
   * Precedence climbing over libpcap's operator table. `^` has no precedence in libpcap's
   * grammar, so yacc always shifts it: `a + b ^ c + d` is `a + (b ^ (c + d))`. The
   * special case below reproduces that.
   */
  private parseArith(minPrecedence: number): Arith {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op") return left;
      if (t.text === "^") {
        this.next();
        const right = this.parseArith(0);
        left = { kind: "binary", op: "^", left, right, position: t.position };
        continue;
      }
      const p = PRECEDENCE[t.text];
      if (p === undefined || p < minPrecedence) return left;
      this.next();
      const right = this.parseArith(p + 1);
      left = { kind: "binary", op: t.text as ArithOp, left, right, position: t.position };
    }
  }

  private parseUnary(): Arith {
    const t = this.peek();
    if (this.isOp(t, "-")) {
      this.next();
      return { kind: "negate", operand: this.parseArith(UNARY_PRECEDENCE), position: t.position };
    }
    if (t.kind === "num") {
      this.next();
      return { kind: "number", value: t.value, position: t.position };
    }
    if (this.isKw(t, "len")) {
      this.next();
      return { kind: "len", position: t.position };
    }
    if (this.isOp(t, "(")) {
      this.next();
      const inner = this.parseArith(0);
      this.expectOp(")");
      return inner;
    }
    if (t.kind === "kw" && PROTO_NAMES.has(t.text) && this.isOp(this.peek(1), "[")) {
      this.next();
      this.next();
      const index = this.parseArith(0);
      let size: 1 | 2 | 4 = 1;
      if (this.isOp(this.peek(), ":")) {
        this.next();
        const n = this.peek();
        if (n.kind !== "num") this.fail(n, "expected a size");
        this.next();
        if (n.value !== 1 && n.value !== 2 && n.value !== 4) {
          throw new FilterError("FILTER_OUT_OF_RANGE", "data size must be 1, 2, or 4", n.position);
        }
        size = n.value;
      }
      this.expectOp("]");
      return { kind: "load", proto: t.text, index, size, position: t.position };
    }
    this.fail(t);
  }
}
