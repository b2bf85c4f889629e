import { parseIPv6 } from "../../bytes/index.js";
import {
  BPF_ABS,
  BPF_ADD,
  BPF_ALU,
  BPF_AND,
  BPF_B,
  BPF_DIV,
  BPF_H,
  BPF_IMM,
  BPF_IND,
  BPF_JEQ,
  BPF_JGE,
  BPF_JGT,
  BPF_JMP,
  BPF_JSET,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_LEN,
  BPF_LSH,
  BPF_MEM,
  BPF_MEMWORDS,
  BPF_MISC,
  BPF_MOD,
  BPF_MSH,
  BPF_MUL,
  BPF_NEG,
  BPF_OR,
  BPF_RSH,
  BPF_ST,
  BPF_SUB,
  BPF_TAX,
  BPF_W,
  BPF_X,
  BPF_XOR,
  type BpfInstruction,
  stmt,
} from "../bpf/index.js";
import { and, FALSE, not, or, orAll, type Pred, TRUE, test } from "./_pred.js";
import { SERVICES } from "./_services.js";
import {
  ETHER_PROTOCOLS,
  ETHERTYPE_8021AD,
  ETHERTYPE_8021Q,
  ETHERTYPE_8021QINQ,
  ETHERTYPE_ARP,
  ETHERTYPE_IP,
  ETHERTYPE_IPV6,
  ETHERTYPE_REVARP,
  IP_PROTOCOLS,
  IPPROTO_FRAGMENT,
  IPPROTO_ICMPV6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TRANSPORT_ABBREVIATIONS,
} from "./_tables.js";
import type { Arith, ArithOp, DirQualifier, FilterAst, IdValue, Qualifiers, RelOp } from "./ast.js";
import { FilterError } from "./errors.js";
import { parseNumber } from "./lexer.js";
import type { LinkLayer } from "./link.js";

const JEQ = BPF_JMP | BPF_JEQ | BPF_K;
const JGT = BPF_JMP | BPF_JGT | BPF_K;
const JGE = BPF_JMP | BPF_JGE | BPF_K;
const JSET = BPF_JMP | BPF_JSET | BPF_K;

const LINK_PROTOS = new Set(["ether", "fddi", "tr", "wlan", "link", "ppp", "slip"]);
const NET_LOAD_PROTOS: ReadonlyMap<string, number> = new Map([
  ["ip", ETHERTYPE_IP],
  ["arp", ETHERTYPE_ARP],
  ["rarp", ETHERTYPE_REVARP],
  ["ip6", ETHERTYPE_IPV6],
]);
const ALU_OPS: Record<ArithOp, number> = {
  "+": BPF_ADD,
  "-": BPF_SUB,
  "*": BPF_MUL,
  "/": BPF_DIV,
  "%": BPF_MOD,
  "&": BPF_AND,
  "|": BPF_OR,
  "^": BPF_XOR,
  "<<": BPF_LSH,
  ">>": BPF_RSH,
};
const COMMUTATIVE = new Set<ArithOp>(["+", "*", "&", "|", "^"]);
/** op -> [jump, negate] for `value op constant`. */
const RELATIONS: Record<RelOp, [number, boolean]> = {
  ">": [BPF_JGT, false],
  ">=": [BPF_JGE, false],
  "=": [BPF_JEQ, false],
  "!=": [BPF_JEQ, true],
  "<": [BPF_JGE, true],
  "<=": [BPF_JGT, true],
};
/** op -> [jump, negate] for `constant op value`, by swapping the operands. */
const SWAPPED_RELATIONS: Record<RelOp, [number, boolean]> = {
  ">": [BPF_JGE, true],
  ">=": [BPF_JGT, true],
  "=": [BPF_JEQ, false],
  "!=": [BPF_JEQ, true],
  "<": [BPF_JGT, false],
  "<=": [BPF_JGE, false],
};
const NOT_ETHERNET_ADDRESSES =
  "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel";

/** Options of the code generator that do not come from the expression. */
export interface CodegenOptions {
  link: LinkLayer;
  /** Netmask of the capture interface for `ip broadcast`; tcpdump -r uses 0. */
  netmask: number;
  /**
   * Byte order of the 4-byte address family of LINKTYPE_NULL headers: the byte order of the
   * machine that wrote the capture (the same as the pcap file header's).
   */
  nullHeaderLittleEndian: boolean;
}

/** A computed arithmetic value: statements leaving it in A, and conditions for it to exist. */
interface Value {
  stmts: BpfInstruction[];
  cond: Pred | null;
  constant: number | null;
  /** A number written in the expression (libpcap checks `/ 0` only for those). */
  literal: boolean;
}

