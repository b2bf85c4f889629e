import type { Arith, FilterAst, IdValue, Qualifiers } from "./ast.js";

/**
 * Prints an AST back as a fully parenthesised, fully qualified filter expression, so that
 * the parser's reading of an expression (precedence, inherited qualifiers) can be checked.
 *
 * @example
 * formatFilter(parseFilter("host 10.0.0.1 and port 80 or 53"));
 * // "((host 10.0.0.1 and port 80) or port 53)"
 */
export function formatFilter(ast: FilterAst): string {
  switch (ast.kind) {
    case "empty":
      return "";
    case "and":
    case "or":
      return `(${formatFilter(ast.left)} ${ast.kind} ${formatFilter(ast.right)})`;
    case "not":
      return `not ${formatFilter(ast.operand)}`;
    case "id":
      return [...qualifierWords(ast.qualifiers), idText(ast.value)].join(" ");
    case "protocol":
      return ast.name;
    case "relation":
      return `${formatArith(ast.left)} ${ast.op} ${formatArith(ast.right)}`;
    case "broadcast":
    case "multicast":
      return ast.proto === null ? ast.kind : `${ast.proto} ${ast.kind}`;
    case "less":
    case "greater":
      return `${ast.kind} ${ast.value}`;
    case "vlan":
      return ast.id === null ? "vlan" : `vlan ${ast.id}`;
  }
}

function qualifierWords(q: Qualifiers): string[] {
  const words: string[] = [];
  if (q.proto !== null) words.push(q.proto);
  if (q.dir === "or") words.push("src or dst");
  else if (q.dir === "and") words.push("src and dst");
  else if (q.dir !== null) words.push(q.dir);
  words.push(q.addr ?? "host");
  return words;
}

function idText(v: IdValue): string {
  switch (v.kind) {
    case "number":
      return String(v.value);
    case "ipv4/len":
    case "ipv6/len":
      return `${v.text}/${v.length}`;
    case "ipv4 mask":
      return `${v.text} mask ${v.mask}`;
    default:
      return v.text;
  }
}

function formatArith(a: Arith): string {
  switch (a.kind) {
    case "number":
      return String(a.value);
    case "len":
      return "len";
    case "load":
      return `${a.proto}[${formatArith(a.index)}${a.size === 1 ? "" : `:${a.size}`}]`;
    case "binary":
      return `(${formatArith(a.left)} ${a.op} ${formatArith(a.right)})`;
    case "negate":
      return `-${formatArith(a.operand)}`;
  }
}
