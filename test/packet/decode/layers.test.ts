import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteWriter } from "../../../src/bytes/index.js";
import {
  decodeDns,
  decodePacket,
  decodeTcp,
  findLayer,
  formatPacketLine,
  type LayerKind,
} from "../../../src/packet/decode/index.js";
import { bytes, concat, dnsHeader, dnsName, ipv4, ipv6, tcp, udp, v4 } from "./_build.js";
import { corpus } from "./_corpus.js";

function frame(name: string): Uint8Array {
  const c = corpus.find((x) => x.name === name);
  assert.ok(c, name);
  return c.frame;
}

function kinds(name: string, linkType = 1): LayerKind[] {
  return decodePacket(linkType, frame(name)).layers.map((l) => l.kind);
}

describe("layer stacks", () => {
  const table: [string, LayerKind[]][] = [
    ["tcp syn with options", ["ethernet", "ipv4", "tcp"]],
    ["dns answer", ["ethernet", "ipv4", "udp", "dns"]],
    ["dhcp discover", ["ethernet", "ipv4", "udp", "dhcp"]],
    ["arp request", ["ethernet", "arp"]],
    ["qinq stacked tags", ["ethernet", "vlan", "vlan", "arp"]],
    ["vlan tagged ipv4 icmp", ["ethernet", "vlan", "ipv4", "icmp"]],
    ["802.3 llc snap ipv4", ["ethernet", "ipv4", "icmp"]],
    ["802.3 llc stp", ["ethernet"]],
    ["ipv6 hop-by-hop icmpv6", ["ethernet", "ipv6", "icmpv6"]],
    ["ipv6 ah udp", ["ethernet", "ipv6", "udp"]],
    ["ipv4 second fragment", ["ethernet", "ipv4"]],
    ["ipv6 second fragment", ["ethernet", "ipv6"]],
  ];
  for (const [name, want] of table) {
    it(`${name}: ${want.join(" / ")}`, () => assert.deepEqual(kinds(name), want));
  }
});

describe("TCP", () => {
  it("decodes every header field and the SYN options", () => {
    const t = findLayer(decodePacket(1, frame("tcp syn-ack ece cwr")), "tcp")!;
    assert.equal(t.srcPort, 40000);
    assert.equal(t.dstPort, 80);
    assert.equal(t.seq, 500);
    assert.equal(t.ack, 124);
    assert.equal(t.dataOffset, 10);
    assert.equal(t.headerLength, 40);
    assert.ok(
      t.syn && t.ackFlag && t.ece && t.cwr && !t.fin && !t.rst && !t.psh && !t.urg && !t.ns,
    );
    assert.equal(t.window, 65535);
    assert.equal(t.checksumStatus, "good");
    assert.deepEqual(
      t.options.map((o) => o.name),
      ["mss", "sackOK", "TS", "nop", "wscale"],
    );
    assert.equal(t.options[0]!.mss, 1460);
    assert.equal(t.options[2]!.tsVal, 1);
    assert.equal(t.options[2]!.tsEcr, 0);
    assert.equal(t.options[4]!.windowScale, 7);
    assert.equal(t.optionsMalformed, null);
  });

  it("NS flag, urgent pointer, payload", () => {
    assert.ok(findLayer(decodePacket(1, frame("tcp ns flag")), "tcp")!.ns);
    const u = findLayer(decodePacket(1, frame("tcp urgent")), "tcp")!;
    assert.ok(u.urg);
    assert.equal(u.urgentPointer, 1);
    assert.equal(u.payloadLength, 1);
    assert.deepEqual([...u.payload], [0x21]);
  });

  it("SACK blocks and unknown options kept raw", () => {
    const s = findLayer(decodePacket(1, frame("tcp sack")), "tcp")!;
    assert.deepEqual(s.options[2]!.sackBlocks, [
      [0x1000, 0x2000],
      [0x3000, 0x4000],
    ]);
    const u = findLayer(decodePacket(1, frame("tcp unknown option")), "tcp")!;
    assert.equal(u.options[0]!.kind, 0xfd);
    assert.equal(u.options[0]!.data, "beef");
  });

  const malformed: [string, RegExp][] = [
    ["tcp mss wrong length", /mss length 3/],
    ["tcp option length past header", /runs past the header/],
    ["tcp option length zero", /has length 0/],
  ];
  for (const [name, re] of malformed) {
    it(`flags malformed options: ${name}`, () => {
      const pkt = decodePacket(1, frame(name));
      const t = findLayer(pkt, "tcp")!;
      assert.match(t.optionsMalformed ?? "", re);
      assert.ok(pkt.issues.some((i) => i.layer === "tcp" && i.type === "malformed"));
    });
  }

  it("stops at EOL", () => {
    const t = findLayer(decodePacket(1, frame("tcp eol then padding")), "tcp")!;
    assert.deepEqual(
      t.options.map((o) => o.name),
      ["mss", "eol"],
    );
  });

  it("a bad checksum is reported, not thrown", () => {
    const t = findLayer(decodePacket(1, frame("tcp bad checksum")), "tcp")!;
    assert.equal(t.checksum, 0xdead);
    assert.equal(t.checksumStatus, "bad");
  });

  it("a data offset below 5 is malformed and a short one is truncated", () => {
    const bad = decodeTcp(tcp({ flags: 2, dataOffset: 4 }), 0);
    assert.match(bad.malformed ?? "", /data offset 4/);
    const seg = tcp({ flags: 2, options: bytes(2, 4, 5, 0xb4) });
    const cut = decodeTcp(seg.subarray(0, 22), 0);
    assert.ok(cut.truncated);
    assert.equal(cut.srcPort, 40000);
  });

  it("checksums over IPv6 verify with the IPv6 pseudo-header", () => {
    assert.equal(findLayer(decodePacket(1, frame("tcp over ipv6")), "tcp")!.checksumStatus, "good");
  });

  it("checksum verification can be turned off", () => {
    const p = decodePacket(1, frame("tcp bad checksum"), undefined, { checksums: false });
    assert.equal(findLayer(p, "tcp")!.checksumStatus, "unverified");
  });
});