/**
 * Lowers an AST to a formula of self-contained tests for one link type (libpcap's gencode).
 * Nodes are visited in the order their text appears, because `vlan` shifts the offsets of
 * everything after it, whatever the boolean structure (libpcap generates code while parsing).
 */
export function lowerFilter(ast: FilterAst, options: CodegenOptions): Pred {
  return new Lowerer(options).lower(ast);
}

class Lowerer {
  private readonly link: LinkLayer;
  private offLinkType: number;
  private offLinkPayload: number;
  private nextScratch = 0;

  constructor(private readonly options: CodegenOptions) {
    this.link = options.link;
    this.offLinkType = options.link.offLinkType;
    this.offLinkPayload = options.link.offLinkPayload;
  }

  lower(node: FilterAst): Pred {
    switch (node.kind) {
      case "empty":
        return TRUE;
      case "and": {
        const left = this.lower(node.left);
        return and(left, this.lower(node.right));
      }
      case "or": {
        const left = this.lower(node.left);
        return or(left, this.lower(node.right));
      }
      case "not":
        return not(this.lower(node.operand));
      case "protocol":
        return this.protocolAbbreviation(node.name, node.position);
      case "id":
        return this.id(node.qualifiers, node.value, node.position);
      case "relation":
        return this.relation(node.op, node.left, node.right);
      case "broadcast":
        return this.broadcast(node.proto, node.position);
      case "multicast":
        return this.multicast(node.proto, node.position);
      case "less":
        return not(test([stmt(BPF_LD | BPF_W | BPF_LEN)], JGT, node.value));
      case "greater":
        return test([stmt(BPF_LD | BPF_W | BPF_LEN)], JGE, node.value);
      case "vlan":
        return this.vlan(node.id, node.position);
    }
  }

  // ---- building blocks ----------------------------------------------------------------

  private nl(offset: number): number {
    return (this.offLinkPayload + offset) >>> 0;
  }

  private cmp(size: number, offset: number, value: number): Pred {
    return test([stmt(BPF_LD | size | BPF_ABS, offset)], JEQ, value);
  }

  private maskedCmp(size: number, offset: number, value: number, mask: number): Pred {
    if (mask >>> 0 === 0xffffffff) return this.cmp(size, offset, value);
    return test(
      [stmt(BPF_LD | size | BPF_ABS, offset), stmt(BPF_ALU | BPF_AND | BPF_K, mask)],
      JEQ,
      value,
    );
  }

  private loadIpHeaderLengthToX(): BpfInstruction {
    return stmt(BPF_LDX | BPF_MSH | BPF_B, this.nl(0));
  }

  /** The IPv4 packet is not a fragment other than the first (libpcap's gen_ipfrag). */
  private notFragment(): Pred {
    return not(test([stmt(BPF_LD | BPF_H | BPF_ABS, this.nl(6))], JSET, 0x1fff));
  }

  private byDir(dir: DirQualifier, src: () => Pred, dst: () => Pred): Pred {
    switch (dir) {
      case "src":
        return src();
      case "dst":
        return dst();
      case "and":
        return and(src(), dst());
      default:
        return or(src(), dst());
    }
  }

  /** The packet's link-layer protocol is `ethertype` (libpcap's gen_linktype). */
  private linkType(ethertype: number): Pred {
    const et = ethertype >>> 0;
    switch (this.link.kind) {
      case "ethernet":
        if (et <= 1500) {
          // 802.3 frame with an LLC header whose DSAP is the "protocol".
          return and(
            not(test([stmt(BPF_LD | BPF_H | BPF_ABS, this.offLinkType)], JGT, 1500)),
            this.cmp(BPF_B, this.offLinkType + 2, et),
          );
        }
        return this.cmp(BPF_H, this.offLinkType, et);
      case "sll":
        if (et <= 1500) {
          // LINUX_SLL_P_802_2 in the protocol field, then the LLC DSAP.
          return and(
            this.cmp(BPF_H, this.offLinkType, 4),
            this.cmp(BPF_B, this.offLinkPayload, et),
          );
        }
        return this.cmp(BPF_H, this.offLinkType, et);
      case "sll2":
        return this.cmp(BPF_H, this.offLinkType, et);
      case "raw":
        if (et === ETHERTYPE_IP) return this.maskedCmp(BPF_B, 0, 0x40, 0xf0);
        if (et === ETHERTYPE_IPV6) return this.maskedCmp(BPF_B, 0, 0x60, 0xf0);
        return FALSE;
      case "ipv4":
        return et === ETHERTYPE_IP ? TRUE : FALSE;
      case "ipv6":
        return et === ETHERTYPE_IPV6 ? TRUE : FALSE;
      case "null": {
        // AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 depending on the BSD.
        const family = (v: number) =>
          this.cmp(BPF_W, 0, this.options.nullHeaderLittleEndian ? swap32(v) : v);
        if (et === ETHERTYPE_IP) return family(2);
        if (et === ETHERTYPE_IPV6) return orAll(family(30), family(24), family(28));
        return FALSE;
      }
    }
  }

