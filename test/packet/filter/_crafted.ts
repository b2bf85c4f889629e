/**
 * Hand-built packets for the filter tests: what real loopback and veth traffic cannot give
 * us here (the kernel has no 8021q module): VLAN and QinQ tags, fragments, IPv4 options,
 * IPv6 extension headers, LLC frames, broadcast and multicast, truncated captures, and every
 * link type the compiler supports. Deterministic, so tests can name packets by index.
 */
import { PcapWriter } from "../../../src/packet/file/index.js";

export interface CraftedPacket {
  name: string;
  data: Uint8Array;
  /** Length on the wire when the capture is truncated; defaults to data.length. */
  originalLength?: number;
}

export interface CraftedCapture {
  name: string;
  linkType: number;
  packets: CraftedPacket[];
}

const bytes = (...parts: (number[] | Uint8Array)[]): Uint8Array => {
  const out: number[] = [];
  for (const p of parts) out.push(...p);
  return Uint8Array.from(out);
};
const u16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const ip4 = (text: string): number[] => text.split(".").map(Number);
function ip6(text: string): number[] {
  const [head, tail = ""] = text.split("::");
  const words = (s: string) => (s === "" ? [] : s.split(":").map((w) => Number.parseInt(w, 16)));
  const h = words(head!);
  const t = text.includes("::") ? words(tail) : [];
  const all = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap(u16);
}
const mac = (text: string): number[] => text.split(":").map((b) => Number.parseInt(b, 16));

const MAC_A = "02:00:00:00:00:0a";
const MAC_B = "02:00:00:00:00:0b";
const BROADCAST = "ff:ff:ff:ff:ff:ff";

function ether(
  dst: string,
  src: string,
  type: number,
  payload: Uint8Array,
  tags: number[][] = [],
): Uint8Array {
  return bytes(mac(dst), mac(src), ...tags, u16(type), payload);
}
const vlanTag = (tpid: number, tci: number): number[] => [...u16(tpid), ...u16(tci)];

interface Ip4Options {
  src: string;
  dst: string;
  proto: number;
  payload: Uint8Array;
  fragOffset?: number;
  moreFragments?: boolean;
  options?: number[];
}
function ipv4(o: Ip4Options): Uint8Array {
  const opts = o.options ?? [];
  const ihl = 5 + opts.length / 4;
  const total = ihl * 4 + o.payload.length;
  const frag = ((o.moreFragments ? 0x2000 : 0) | (o.fragOffset ?? 0)) & 0xffff;
  return bytes(
    [0x40 | ihl, 0, ...u16(total), 0x12, 0x34, ...u16(frag), 64, o.proto, 0, 0],
    ip4(o.src),
    ip4(o.dst),
    opts,
    o.payload,
  );
}
function ipv6(src: string, dst: string, next: number, payload: Uint8Array): Uint8Array {
  return bytes([0x60, 0, 0, 0, ...u16(payload.length), next, 64], ip6(src), ip6(dst), payload);
}
function tcp(sport: number, dport: number, flags: number, data: number[] = []): Uint8Array {
  return bytes(
    u16(sport),
    u16(dport),
    [0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0],
    data,
  );
}
function udp(sport: number, dport: number, data: number[] = [1, 2, 3, 4]): Uint8Array {
  return bytes(u16(sport), u16(dport), u16(8 + data.length), [0, 0], data);
}
const icmp = (type: number, code = 0): Uint8Array =>
  bytes([type, code, 0, 0, 0, 1, 0, 1], new Array(8).fill(0x61));
const icmp6 = (type: number, code = 0): Uint8Array => bytes([type, code, 0, 0, 0, 1, 0, 1]);
function arp(op: number, sender: string, target: string): Uint8Array {
  return bytes([0, 1, 8, 0, 6, 4, 0, op], mac(MAC_A), ip4(sender), [0, 0, 0, 0, 0, 0], ip4(target));
}
const sctp = (sport: number, dport: number): Uint8Array =>
  bytes(u16(sport), u16(dport), [0, 0, 0, 0, 0, 0, 0, 0]);

const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_PSH = 0x08;
const TCP_ACK = 0x10;
const TCP_URG = 0x20;
const TCP_ECE = 0x40;
const TCP_CWR = 0x80;