describe("UDP", () => {
  const status = (name: string) => findLayer(decodePacket(1, frame(name)), "udp")!.checksumStatus;
  it("good, none (zero over IPv4) and bad checksums", () => {
    assert.equal(status("udp"), "good");
    assert.equal(status("udp zero checksum"), "none");
    assert.equal(status("udp bad checksum"), "bad");
    assert.equal(status("udp over ipv6"), "good");
  });

  it("zero over IPv6 is bad; a length beyond the IP payload is malformed", () => {
    const z = udp({ srcPort: 1, dstPort: 2, payload: bytes(1), checksum: 0 });
    const p6 = decodePacket(229, ipv6({ nextHeader: 17, payload: z }));
    assert.equal(findLayer(p6, "udp")!.checksumStatus, "bad");
    const long = udp({ srcPort: 1, dstPort: 2, payload: bytes(1), length: 50 });
    const p4 = decodePacket(228, ipv4({ protocol: 17, payload: long }));
    assert.match(findLayer(p4, "udp")!.malformed ?? "", /exceeds the IP payload/);
  });
});

describe("IPv4 and IPv6", () => {
  it("IPv4 options decode lazily and a bad header checksum is flagged", () => {
    const ip = findLayer(decodePacket(1, frame("ipv4 options")), "ipv4")!;
    assert.equal(ip.headerLength, 28);
    assert.equal(ip.checksumStatus, "good");
    assert.deepEqual(
      ip.options.map((o) => [o.name, o.length]),
      [
        ["ra", 4],
        ["nop", 1],
        ["nop", 1],
        ["nop", 1],
        ["eol", 1],
      ],
    );
    assert.equal(
      findLayer(decodePacket(1, frame("ipv4 bad header checksum")), "ipv4")!.checksumStatus,
      "bad",
    );
  });

  it("fragments: offset in bytes, MF, no transport in later fragments", () => {
    const f1 = findLayer(decodePacket(1, frame("ipv4 first fragment")), "ipv4")!;
    assert.ok(f1.moreFragments && f1.isFragment);
    const f2 = decodePacket(1, frame("ipv4 second fragment"));
    assert.equal(findLayer(f2, "ipv4")!.fragmentOffset, 16);
    assert.equal(f2.transport, null);
  });

  it("IPv6 walks hop-by-hop, destination options, routing, AH and fragment headers", () => {
    const r = findLayer(decodePacket(1, frame("ipv6 dstopts routing tcp")), "ipv6")!;
    assert.deepEqual(
      r.extensions.map((e) => e.name),
      ["destination-options", "routing"],
    );
    assert.equal(r.extensions[1]!.routingType, 0);
    assert.deepEqual(r.extensions[1]!.addresses, ["2001:db8::2"]);
    assert.equal(r.upperProtocol, 6);
    const ah = findLayer(decodePacket(1, frame("ipv6 ah udp")), "ipv6")!;
    assert.equal(ah.extensions[0]!.spi, 0x100);
    assert.equal(ah.extensions[0]!.sequence, 1);
    const hbh = findLayer(decodePacket(1, frame("ipv6 hop-by-hop icmpv6")), "ipv6")!;
    assert.deepEqual(hbh.extensions[0]!.options[0], { type: 5, length: 2, data: "0000" });
    const fr = findLayer(decodePacket(1, frame("ipv6 first fragment")), "ipv6")!;
    assert.equal(fr.fragmentId, 0xabcdef);
    assert.ok(fr.moreFragments);
  });

  it("refuses an endless extension chain with a clear message", () => {
    const w = new ByteWriter();
    for (let i = 0; i < 20; i++) w.bytes([60, 0, 1, 4, 0, 0, 0, 0]);
    const p = decodePacket(229, ipv6({ nextHeader: 60, payload: w.toBytes() }));
    assert.match(findLayer(p, "ipv6")!.malformed ?? "", /more than 16 extension headers/);
  });
});