  private ipProto(protocol: number): Pred {
    return and(this.linkType(ETHERTYPE_IP), this.cmp(BPF_B, this.nl(9), protocol));
  }

  /** IPv6 next header, looking through one fragment header as libpcap does. */
  private ip6Proto(protocol: number): Pred {
    return and(
      this.linkType(ETHERTYPE_IPV6),
      or(
        this.cmp(BPF_B, this.nl(6), protocol),
        and(this.cmp(BPF_B, this.nl(6), IPPROTO_FRAGMENT), this.cmp(BPF_B, this.nl(40), protocol)),
      ),
    );
  }

  // ---- primitives -----------------------------------------------------------------------

  private protocolAbbreviation(name: string, position: number): Pred {
    const ethertype = NET_LOAD_PROTOS.get(name);
    if (ethertype !== undefined) return this.linkType(ethertype);
    const transport = TRANSPORT_ABBREVIATIONS.get(name);
    if (transport !== undefined) {
      return or(
        transport.v4 ? this.ipProto(transport.number) : FALSE,
        transport.v6 ? this.ip6Proto(transport.number) : FALSE,
      );
    }
    if (LINK_PROTOS.has(name)) {
      throw new FilterError(
        "FILTER_BAD_QUALIFIER",
        `link layer applied in wrong context at ${position}`,
        position,
      );
    }
    const simple = ETHER_PROTOCOLS.get(name);
    if (simple !== undefined && !["atalk", "aarp", "ipx"].includes(name))
      return this.linkType(simple);
    throw unsupported(`'${name}'`, position);
  }

  private vlan(id: number | null, position: number): Pred {
    if (this.link.kind !== "ethernet") {
      throw new FilterError(
        "FILTER_LINK_TYPE",
        `no VLAN support for ${this.link.description}`,
        position,
      );
    }
    if (id !== null && id > 4095) {
      throw new FilterError(
        "FILTER_OUT_OF_RANGE",
        `VLAN tag ${id} greater than maximum 4095`,
        position,
      );
    }
    let pred = orAll(
      this.cmp(BPF_H, this.offLinkType, ETHERTYPE_8021Q),
      this.cmp(BPF_H, this.offLinkType, ETHERTYPE_8021AD),
      this.cmp(BPF_H, this.offLinkType, ETHERTYPE_8021QINQ),
    );
    if (id !== null) pred = and(pred, this.maskedCmp(BPF_H, this.offLinkPayload, id, 0x0fff));
    // Everything after this point in the expression looks inside the tag (libpcap's quirk).
    this.offLinkType += 4;
    this.offLinkPayload += 4;
    return pred;
  }

  private broadcast(proto: string | null, position: number): Pred {
    if (proto === null || LINK_PROTOS.has(proto)) {
      if (this.link.kind !== "ethernet") {
        throw new FilterError("FILTER_LINK_TYPE", "not a broadcast link", position);
      }
      return and(this.cmp(BPF_W, 2, 0xffffffff), this.cmp(BPF_H, 0, 0xffff));
    }
    if (proto === "ip") {
      const hostmask = ~this.options.netmask >>> 0;
      return and(
        this.linkType(ETHERTYPE_IP),
        or(
          this.maskedCmp(BPF_W, this.nl(16), 0, hostmask),
          this.maskedCmp(BPF_W, this.nl(16), hostmask, hostmask),
        ),
      );
    }
    throw new FilterError(
      "FILTER_BAD_QUALIFIER",
      "only link-layer/IP broadcast filters supported",
      position,
    );
  }

  private multicast(proto: string | null, position: number): Pred {
    if (proto === null || LINK_PROTOS.has(proto)) {
      if (this.link.kind !== "ethernet") {
        throw new FilterError(
          "FILTER_LINK_TYPE",
          "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel",
          position,
        );
      }
      return test([stmt(BPF_LD | BPF_B | BPF_ABS, 0)], JSET, 1);
    }
    if (proto === "ip") {
      return and(
        this.linkType(ETHERTYPE_IP),
        test([stmt(BPF_LD | BPF_B | BPF_ABS, this.nl(16))], JGE, 224),
      );
    }
    if (proto === "ip6")
      return and(this.linkType(ETHERTYPE_IPV6), this.cmp(BPF_B, this.nl(24), 255));
    throw new FilterError(
      "FILTER_BAD_QUALIFIER",
      "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel",
      position,
    );
  }

  // ---- ids: host, net, port, portrange, proto -------------------------------------------