/** IP-layer packets used on every link type. */
function ipPackets(): CraftedPacket[] {
  const v4 = (name: string, o: Ip4Options): CraftedPacket => ({ name, data: ipv4(o) });
  return [
    v4("udp4 dns", { src: "10.0.0.1", dst: "10.0.0.2", proto: 17, payload: udp(1000, 53) }),
    v4("tcp4 syn :80", {
      src: "10.0.0.1",
      dst: "10.0.0.2",
      proto: 6,
      payload: tcp(40000, 80, TCP_SYN),
    }),
    v4("tcp4 synack", {
      src: "10.0.0.2",
      dst: "10.0.0.1",
      proto: 6,
      payload: tcp(80, 40000, TCP_SYN | TCP_ACK),
    }),
    v4("tcp4 rst+ack", {
      src: "10.0.0.2",
      dst: "10.0.0.1",
      proto: 6,
      payload: tcp(7, 40001, TCP_RST | TCP_ACK),
    }),
    v4("tcp4 fin", {
      src: "10.0.0.1",
      dst: "10.0.0.2",
      proto: 6,
      payload: tcp(40000, 80, TCP_FIN | TCP_ACK),
    }),
    v4("tcp4 psh urg ece cwr", {
      src: "192.168.1.7",
      dst: "192.168.2.9",
      proto: 6,
      payload: tcp(6000, 6009, TCP_PSH | TCP_URG | TCP_ECE | TCP_CWR, [0x47, 0x45, 0x54]),
    }),
    v4("tcp4 :6008", {
      src: "192.168.1.7",
      dst: "172.16.5.4",
      proto: 6,
      payload: tcp(6008, 443, TCP_ACK),
    }),
    v4("tcp4 with options", {
      src: "10.1.2.3",
      dst: "10.0.0.2",
      proto: 6,
      payload: tcp(1234, 80, TCP_RST | TCP_ACK),
      options: [0x94, 0x04, 0x00, 0x00],
    }),
    v4("udp4 first fragment", {
      src: "10.0.0.3",
      dst: "10.0.0.4",
      proto: 17,
      payload: udp(53, 2000, new Array(16).fill(7)),
      moreFragments: true,
    }),
    v4("udp4 later fragment", {
      src: "10.0.0.3",
      dst: "10.0.0.4",
      proto: 17,
      payload: bytes(u16(53), u16(53), [0, 8, 0, 0]),
      fragOffset: 3,
    }),
    v4("icmp echo", { src: "10.0.0.1", dst: "10.0.0.2", proto: 1, payload: icmp(8) }),
    v4("icmp echoreply", { src: "10.0.0.2", dst: "10.0.0.1", proto: 1, payload: icmp(0) }),
    v4("icmp unreach", { src: "10.0.0.2", dst: "10.0.0.1", proto: 1, payload: icmp(3, 3) }),
    v4("icmp timxceed", { src: "10.9.9.9", dst: "10.0.0.1", proto: 1, payload: icmp(11) }),
    v4("udp4 broadcast", {
      src: "0.0.0.0",
      dst: "255.255.255.255",
      proto: 17,
      payload: udp(68, 67),
    }),
    v4("udp4 multicast", {
      src: "10.0.0.5",
      dst: "224.0.0.251",
      proto: 17,
      payload: udp(5353, 5353),
    }),
    v4("sctp4", { src: "10.0.0.1", dst: "10.0.0.2", proto: 132, payload: sctp(9899, 80) }),
    v4("igmp", {
      src: "10.0.0.1",
      dst: "224.0.0.22",
      proto: 2,
      payload: bytes([0x22, 0, 0, 0, 0, 0, 0, 0]),
    }),
    v4("gre", { src: "10.0.0.1", dst: "10.0.0.2", proto: 47, payload: bytes([0, 0, 8, 0]) }),
    v4("pim", { src: "10.0.0.1", dst: "224.0.0.13", proto: 103, payload: bytes([0x20, 0, 0, 0]) }),
    v4("vrrp", {
      src: "10.0.0.1",
      dst: "224.0.0.18",
      proto: 112,
      payload: bytes([0x21, 1, 100, 1]),
    }),
    v4("esp", {
      src: "10.0.0.1",
      dst: "10.0.0.2",
      proto: 50,
      payload: bytes([0, 0, 0, 1, 0, 0, 0, 1]),
    }),
    { name: "tcp6 :443", data: ipv6("fd00::1", "fd00::2", 6, tcp(50000, 443, TCP_SYN)) },
    { name: "udp6 dns", data: ipv6("fd00::2", "fd00::1", 17, udp(53, 50001)) },
    { name: "icmp6 echo", data: ipv6("fe80::1", "fe80::2", 58, icmp6(128)) },
    { name: "icmp6 multicast ns", data: ipv6("fe80::1", "ff02::1:ff00:2", 58, icmp6(135)) },
    {
      name: "udp6 fragment",
      data: ipv6("fd00::1", "fd00::2", 44, bytes([17, 0, 0, 1, 0, 0, 0, 9], udp(53, 53))),
    },
    {
      name: "icmp6 after hop-by-hop",
      data: ipv6("fd00::1", "ff02::16", 0, bytes([58, 0, 5, 2, 0, 0, 1, 0], icmp6(143))),
    },
    { name: "sctp6", data: ipv6("fd00::1", "fd00::2", 132, sctp(80, 9899)) },
    {
      name: "ah6",
      data: ipv6("2001:db8::1", "2001:db8:1::1", 51, bytes([6, 1, 0, 0, 0, 0, 0, 1])),
    },
  ];
}