describe("ICMP and ICMPv6", () => {
  it("an ICMP error carries the quoted datagram's layers", () => {
    const m = findLayer(decodePacket(1, frame("icmp port unreachable")), "icmp")!;
    assert.equal(m.type, 3);
    assert.equal(m.code, 3);
    assert.deepEqual(
      m.embedded.map((l) => l.kind),
      ["ipv4", "udp"],
    );
    const inner = m.embedded[1]!;
    assert.ok(inner.kind === "udp" && inner.dstPort === 6000);
    assert.equal(findLayer(decodePacket(1, frame("icmp need frag")), "icmp")!.mtu, 1500);
  });

  it("neighbour discovery fields and options", () => {
    const ns = findLayer(decodePacket(1, frame("icmpv6 neighbor solicitation")), "icmpv6")!;
    assert.equal(ns.targetAddress, "fe80::2");
    assert.equal(ns.options[0]!.linkLayerAddress, "00:11:22:33:44:55");
    assert.equal(ns.checksumStatus, "good");
    const na = findLayer(decodePacket(1, frame("icmpv6 neighbor advertisement")), "icmpv6")!;
    assert.ok(na.solicited && na.override && !na.router);
    const ra = findLayer(decodePacket(1, frame("icmpv6 router advertisement")), "icmpv6")!;
    assert.equal(ra.curHopLimit, 64);
    assert.ok(ra.managed && ra.otherConfig);
    assert.equal(ra.routerLifetime, 1800);
    assert.equal(ra.reachableTime, 30000);
    assert.equal(ra.retransTimer, 1000);
    const prefix = ra.options.find((o) => o.type === 3)!;
    assert.equal(prefix.prefix, "2001:db8:1::");
    assert.equal(prefix.prefixLength, 64);
    assert.equal(ra.options.find((o) => o.type === 5)!.mtu, 1500);
  });
});