  private id(q: Qualifiers, value: IdValue, position: number): Pred {
    switch (value.kind) {
      case "number":
        return this.numericId(value.value, 32, true, q, position);
      case "ipv4": {
        if (
          q.addr === "port" ||
          q.addr === "portrange" ||
          q.addr === "proto" ||
          q.addr === "protochain"
        ) {
          throw new FilterError(
            "FILTER_BAD_QUALIFIER",
            `'${q.addr}' modifier applied to ip host`,
            position,
          );
        }
        const [v, bits] = dottedToNumber(value.text, position);
        return this.numericId(v, bits, false, q, position);
      }
      case "ipv4/len":
      case "ipv4 mask":
        return this.maskedIPv4(value, q, position);
      case "ipv6":
        return this.ipv6(value.text, 128, q, position);
      case "ipv6/len":
        return this.ipv6(value.text, value.length, q, position);
      case "mac":
        return this.mac(value.text, q, position);
      case "name":
        return this.name(value.text, q, position);
    }
  }

  /** libpcap's gen_ncode: a number or dotted IPv4 text of `bits` significant bits. */
  private numericId(
    v: number,
    bits: number,
    isNumber: boolean,
    q: Qualifiers,
    position: number,
  ): Pred {
    switch (q.addr) {
      case null:
      case "host":
      case "net": {
        if (q.proto !== null && LINK_PROTOS.has(q.proto)) {
          throw new FilterError("FILTER_BAD_ADDRESS", "illegal link layer address", position);
        }
        let mask = 0xffffffff;
        if (isNumber && q.addr === "net") {
          // "net 10" means 10.0.0.0/8: promote a short network number.
          while (v !== 0 && (v & 0xff000000) === 0) {
            v = (v << 8) >>> 0;
            mask = (mask << 8) >>> 0;
          }
        } else if (bits < 32) {
          v = (v << (32 - bits)) >>> 0;
          mask = (mask << (32 - bits)) >>> 0;
        }
        return this.host4(v, mask, q, position);
      }
      case "port":
      case "portrange": {
        const proto = this.portProtocol(q, position);
        if (v > 65535)
          throw new FilterError(
            "FILTER_OUT_OF_RANGE",
            `illegal port number ${v} > 65535`,
            position,
          );
        return this.portRange(v, v, proto, q.dir);
      }
      case "proto":
        return this.proto(v, q.proto, position);
      case "gateway":
        throw new FilterError(
          "FILTER_UNRESOLVED_NAME",
          "'gateway' requires a name, and names are not resolved",
          position,
        );
      case "protochain":
        throw unsupported("'protochain'", position);
    }
  }

  private maskedIPv4(
    value: IdValue & { kind: "ipv4/len" | "ipv4 mask" },
    q: Qualifiers,
    position: number,
  ): Pred {
    let [n, bits] = dottedToNumber(value.text, position);
    n = (n * 2 ** (32 - bits)) >>> 0;
    let mask: number;
    let shown: string;
    if (value.kind === "ipv4 mask") {
      let [m, mbits] = dottedToNumber(value.mask, position);
      m = (m * 2 ** (32 - mbits)) >>> 0;
      mask = m;
      shown = `${value.text} mask ${value.mask}`;
    } else {
      if (value.length > 32)
        throw new FilterError("FILTER_OUT_OF_RANGE", "mask length must be <= 32", position);
      mask = value.length === 0 ? 0 : (0xffffffff << (32 - value.length)) >>> 0;
      shown = `${value.text}/${value.length}`;
    }
    if ((n & ~mask) !== 0) {
      throw new FilterError("FILTER_BAD_ADDRESS", `non-network bits set in "${shown}"`, position);
    }
    if (q.addr !== "net")
      throw new FilterError("FILTER_BAD_QUALIFIER", "Mask syntax for networks only", position);
    return this.host4(n, mask, q, position);
  }

  private host4(addr: number, mask: number, q: Qualifiers, position: number): Pred {
    const hostop = (srcOff: number, dstOff: number) =>
      this.byDir(
        q.dir,
        () => this.maskedCmp(BPF_W, this.nl(srcOff), addr, mask),
        () => this.maskedCmp(BPF_W, this.nl(dstOff), addr, mask),
      );
    switch (q.proto) {
      case null:
        return orAll(
          this.host4(addr, mask, { ...q, proto: "ip" }, position),
          this.host4(addr, mask, { ...q, proto: "arp" }, position),
          this.host4(addr, mask, { ...q, proto: "rarp" }, position),
        );
      case "ip":
        return and(this.linkType(ETHERTYPE_IP), hostop(12, 16));
      case "arp":
        return and(this.linkType(ETHERTYPE_ARP), hostop(14, 24));
      case "rarp":
        return and(this.linkType(ETHERTYPE_REVARP), hostop(14, 24));
      case "ip6":
        throw new FilterError(
          "FILTER_BAD_QUALIFIER",
          "'ip6' modifier applied to ip host",
          position,
        );
      default:
        throw new FilterError(
          "FILTER_BAD_QUALIFIER",
          `'${q.proto}' modifier applied to ${q.addr === "net" ? "net" : "host"}`,
          position,
        );
    }
  }