function ethernetPackets(): CraftedPacket[] {
  const ip = ipPackets();
  const frames: CraftedPacket[] = ip.map((p) => {
    const isV6 = p.data[0]! >> 4 === 6;
    const dst = p.name.includes("broadcast")
      ? BROADCAST
      : p.name.includes("multicast")
        ? "01:00:5e:00:00:fb"
        : MAC_B;
    return { name: `eth ${p.name}`, data: ether(dst, MAC_A, isV6 ? 0x86dd : 0x0800, p.data) };
  });
  const tcpSyn = ipv4({
    src: "10.0.0.1",
    dst: "10.0.0.2",
    proto: 6,
    payload: tcp(40000, 80, TCP_SYN),
  });
  const udpDns = ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 17, payload: udp(1000, 53) });
  frames.push(
    { name: "vlan 10 udp4 dns", data: ether(MAC_B, MAC_A, 0x0800, udpDns, [vlanTag(0x8100, 10)]) },
    {
      name: "vlan 20 tcp4 syn",
      data: ether(MAC_B, MAC_A, 0x0800, tcpSyn, [vlanTag(0x8100, 0x2000 | 20)]),
    },
    {
      name: "qinq 100/200 icmp",
      data: ether(
        MAC_B,
        MAC_A,
        0x0800,
        ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 1, payload: icmp(8) }),
        [vlanTag(0x88a8, 100), vlanTag(0x8100, 200)],
      ),
    },
    {
      name: "vlan 300 udp6",
      data: ether(MAC_B, MAC_A, 0x86dd, ipv6("fd00::1", "fd00::2", 17, udp(5000, 53)), [
        vlanTag(0x8100, 300),
      ]),
    },
    {
      name: "vlan 10 arp",
      data: ether(BROADCAST, MAC_A, 0x0806, arp(1, "10.0.0.1", "10.0.0.2"), [vlanTag(0x8100, 10)]),
    },
    {
      name: "vlan 4095 prio 7 tcp4",
      data: ether(MAC_B, MAC_A, 0x0800, tcpSyn, [vlanTag(0x9100, 0xefff)]),
    },
    {
      name: "arp request broadcast",
      data: ether(BROADCAST, MAC_A, 0x0806, arp(1, "10.0.0.1", "10.0.0.2")),
    },
    { name: "arp reply", data: ether(MAC_A, MAC_B, 0x0806, arp(2, "10.0.0.2", "10.0.0.1")) },
    { name: "rarp", data: ether(BROADCAST, MAC_A, 0x8035, arp(3, "0.0.0.0", "10.0.0.9")) },
    {
      name: "802.3 llc stp",
      data: bytes(
        mac("01:80:c2:00:00:00"),
        mac(MAC_A),
        u16(38),
        [0x42, 0x42, 0x03],
        new Array(35).fill(0),
      ),
    },
    { name: "lldp", data: ether("01:80:c2:00:00:0e", MAC_A, 0x88cc, bytes(new Array(30).fill(0))) },
    { name: "runt 10 bytes", data: bytes(mac(MAC_B), [2, 0, 0, 0]) },
    {
      name: "truncated tcp4 (34 of 54)",
      data: ether(MAC_B, MAC_A, 0x0800, tcpSyn).subarray(0, 34),
      originalLength: 54,
    },
    {
      name: "truncated udp6 (40 of 62)",
      data: frames[23]!.data.subarray(0, 40),
      originalLength: frames[23]!.data.length,
    },
  );
  return frames;
}

/** All crafted captures: Ethernet, raw IP, IPv4, IPv6 and BSD loopback (null). */
export function craftedCaptures(): CraftedCapture[] {
  const ip = ipPackets();
  const nullHeader = (family: number) => [family & 0xff, 0, 0, 0];
  const nulls: CraftedPacket[] = ip.map((p) => ({
    name: `null ${p.name}`,
    data: bytes(nullHeader(p.data[0]! >> 4 === 6 ? 30 : 2), p.data),
  }));
  nulls.push(
    { name: "null ipv6 family 24", data: bytes(nullHeader(24), ip[22]!.data) },
    { name: "null ipv6 family 28", data: bytes(nullHeader(28), ip[23]!.data) },
    { name: "null ipv6 linux family 10", data: bytes(nullHeader(10), ip[24]!.data) },
  );
  return [
    { name: "crafted-ethernet", linkType: 1, packets: ethernetPackets() },
    {
      name: "crafted-raw",
      linkType: 101,
      packets: [...ip, { name: "not ip (version 5)", data: bytes([0x55], new Array(30).fill(0)) }],
    },
    { name: "crafted-ipv4", linkType: 228, packets: ip.filter((p) => p.data[0]! >> 4 === 4) },
    { name: "crafted-ipv6", linkType: 229, packets: ip.filter((p) => p.data[0]! >> 4 === 6) },
    { name: "crafted-null", linkType: 0, packets: nulls },
  ];
}

/** Writes a crafted capture as a pcap file; packet i gets the timestamp i seconds. */
export function writeCrafted(capture: CraftedCapture, path: string): void {
  const writer = new PcapWriter(path, { linkType: capture.linkType });
  capture.packets.forEach((p, i) => {
    writer.write({
      seconds: 1_700_000_000 + i,
      nanos: 0,
      data: p.data,
      originalLength: p.originalLength ?? p.data.length,
    });
  });
  writer.close();
}