describe("DNS", () => {
  it("decodes questions, answers of each type and authority", () => {
    const d = findLayer(decodePacket(1, frame("dns answer")), "dns")!;
    assert.ok(d.qr && d.rd && d.ra && !d.aa);
    assert.deepEqual(d.questions, [{ name: "example.com", type: 1, class: 1 }]);
    assert.deepEqual(
      d.answers.map((r) => [r.type, r.target || r.address]),
      [
        [5, "www.example.com"],
        [1, "93.184.216.34"],
        [28, "2606:2800:220:1::1"],
      ],
    );
    const soa = d.authority[0]!;
    assert.equal(soa.target, "ns.example.com");
    assert.equal(soa.responsible, "admin.example.com");
    assert.equal(soa.serial, 1);
    assert.equal(soa.minimum, 300);
  });

  it("reads EDNS from the OPT record", () => {
    const d = findLayer(decodePacket(1, frame("dns query edns")), "dns")!;
    assert.equal(d.edns!.class, 1232);
    assert.ok(d.edns!.dnssecOk);
    assert.equal(d.edns!.ednsVersion, 0);
  });

  it("rejects a compression pointer loop", () => {
    const pkt = decodePacket(1, frame("dns pointer loop"));
    const d = findLayer(pkt, "dns")!;
    assert.deepEqual(d.questions, []);
    assert.match(d.malformed ?? "", /compression pointer loop/);
    assert.ok(pkt.issues.some((i) => i.layer === "dns" && i.type === "malformed"));
  });

  it("rejects a long pointer chain (a loop through many distinct pointers)", () => {
    // 40 pointers each pointing at the next two bytes before it: a chain longer than the limit.
    const w = new ByteWriter().bytes(dnsHeader(1, 0, 1, 0, 0, 0));
    const chainStart = 12;
    for (let i = 0; i < 40; i++) w.u16be(0xc000 | (chainStart + (i + 1) * 2));
    w.bytes(dnsName("a")).bytes([0, 1, 0, 1]);
    const msg = w.toBytes();
    const d = decodeDns(msg, 0);
    assert.deepEqual(d.questions, []);
    assert.match(d.malformed ?? "", /more than 32 compression pointers/);
  });

  it("rejects a name longer than 255 bytes and a pointer past the message", () => {
    const long = concat(
      dnsHeader(1, 0, 1, 0, 0, 0),
      ...Array.from({ length: 5 }, () => bytes(63, ...new Array(63).fill(0x61))),
      bytes(0, 0, 1, 0, 1),
    );
    assert.match(decodeDns(long, 0).malformed ?? "", /longer than 255/);
    const far = concat(dnsHeader(1, 0, 1, 0, 0, 0), bytes(0xc0, 0xff, 0, 1, 0, 1));
    assert.match(decodeDns(far, 0).malformed ?? "", /beyond the message/);
  });

  it("over TCP skips the length prefix", () => {
    const msg = concat(dnsHeader(9, 0x0100, 1, 0, 0, 0), dnsName("a.b"), bytes(0, 28, 0, 1));
    const seg = tcp({ flags: 0x18, dstPort: 53, payload: concat(bytes(0, msg.length), msg) });
    const d = findLayer(decodePacket(228, ipv4({ protocol: 6, payload: seg })), "dns")!;
    assert.ok(d.overTcp);
    assert.equal(d.tcpLength, msg.length);
    assert.deepEqual(d.questions, [{ name: "a.b", type: 28, class: 1 }]);
  });

  it("unknown record types are kept raw", () => {
    const msg = concat(
      dnsHeader(1, 0x8000, 0, 1, 0, 0),
      bytes(0, 0, 99, 0, 1, 0, 0, 0, 0, 0, 2, 0xab, 0xcd),
    );
    assert.equal(decodeDns(msg, 0).answers[0]!.data, "abcd");
  });
});

describe("DHCP", () => {
  it("decodes the fixed header and the options", () => {
    const d = findLayer(decodePacket(1, frame("dhcp discover")), "dhcp")!;
    assert.equal(d.op, 1);
    assert.equal(d.xid, 0x3903f326);
    assert.ok(d.broadcast);
    assert.equal(d.chaddr, "00:11:22:33:44:55");
    assert.ok(d.magicCookie);
    assert.equal(d.messageType, 1);
    assert.equal(d.messageTypeName, "Discover");
    assert.equal(d.requestedIp, "192.168.1.100");
    assert.equal(d.serverId, "192.168.1.1");
    assert.equal(d.leaseTime, 3600);
    assert.deepEqual(d.parameterList, [1, 3, 6, 15]);
    assert.equal(d.hostname, "host");
    assert.equal(d.malformed, null);
  });
});