  private ipv6(text: string, length: number, q: Qualifiers, position: number): Pred {
    const addr = parseIPv6(text);
    if (addr === null)
      throw new FilterError("FILTER_BAD_ADDRESS", `invalid IPv6 address '${text}'`, position);
    if (length > 128)
      throw new FilterError("FILTER_OUT_OF_RANGE", "mask length must be <= 128", position);
    const words: number[] = [];
    const masks: number[] = [];
    for (let i = 0; i < 4; i++) {
      const bits = Math.max(0, Math.min(32, length - i * 32));
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const word =
        ((addr[i * 4]! << 24) |
          (addr[i * 4 + 1]! << 16) |
          (addr[i * 4 + 2]! << 8) |
          addr[i * 4 + 3]!) >>>
        0;
      if ((word & ~mask) !== 0) {
        throw new FilterError(
          "FILTER_BAD_ADDRESS",
          `non-network bits set in "${text}/${length}"`,
          position,
        );
      }
      words.push(word);
      masks.push(mask);
    }
    if (q.addr === null || q.addr === "host") {
      if (length !== 128)
        throw new FilterError("FILTER_BAD_QUALIFIER", "Mask syntax for networks only", position);
    } else if (q.addr !== "net") {
      throw new FilterError(
        "FILTER_BAD_QUALIFIER",
        `'${q.addr}' modifier applied to ip6 host`,
        position,
      );
    }
    if (q.proto !== null && q.proto !== "ip6") {
      throw new FilterError(
        "FILTER_BAD_QUALIFIER",
        `'${q.proto}' modifier applied to ip6 host`,
        position,
      );
    }
    const hostop = (offset: number): Pred => {
      let pred: Pred = TRUE;
      for (let i = 0; i < 4; i++) {
        // A word the mask ignores always matches; libpcap's optimiser drops it too.
        if (masks[i] === 0) continue;
        pred = and(pred, this.maskedCmp(BPF_W, this.nl(offset + i * 4), words[i]!, masks[i]!));
      }
      return pred;
    };
    return and(
      this.linkType(ETHERTYPE_IPV6),
      this.byDir(
        q.dir,
        () => hostop(8),
        () => hostop(24),
      ),
    );
  }

