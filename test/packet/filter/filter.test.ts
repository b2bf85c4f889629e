// The filter compiler's own tables, libpcap style: how expressions parse (qualifier
// inheritance, precedence), which expressions are refused and with which message, code and
// position, and properties every compiled table expression must keep (the JS compiler and
// the interpreter agree; the optimiser never changes a verdict, even on truncated packets).

import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { bpfRun, compileBpfToJs, disassemble } from "../../../src/packet/bpf/index.js";
import {
  compileFilter,
  FilterError,
  type FilterErrorCode,
  formatFilter,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  makeMatcher,
  parseFilter,
  tokenize,
} from "../../../src/packet/filter/index.js";
import { craftedCaptures } from "./_crafted.js";
import { COMMON_EXPRESSIONS, ETHERNET_EXPRESSIONS } from "./_expressions.js";

test("expressions parse the way libpcap's grammar reads them", () => {
  const table: [string, string][] = [
    ["host 10.0.0.1 and port 80 or 53", "((host 10.0.0.1 and port 80) or port 53)"],
    ["dst host 10.0.0.1 or 10.0.0.2", "(dst host 10.0.0.1 or dst host 10.0.0.2)"],
    ["tcp dst port 21 or 20 or 53", "((tcp dst port 21 or tcp dst port 20) or tcp dst port 53)"],
    ["not host 10.0.0.1 and 10.0.0.2", "(not host 10.0.0.1 and host 10.0.0.2)"],
    [
      "host 10.0.0.1 and (10.0.0.2 or 10.0.0.3)",
      "(host 10.0.0.1 and (host 10.0.0.2 or host 10.0.0.3))",
    ],
    ["host 10.0.0.1 and (tcp) or 10.0.0.9", "((host 10.0.0.1 and tcp) or host 10.0.0.9)"],
    ["src or dst port 53", "src or dst port 53"],
    ["src and dst net 10.0.0.0/8", "src and dst net 10.0.0.0/8"],
    ["ip and tcp or udp", "((ip and tcp) or udp)"],
    ["ip or tcp and udp", "((ip or tcp) and udp)"],
    ["! arp && ! ip6 || tcp", "((not arp and not ip6) or tcp)"],
    ["net 10.0.0.0 mask 255.0.0.0", "net 10.0.0.0 mask 255.0.0.0"],
    ["ip[0] & 0xf != 5", "(ip[0] & 15) != 5"],
    ["ip[2:2] - ((ip[0]&0xf)<<2) > 100", "(ip[2:2] - ((ip[0] & 15) << 2)) > 100"],
    ["ip[0] + 1 * 2 | 4 = 7", "((ip[0] + (1 * 2)) | 4) = 7"],
    ["ip[0] ^ 1 | 2 = 3", "(ip[0] ^ (1 | 2)) = 3"],
    ["ip[0] & 1 ^ 2 = 3", "(ip[0] & (1 ^ 2)) = 3"],
    ["tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "(tcp[13] & (2 | 1)) != 0"],
    ["icmp[icmptype] = icmp-echo", "icmp[0] = 8"],
    ["vlan 10 and ip", "(vlan 10 and ip)"],
    ["ether src 0:1:2:3:4:5", "ether src host 0:1:2:3:4:5"],
    ["port 010", "port 8"],
    ["ip proto \\tcp", "ip proto tcp"],
    ["less 100 or greater 1000", "(less 100 or greater 1000)"],
    ["portrange 6000-6008", "portrange 6000-6008"],
    ["host fe80::1 or ::1", "(host fe80::1 or host ::1)"],
  ];
  for (const [expression, expected] of table)
    assert.equal(formatFilter(parseFilter(expression)), expected, expression);
  assert.equal(parseFilter("  ").kind, "empty");
  assert.deepEqual(
    tokenize("len-1 > 5").map((t) => t.kind),
    ["id", "op", "num", "eof"],
    "a name may contain '-', so len-1 is one token, as in libpcap",
  );
});

test("refused expressions give libpcap's message, a stable code and the position", () => {
  const E = LINKTYPE_ETHERNET;
  const table: [string, number, FilterErrorCode, string, number?][] = [
    [
      "host 10.0.0.1 and",
      E,
      "FILTER_SYNTAX",
      "syntax error at 17: unexpected end of expression",
      17,
    ],
    ["tcp port 80 )", E, "FILTER_SYNTAX", "syntax error at 12: unexpected ')'", 12],
    ["host 1.2.3.4 @", E, "FILTER_ILLEGAL_CHARACTER", "illegal character at 13: '@'", 13],
    [
      "1.2.3.4",
      E,
      "FILTER_SYNTAX",
      "syntax error at 0: unexpected '1.2.3.4' (no qualifier to inherit: write host, net, port or a protocol before it)",
      0,
    ],
    [
      "tcp or 1.2.3.4",
      E,
      "FILTER_SYNTAX",
      "syntax error at 7: unexpected '1.2.3.4' (no qualifier to inherit: write host, net, port or a protocol before it)",
      7,
    ],
    ["ip[0:3] = 1", E, "FILTER_OUT_OF_RANGE", "data size must be 1, 2, or 4", 5],
    ["port 99999", E, "FILTER_OUT_OF_RANGE", "illegal port number 99999 > 65535", 5],
    ["portrange 1-99999", E, "FILTER_OUT_OF_RANGE", "illegal port number 99999 > 65535"],
    ["vlan 5000", E, "FILTER_OUT_OF_RANGE", "VLAN tag 5000 greater than maximum 4095", 0],
    ["net 10.0.0.1/8", E, "FILTER_BAD_ADDRESS", 'non-network bits set in "10.0.0.1/8"', 4],
    [
      "net 10.0.0.1 mask 255.0.0.0",
      E,
      "FILTER_BAD_ADDRESS",
      'non-network bits set in "10.0.0.1 mask 255.0.0.0"',
    ],
    ["net fe80::1/10", E, "FILTER_BAD_ADDRESS", 'non-network bits set in "fe80::1/10"'],
    ["net 1.2.3.4/33", E, "FILTER_OUT_OF_RANGE", "mask length must be <= 32"],
    ["ip6 net ::1/129", E, "FILTER_OUT_OF_RANGE", "mask length must be <= 128"],
    ["host 10.0.0.0/8", E, "FILTER_BAD_QUALIFIER", "Mask syntax for networks only"],
    [
      "host foo",
      E,
      "FILTER_UNRESOLVED_NAME",
      "unknown host 'foo': host names are not resolved, write the address",
      5,
    ],
    [
      "net localnet",
      E,
      "FILTER_UNRESOLVED_NAME",
      "unknown network 'localnet': network names are not resolved, write the number",
    ],
    ["port foo", E, "FILTER_UNRESOLVED_NAME", "unknown port 'foo'"],
    ["ip proto \\foo", E, "FILTER_UNRESOLVED_NAME", "unknown ip proto 'foo'"],
    ["ether proto \\foo", E, "FILTER_UNRESOLVED_NAME", "unknown ether proto 'foo'"],
    ["port 08", E, "FILTER_BAD_NUMBER", "number 08 contains non-octal digit", 5],
    ["ip6 host 1.2.3.4", E, "FILTER_BAD_QUALIFIER", "'ip6' modifier applied to ip host"],
    ["ip host ::1", E, "FILTER_BAD_QUALIFIER", "'ip' modifier applied to ip6 host"],
    ["tcp host 1.2.3.4", E, "FILTER_BAD_QUALIFIER", "'tcp' modifier applied to host"],
    ["udp net 10", E, "FILTER_BAD_QUALIFIER", "'udp' modifier applied to net"],
    ["port 1.2", E, "FILTER_BAD_QUALIFIER", "'port' modifier applied to ip host"],
    ["ip port 80", E, "FILTER_BAD_QUALIFIER", "illegal qualifier of 'port'"],
    ["udp port ssh", E, "FILTER_BAD_QUALIFIER", "port 'ssh' is tcp"],
    ["arp proto 6", E, "FILTER_BAD_QUALIFIER", "arp does not encapsulate another protocol"],
    ["tcp proto 6", E, "FILTER_BAD_QUALIFIER", "'tcp proto' is bogus"],
    [
      "host 1:2:3:4:5:6",
      E,
      "FILTER_BAD_QUALIFIER",
      "ethernet address used in non-ether expression",
    ],
    ["ether host 1.2.3.4", E, "FILTER_BAD_ADDRESS", "illegal link layer address"],
    ["ether", E, "FILTER_BAD_QUALIFIER", "link layer applied in wrong context at 0"],
    ["ip[0] / 0 = 1", E, "FILTER_OUT_OF_RANGE", "division by zero"],
    ["ip[0] % 0 = 1", E, "FILTER_OUT_OF_RANGE", "modulus by zero"],
    ["ip[0] << 32 = 1", E, "FILTER_OUT_OF_RANGE", "shift by more than 31 bits"],
    [
      "icmp multicast",
      E,
      "FILTER_BAD_QUALIFIER",
      "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel",
    ],
    ["tcp broadcast", E, "FILTER_BAD_QUALIFIER", "only link-layer/IP broadcast filters supported"],
    ["ip and arp", E, "FILTER_REJECTS_ALL", "expression rejects all packets"],
    ["1 = 2", E, "FILTER_REJECTS_ALL", "expression rejects all packets"],
    ["tcp port 80 or 53 and udp", E, "FILTER_REJECTS_ALL", "expression rejects all packets"],
    ["mpls 100", E, "FILTER_UNSUPPORTED", "'mpls' is not supported by this filter compiler"],
    [
      "ether host 1:2:3:4:5:6",
      LINKTYPE_RAW,
      "FILTER_LINK_TYPE",
      "ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel",
    ],
    ["vlan", LINKTYPE_RAW, "FILTER_LINK_TYPE", "no VLAN support for Raw IP"],
    ["vlan 10", LINKTYPE_LINUX_SLL, "FILTER_LINK_TYPE", "no VLAN support for Linux cooked v1"],
    ["ether broadcast", LINKTYPE_LINUX_SLL2, "FILTER_LINK_TYPE", "not a broadcast link"],
    ["arp", LINKTYPE_RAW, "FILTER_REJECTS_ALL", "expression rejects all packets"],
    ["arp", LINKTYPE_NULL, "FILTER_REJECTS_ALL", "expression rejects all packets"],
    [
      "ip",
      12345,
      "FILTER_UNSUPPORTED_LINK_TYPE",
      "link type 12345 is not supported (supported: 1, 113, 276, 101, 228, 229, 0)",
    ],
  ];
  for (const [expression, linkType, code, message, position] of table) {
    assert.throws(
      () => compileFilter(expression, { linkType }),
      (e: unknown) => {
        assert.ok(e instanceof FilterError, `${expression}: ${String(e)}`);
        assert.equal(e.code, code, expression);
        assert.equal(e.message, message, expression);
        if (position !== undefined) assert.equal(e.position, position, expression);
        return true;
      },
    );
  }
});

test("an empty expression accepts everything, and snaplen is the accepting return value", () => {
  assert.equal(
    disassemble(compileFilter("", { linkType: LINKTYPE_ETHERNET })),
    "(000) ret      #262144\n",
  );
  assert.equal(
    disassemble(compileFilter("1 = 1", { linkType: LINKTYPE_ETHERNET })),
    "(000) ret      #262144\n",
  );
  const prog = compileFilter("ip", { linkType: LINKTYPE_ETHERNET, snaplen: 96 });
  assert.equal(
    disassemble(prog),
    "(000) ldh      [12]\n(001) jeq      #0x800           jt 2\tjf 3\n(002) ret      #96\n(003) ret      #0\n",
  );
  // Without the optimiser a filter that cannot match compiles (libpcap does the same).
  assert.equal(
    bpfRun(
      compileFilter("ip and arp", { linkType: LINKTYPE_ETHERNET, optimize: false }),
      new Uint8Array(60),
      60,
    ),
    0,
  );
});

test("makeMatcher filters through the JS compiler", () => {
  const eth = craftedCaptures().find((c) => c.linkType === 1)!;
  const isDns = makeMatcher("udp port 53", LINKTYPE_ETHERNET);
  const names = eth.packets
    .filter((p) => isDns(p.data, p.originalLength ?? p.data.length))
    .map((p) => p.name);
  assert.deepEqual(names, ["eth udp4 dns", "eth udp4 first fragment", "eth udp6 dns"]);
});

/** Every table expression that compiles on a link type, with its programs. */
function compiledTable(linkType: number) {
  const out: {
    expression: string;
    optimized: ReturnType<typeof compileFilter>;
    plain: ReturnType<typeof compileFilter>;
  }[] = [];
  for (const expression of [...COMMON_EXPRESSIONS, ...ETHERNET_EXPRESSIONS]) {
    try {
      out.push({
        expression,
        optimized: compileFilter(expression, { linkType }),
        plain: compileFilter(expression, { linkType, optimize: false }),
      });
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
    }
  }
  return out;
}

test("for every table expression, JS and interpreter agree and the optimiser keeps every verdict", () => {
  for (const linkType of [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW]) {
    const programs = compiledTable(linkType);
    assert.ok(programs.length > 40, `only ${programs.length} expressions compiled for ${linkType}`);
    const seeds = craftedCaptures()
      .filter((c) => c.linkType === linkType || linkType !== 1)
      .flatMap((c) => c.packets.map((p) => p.data));
    // Random packets are mutations of real-looking ones, truncated anywhere, so that the
    // filters' deeper tests are reached and out-of-bounds loads happen.
    const arbPacket = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }),
        fc.nat(),
      )
      .map(([seed, edits, cut]) => {
        const p = Uint8Array.from(seed);
        for (const [at, v] of edits) if (p.length > 0) p[at % p.length] = v;
        return p.subarray(0, cut % (p.length + 8));
      });
    for (const { expression, optimized, plain } of programs) {
      const jsOptimized = compileBpfToJs(optimized);
      const jsPlain = compileBpfToJs(plain);
      fc.assert(
        fc.property(arbPacket, fc.nat({ max: 64 }), (pkt, extra) => {
          const wire = pkt.length + extra;
          const verdict = bpfRun(optimized, pkt, wire);
          assert.equal(jsOptimized(pkt, wire), verdict, `${expression}: JS vs interpreter`);
          assert.equal(
            bpfRun(plain, pkt, wire),
            verdict,
            `${expression}: optimiser changed the verdict`,
          );
          assert.equal(jsPlain(pkt, wire), verdict, `${expression}: unoptimised JS`);
        }),
        { numRuns: 60 },
      );
    }
  }
});