describe("link layers", () => {
  const ipPacket = ipv4({
    protocol: 17,
    payload: udp({ srcPort: 1, dstPort: 2, payload: bytes(0) }),
  });

  it("stacked 802.1ad and 802.1Q tags", () => {
    const [outer, inner] = decodePacket(1, frame("qinq stacked tags")).layers.filter(
      (l) => l.kind === "vlan",
    );
    assert.ok(outer?.kind === "vlan" && inner?.kind === "vlan");
    assert.deepEqual([outer.tpid, outer.pcp, outer.dei, outer.vid], [0x88a8, 3, true, 200]);
    assert.deepEqual([inner.tpid, inner.vid, inner.etherType], [0x8100, 10, 0x0806]);
  });

  it("802.3 with LLC and SNAP", () => {
    const e = findLayer(decodePacket(1, frame("802.3 llc snap ipv4")), "ethernet")!;
    assert.deepEqual(
      [e.length, e.dsap, e.ssap, e.control, e.snapOui, e.etherType],
      [36, 0xaa, 0xaa, 3, 0, 0x0800],
    );
  });

  it("Linux cooked v1 and v2", () => {
    const sll = new ByteWriter()
      .u16be(4)
      .u16be(1)
      .u16be(6)
      .bytes([0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0])
      .u16be(0x0800)
      .toBytes();
    const p1 = decodePacket(113, concat(sll, ipPacket));
    const l1 = p1.link!;
    assert.ok(l1.kind === "sll");
    assert.deepEqual([l1.packetType, l1.direction, l1.address], [4, "Out", "00:11:22:33:44:55"]);
    assert.equal(p1.transport?.kind, "udp");
    const sll2 = new ByteWriter()
      .u16be(0x86dd)
      .u16be(0)
      .u32be(7)
      .u16be(1)
      .u8(0)
      .u8(6)
      .bytes([1, 2, 3, 4, 5, 6, 0, 0])
      .toBytes();
    const p2 = decodePacket(276, concat(sll2, ipv6({ nextHeader: 59, payload: bytes() })));
    const l2 = p2.link!;
    assert.ok(l2.kind === "sll2");
    assert.deepEqual([l2.interfaceIndex, l2.protocol, l2.direction], [7, 0x86dd, "In"]);
    assert.equal(p2.network?.kind, "ipv6");
  });

  it("null/loopback in both byte orders, and LINKTYPE_LOOP", () => {
    const le = decodePacket(0, concat(bytes(2, 0, 0, 0), ipPacket));
    const be = decodePacket(0, concat(bytes(0, 0, 0, 2), ipPacket));
    const v6 = decodePacket(
      0,
      concat(bytes(30, 0, 0, 0), ipv6({ nextHeader: 59, payload: bytes() })),
    );
    const loop = decodePacket(108, concat(bytes(0, 0, 0, 2), ipPacket));
    for (const p of [le, be, loop]) assert.equal(p.network?.kind, "ipv4");
    assert.equal(v6.network?.kind, "ipv6");
    assert.equal(le.link?.kind === "null" && le.link.byteOrder, "little");
    assert.equal(be.link?.kind === "null" && be.link.byteOrder, "big");
  });

  it("raw IP picks the version from the first nibble", () => {
    assert.equal(decodePacket(101, ipPacket).network?.kind, "ipv4");
    assert.equal(
      decodePacket(101, ipv6({ nextHeader: 59, payload: bytes() })).network?.kind,
      "ipv6",
    );
  });

  it("an unknown link type is reported, not thrown", () => {
    const p = decodePacket(4242, bytes(1, 2, 3));
    assert.equal(p.layers.length, 0);
    assert.equal(p.issues[0]?.type, "unsupported");
  });

  it("ARP request and reply", () => {
    const a = findLayer(decodePacket(1, frame("arp reply")), "arp")!;
    assert.deepEqual(
      [a.operation, a.senderHardware, a.senderProtocol, a.targetHardware, a.targetProtocol],
      [2, "66:77:88:99:aa:bb", "10.0.0.2", "00:11:22:33:44:55", "10.0.0.1"],
    );
  });
});

describe("JSON and summaries", () => {
  it("toJSON is bigint-free and includes lazily decoded parts", () => {
    for (const c of corpus) {
      const j = JSON.parse(JSON.stringify(decodePacket(1, c.frame)));
      assert.ok(Array.isArray(j.layers), c.name);
    }
    const j = JSON.parse(JSON.stringify(decodePacket(1, frame("dns answer"))));
    assert.equal(j.layers[3].answers[1].address, "93.184.216.34");
    const t = JSON.parse(JSON.stringify(decodePacket(1, frame("tcp syn with options"))));
    assert.equal(t.layers[2].options[0].mss, 1460);
    assert.deepEqual(t.layers[2].flagNames, ["SYN"]);
  });

  it("formats timestamps with microseconds like tcpdump -tt", () => {
    const p = decodePacket(
      228,
      ipv4({
        protocol: 1,
        src: "127.0.0.1",
        dst: "127.0.0.1",
        payload: bytes(8, 0, 0xf7, 0xfe, 0, 1, 0, 0),
      }),
    );
    assert.equal(
      formatPacketLine(p, { seconds: 1700000000, nanos: 5000 }),
      "1700000000.000005 IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 1, seq 0, length 8",
    );
    assert.equal(
      formatPacketLine(p),
      "IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 1, seq 0, length 8",
    );
    void v4;
  });
});