  private mac(text: string, q: Qualifiers, position: number): Pred {
    if ((q.addr !== null && q.addr !== "host") || q.proto === null || !LINK_PROTOS.has(q.proto)) {
      throw new FilterError(
        "FILTER_BAD_QUALIFIER",
        "ethernet address used in non-ether expression",
        position,
      );
    }
    if (this.link.kind !== "ethernet")
      throw new FilterError("FILTER_LINK_TYPE", NOT_ETHERNET_ADDRESSES, position);
    const bytes = parseMacText(text);
    if (bytes === null)
      throw new FilterError("FILTER_BAD_ADDRESS", `invalid MAC address '${text}'`, position);
    const low = ((bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!) >>> 0;
    const high = (bytes[0]! << 8) | bytes[1]!;
    const at = (offset: number) =>
      and(this.cmp(BPF_W, offset + 2, low), this.cmp(BPF_H, offset, high));
    return this.byDir(
      q.dir,
      () => at(6),
      () => at(0),
    );
  }

  /** Names: ports and protocols come from tables; host and network names are refused. */
  private name(text: string, q: Qualifiers, position: number): Pred {
    switch (q.addr) {
      case "port": {
        const service = SERVICES.get(text);
        if (service === undefined) {
          throw new FilterError("FILTER_UNRESOLVED_NAME", `unknown port '${text}'`, position);
        }
        let proto = this.portProtocol(q, position);
        const only = service.tcp && service.udp ? null : service.tcp ? "tcp" : "udp";
        if (proto === null) proto = only;
        else if (only !== null && only !== proto) {
          throw new FilterError("FILTER_BAD_QUALIFIER", `port '${text}' is ${only}`, position);
        }
        return this.portRange(service.port, service.port, proto, q.dir);
      }
      case "portrange": {
        const proto = this.portProtocol(q, position);
        const m = /^([0-9a-zA-Z]+)-([0-9a-zA-Z]+)$/.exec(text);
        const port = (s: string): number | undefined => {
          if (/^[0-9]/.test(s)) return parseNumber(s, position);
          return SERVICES.get(s)?.port;
        };
        const lo = m ? port(m[1]!) : undefined;
        const hi = m ? port(m[2]!) : undefined;
        if (lo === undefined || hi === undefined) {
          throw new FilterError(
            "FILTER_UNRESOLVED_NAME",
            `unknown port in range '${text}'`,
            position,
          );
        }
        for (const p of [lo, hi]) {
          if (p > 65535)
            throw new FilterError(
              "FILTER_OUT_OF_RANGE",
              `illegal port number ${p} > 65535`,
              position,
            );
        }
        return this.portRange(lo, hi, proto, q.dir);
      }
      case "proto": {
        if (q.proto !== null && LINK_PROTOS.has(q.proto)) {
          const et = ETHER_PROTOCOLS.get(text);
          if (et === undefined)
            throw new FilterError(
              "FILTER_UNRESOLVED_NAME",
              `unknown ether proto '${text}'`,
              position,
            );
          return this.proto(et, q.proto, position);
        }
        const n = IP_PROTOCOLS.get(text);
        if (n === undefined)
          throw new FilterError("FILTER_UNRESOLVED_NAME", `unknown ip proto '${text}'`, position);
        return this.proto(n, q.proto, position);
      }
      case "protochain":
        throw unsupported("'protochain'", position);
      case "net":
        throw new FilterError(
          "FILTER_UNRESOLVED_NAME",
          `unknown network '${text}': network names are not resolved, write the number`,
          position,
        );
      default:
        if (q.proto !== null && LINK_PROTOS.has(q.proto)) {
          throw new FilterError(
            "FILTER_UNRESOLVED_NAME",
            `unknown ether host '${text}': names are not resolved, write the MAC address`,
            position,
          );
        }
        throw new FilterError(
          "FILTER_UNRESOLVED_NAME",
          `unknown host '${text}': host names are not resolved, write the address`,
          position,
        );
    }
  }

  /** The transport protocol a port qualifier allows, or null for TCP, UDP and SCTP. */
  private portProtocol(q: Qualifiers, position: number): "tcp" | "udp" | "sctp" | null {
    if (q.proto === null || q.proto === "tcp" || q.proto === "udp" || q.proto === "sctp")
      return q.proto;
    throw new FilterError("FILTER_BAD_QUALIFIER", `illegal qualifier of '${q.addr}'`, position);
  }

  /** `[tcp|udp|sctp] [dir] portrange lo-hi` (a single port when lo = hi), IPv6 then IPv4. */
  private portRange(
    lo: number,
    hi: number,
    proto: "tcp" | "udp" | "sctp" | null,
    dir: DirQualifier,
  ): Pred {
    if (lo > hi) [lo, hi] = [hi, lo];
    const numbers =
      proto === "tcp"
        ? [IPPROTO_TCP]
        : proto === "udp"
          ? [IPPROTO_UDP]
          : proto === "sctp"
            ? [IPPROTO_SCTP]
            : [IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP];
    const inRange = (load: BpfInstruction[]): Pred =>
      lo === hi ? test(load, JEQ, lo) : and(test(load, JGE, lo), not(test(load, JGT, hi)));
    const v6 = and(
      and(
        this.linkType(ETHERTYPE_IPV6),
        orAll(...numbers.map((n) => this.cmp(BPF_B, this.nl(6), n))),
      ),
      this.byDir(
        dir,
        () => inRange([stmt(BPF_LD | BPF_H | BPF_ABS, this.nl(40))]),
        () => inRange([stmt(BPF_LD | BPF_H | BPF_ABS, this.nl(42))]),
      ),
    );
    const atom4 = (offset: number) =>
      inRange([this.loadIpHeaderLengthToX(), stmt(BPF_LD | BPF_H | BPF_IND, this.nl(offset))]);
    const v4 = and(
      and(
        and(
          this.linkType(ETHERTYPE_IP),
          orAll(...numbers.map((n) => this.cmp(BPF_B, this.nl(9), n))),
        ),
        this.notFragment(),
      ),
      this.byDir(
        dir,
        () => atom4(0),
        () => atom4(2),
      ),
    );
    return or(v6, v4);
  }

  /** `[ether|ip|ip6] proto N` (libpcap's gen_proto). */
  private proto(v: number, proto: string | null, position: number): Pred {
    if (proto === null) return or(this.ipProto(v), this.ip6Proto(v));
    if (LINK_PROTOS.has(proto)) return this.linkType(v);
    if (proto === "ip") return this.ipProto(v);
    if (proto === "ip6") return this.ip6Proto(v);
    if (proto === "arp" || proto === "rarp") {
      throw new FilterError(
        "FILTER_BAD_QUALIFIER",
        `${proto} does not encapsulate another protocol`,
        position,
      );
    }
    throw new FilterError("FILTER_BAD_QUALIFIER", `'${proto} proto' is bogus`, position);
  }

  // ---- arithmetic and relations -----------------------------------------------------------

  private relation(op: RelOp, leftNode: Arith, rightNode: Arith): Pred {
    this.nextScratch = 0;
    const left = this.value(leftNode);
    const right = this.value(rightNode);
    const cond = and(left.cond, right.cond);
    if (left.constant !== null && right.constant !== null) {
      return and(cond, compareConstants(op, left.constant, right.constant) ? TRUE : FALSE);
    }
    let jump: number;
    let negate: boolean;
    let t: Pred;
    if (right.constant !== null) {
      [jump, negate] = RELATIONS[op];
      t = test(left.stmts, BPF_JMP | jump | BPF_K, right.constant);
    } else if (left.constant !== null) {
      [jump, negate] = SWAPPED_RELATIONS[op];
      t = test(right.stmts, BPF_JMP | jump | BPF_K, left.constant);
    } else {
      [jump, negate] = RELATIONS[op];
      const slot = this.scratch(leftNode.position);
      const stmts = [
        ...left.stmts,
        stmt(BPF_ST, slot),
        ...right.stmts,
        stmt(BPF_MISC | BPF_TAX),
        stmt(BPF_LD | BPF_MEM, slot),
      ];
      t = test(stmts, BPF_JMP | jump | BPF_X, 0);
    }
    return and(cond, negate ? not(t) : t);
  }

  private scratch(position: number): number {
    if (this.nextScratch >= BPF_MEMWORDS) {
      throw new FilterError(
        "FILTER_TOO_COMPLEX",
        "too many registers needed to evaluate expression",
        position,
      );
    }
    return this.nextScratch++;
  }

  private value(node: Arith): Value {
    switch (node.kind) {
      case "number":
        return constant(node.value, true);
      case "len":
        return {
          stmts: [stmt(BPF_LD | BPF_W | BPF_LEN)],
          cond: null,
          constant: null,
          literal: false,
        };
      case "negate": {
        const v = this.value(node.operand);
        if (v.constant !== null) return { ...constant(-v.constant >>> 0, false), cond: v.cond };
        return {
          stmts: [...v.stmts, stmt(BPF_ALU | BPF_NEG)],
          cond: v.cond,
          constant: null,
          literal: false,
        };
      }
      case "binary":
        return this.binary(node.op, this.value(node.left), node.right, node.position);
      case "load":
        return this.load(node.proto, this.value(node.index), node.size, node.position);
    }
  }

  private binary(op: ArithOp, left: Value, rightNode: Arith, position: number): Value {
    const right = this.value(rightNode);
    if (right.literal && right.constant === 0 && (op === "/" || op === "%")) {
      throw new FilterError(
        "FILTER_OUT_OF_RANGE",
        op === "/" ? "division by zero" : "modulus by zero",
        position,
      );
    }
    if (
      right.literal &&
      right.constant !== null &&
      right.constant > 31 &&
      (op === "<<" || op === ">>")
    ) {
      throw new FilterError("FILTER_OUT_OF_RANGE", "shift by more than 31 bits", position);
    }
    // libpcap's gen_arth keeps only the left operand's conditions: in `ether[0] + ip[8]`
    // the "is IPv4" test of ip[8] is dropped and the byte is read from any packet. tcpdump's
    // behaviour is the reference, so the quirk is reproduced.
    const cond = left.cond;
    const alu = ALU_OPS[op];
    // Constants that would divide by zero or shift out everything stay run-time operations.
    const foldable = (k: number) =>
      !((op === "/" || op === "%") && k === 0) && !((op === "<<" || op === ">>") && k > 31);
    if (left.constant !== null && right.constant !== null && foldable(right.constant)) {
      return { ...constant(foldConstant(op, left.constant, right.constant), false), cond };
    }
    if (right.constant !== null && foldable(right.constant)) {
      return {
        stmts: [...left.stmts, stmt(BPF_ALU | alu | BPF_K, right.constant)],
        cond,
        constant: null,
        literal: false,
      };
    }
    if (left.constant !== null && COMMUTATIVE.has(op)) {
      return {
        stmts: [...right.stmts, stmt(BPF_ALU | alu | BPF_K, left.constant)],
        cond,
        constant: null,
        literal: false,
      };
    }
    const slot = this.scratch(position);
    const stmts = [
      ...left.stmts,
      stmt(BPF_ST, slot),
      ...right.stmts,
      stmt(BPF_MISC | BPF_TAX),
      stmt(BPF_LD | BPF_MEM, slot),
      stmt(BPF_ALU | alu | BPF_X),
    ];
    return { stmts, cond, constant: null, literal: false };
  }

  /** `proto[index:size]` (libpcap's gen_load). */
  private load(proto: string, index: Value, size: 1 | 2 | 4, position: number): Value {
    const sizeCode = size === 1 ? BPF_B : size === 2 ? BPF_H : BPF_W;
    const absolute = (base: number): BpfInstruction[] =>
      index.constant !== null
        ? [stmt(BPF_LD | sizeCode | BPF_ABS, (base + index.constant) >>> 0)]
        : [...index.stmts, stmt(BPF_MISC | BPF_TAX), stmt(BPF_LD | sizeCode | BPF_IND, base)];
    const result = (stmts: BpfInstruction[], cond: Pred | null): Value => ({
      stmts,
      cond: and(index.cond, cond),
      constant: null,
      literal: false,
    });
    if (LINK_PROTOS.has(proto)) return result(absolute(0), null);
    const ethertype = NET_LOAD_PROTOS.get(proto);
    if (ethertype !== undefined) return result(absolute(this.nl(0)), this.linkType(ethertype));
    if (proto === "icmp6") {
      // Fixed 40-byte IPv6 header: extension headers are not followed, as in libpcap.
      const cond = and(this.linkType(ETHERTYPE_IPV6), this.cmp(BPF_B, this.nl(6), IPPROTO_ICMPV6));
      return result(absolute(this.nl(40)), cond);
    }
    const transport = TRANSPORT_ABBREVIATIONS.get(proto);
    if (transport?.v4) {
      // Transport offsets apply to IPv4 only, past the IP header's variable length.
      const cond = and(
        and(this.linkType(ETHERTYPE_IP), this.cmp(BPF_B, this.nl(9), transport.number)),
        this.notFragment(),
      );
      const stmts =
        index.constant !== null
          ? [
              this.loadIpHeaderLengthToX(),
              stmt(BPF_LD | sizeCode | BPF_IND, this.nl(index.constant)),
            ]
          : [
              ...index.stmts,
              this.loadIpHeaderLengthToX(),
              stmt(BPF_ALU | BPF_ADD | BPF_X),
              stmt(BPF_MISC | BPF_TAX),
              stmt(BPF_LD | sizeCode | BPF_IND, this.nl(0)),
            ];
      return result(stmts, cond);
    }
    throw unsupported(`'${proto}[...]'`, position);
  }
}

function constant(value: number, literal: boolean): Value {
  return { stmts: [stmt(BPF_LD | BPF_IMM, value)], cond: null, constant: value >>> 0, literal };
}

function foldConstant(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return (a + b) >>> 0;
    case "-":
      return (a - b) >>> 0;
    case "*":
      return Math.imul(a, b) >>> 0;
    case "/":
      return (a / b) >>> 0;
    case "%":
      return (a % b) >>> 0;
    case "&":
      return (a & b) >>> 0;
    case "|":
      return (a | b) >>> 0;
    case "^":
      return (a ^ b) >>> 0;
    case "<<":
      return (a << b) >>> 0;
    case ">>":
      return a >>> b;
  }
}

function compareConstants(op: RelOp, a: number, b: number): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** Dotted IPv4 text (1 to 4 decimal parts) to its value and number of bits, like __pcap_atoin. */
function dottedToNumber(text: string, position: number): [number, number] {
  const parts = text.split(".");
  let v = 0;
  for (const part of parts) {
    if (!/^[0-9]+$/.test(part) || Number(part) > 255) {
      throw new FilterError("FILTER_BAD_ADDRESS", `invalid IPv4 address '${text}'`, position);
    }
    v = v * 256 + Number(part);
  }
  return [v >>> 0, parts.length * 8];
}

/** MAC text in any of libpcap's forms: separators `:`, `-` or `.`, or none. */
function parseMacText(text: string): Uint8Array | null {
  const groups = /[:.-]/.test(text) ? text.split(/[:.-]/) : null;
  const out = new Uint8Array(6);
  if (groups === null) {
    if (!/^[0-9a-fA-F]{12}$/.test(text)) return null;
    for (let i = 0; i < 6; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  if (groups.length === 3 && groups.every((g) => /^[0-9a-fA-F]{4}$/.test(g))) {
    for (let i = 0; i < 3; i++) {
      out[i * 2] = Number.parseInt(groups[i]!.slice(0, 2), 16);
      out[i * 2 + 1] = Number.parseInt(groups[i]!.slice(2), 16);
    }
    return out;
  }
  if (groups.length !== 6 || !groups.every((g) => /^[0-9a-fA-F]{1,2}$/.test(g))) return null;
  for (let i = 0; i < 6; i++) out[i] = Number.parseInt(groups[i]!, 16);
  return out;
}

function unsupported(what: string, position: number): FilterError {
  return new FilterError(
    "FILTER_UNSUPPORTED",
    `${what} is not supported by this filter compiler`,
    position,
  );
}
