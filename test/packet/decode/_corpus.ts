/**
 * Hand-built frames covering what loopback traffic cannot produce here: VLAN tags, ARP,
 * DHCP, IPv6 extension headers, neighbour discovery, IPv4 options and fragments, unusual TCP
 * options, bad checksums. Used by the table tests, the every-offset truncation test and the
 * tshark/tcpdump comparisons (which write them to a pcap).
 */
import { ByteWriter } from "../../../src/bytes/index.js";
import {
  bytes,
  concat,
  dnsHeader,
  dnsName,
  dnsRecord,
  ethernet,
  icmp,
  icmpv6,
  ipv4,
  ipv6,
  MAC_A,
  MAC_B,
  mac,
  tcp,
  udp,
  v4,
  v6,
  vlanTag,
} from "./_build.js";

export interface CorpusFrame {
  name: string;
  /** Ethernet frames only, so every frame can go in one pcap. */
  frame: Uint8Array;
}

const synOptions = bytes(
  2,
  4,
  0x05,
  0xb4, // mss 1460
  4,
  2, // sackOK
  8,
  10,
  0,
  0,
  0,
  1,
  0,
  0,
  0,
  0, // TS val 1 ecr 0
  1, // nop
  3,
  3,
  7, // wscale 7
);

const sackOptions = bytes(
  1,
  1,
  5,
  18,
  0,
  0,
  0x10,
  0,
  0,
  0,
  0x20,
  0,
  0,
  0,
  0x30,
  0,
  0,
  0,
  0x40,
  0, // sack 2 blocks
);

function ip4tcp(t: Parameters<typeof tcp>[0], src = "10.0.0.1", dst = "10.0.0.2"): Uint8Array {
  return ethernet(
    MAC_B,
    MAC_A,
    0x0800,
    ipv4({ src, dst, protocol: 6, payload: tcp({ ...t, src, dst }) }),
  );
}

const dnsQuery = concat(
  dnsHeader(0x1234, 0x0100, 1, 0, 0, 1),
  dnsName("example.com"),
  bytes(0, 1, 0, 1),
  // OPT: root name, type 41, UDP size 1232, DO bit
  bytes(0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0),
);

const dnsAnswer = concat(
  dnsHeader(0x1234, 0x8180, 1, 3, 1, 0),
  dnsName("example.com"),
  bytes(0, 1, 0, 1),
  dnsRecord(12, 5, 60, concat(bytes(3, 0x77, 0x77, 0x77), bytes(0xc0, 12))), // CNAME www.example.com
  dnsRecord(12, 1, 300, v4("93.184.216.34")),
  dnsRecord(12, 28, 300, v6("2606:2800:220:1::1")),
  dnsRecord(
    12,
    6,
    3600,
    concat(
      dnsName("ns.example.com"),
      dnsName("admin.example.com"),
      new ByteWriter().u32be(1).u32be(7200).u32be(3600).u32be(1209600).u32be(300).toBytes(),
    ),
  ),
);

/** Name at offset 12 is a pointer to itself. */
const dnsLoop = concat(dnsHeader(7, 0x0100, 1, 0, 0, 0), bytes(0xc0, 12, 0, 1, 0, 1));

function dhcpDiscover(): Uint8Array {
  const w = new ByteWriter()
    .u8(1)
    .u8(1)
    .u8(6)
    .u8(0)
    .u32be(0x3903f326)
    .u16be(0)
    .u16be(0x8000)
    .zeros(16)
    .bytes(mac(MAC_A))
    .zeros(10)
    .zeros(64 + 128)
    .bytes([99, 130, 83, 99])
    .bytes([53, 1, 1]) // DHCPDISCOVER
    .bytes([50, 4, 192, 168, 1, 100]) // requested IP
    .bytes([55, 4, 1, 3, 6, 15]) // parameter list
    .bytes([12, 4, 0x68, 0x6f, 0x73, 0x74]) // hostname "host"
    .bytes([51, 4, 0, 0, 0x0e, 0x10]) // lease 3600
    .bytes([54, 4, 192, 168, 1, 1]) // server id
    .u8(0) // pad
    .u8(255);
  return w.toBytes();
}

const arpRequest = new ByteWriter()
  .u16be(1)
  .u16be(0x0800)
  .u8(6)
  .u8(4)
  .u16be(1)
  .bytes(mac(MAC_A))
  .bytes(v4("10.0.0.1"))
  .zeros(6)
  .bytes(v4("10.0.0.2"))
  .toBytes();
const arpReply = new ByteWriter()
  .u16be(1)
  .u16be(0x0800)
  .u8(6)
  .u8(4)
  .u16be(2)
  .bytes(mac(MAC_B))
  .bytes(v4("10.0.0.2"))
  .bytes(mac(MAC_A))
  .bytes(v4("10.0.0.1"))
  .toBytes();

const ll = "fe80::1";
const llB = "fe80::2";
const solicited = "ff02::1:ff00:2";

const nsBody = concat(bytes(0, 0, 0, 0), v6(llB), bytes(1, 1), mac(MAC_A));
const naBody = concat(bytes(0x60, 0, 0, 0), v6(llB), bytes(2, 1), mac(MAC_B));
const rsBody = concat(bytes(0, 0, 0, 0), bytes(1, 1), mac(MAC_A));
const raBody = concat(
  bytes(64, 0xc0, 0x07, 0x08), // hop limit 64, M and O, lifetime 1800
  new ByteWriter().u32be(30000).u32be(1000).toBytes(),
  bytes(3, 4, 64, 0xc0),
  new ByteWriter().u32be(86400).u32be(14400).u32be(0).toBytes(),
  v6("2001:db8:1::"),
  bytes(5, 1, 0, 0, 0, 0, 0x05, 0xdc), // MTU 1500
  bytes(1, 1),
  mac(MAC_B),
);

function hopByHop(next: number): Uint8Array {
  // Router alert (type 5, 2 bytes) then PadN to 8 bytes.
  return bytes(next, 0, 5, 2, 0, 0, 1, 0);
}

const echoV6 = icmpv6(
  128,
  0,
  bytes(0x12, 0x34, 0, 1, 0x61, 0x62, 0x63, 0x64),
  "2001:db8::1",
  "2001:db8::2",
);

function ipv6Fragments(): [Uint8Array, Uint8Array] {
  const udpPayload = new Uint8Array(24).fill(0x41);
  const whole = udp({
    src: "2001:db8::1",
    dst: "2001:db8::2",
    srcPort: 5000,
    dstPort: 6000,
    payload: udpPayload,
  });
  const first = concat(
    bytes(17, 0, 0, 1),
    new ByteWriter().u32be(0xabcdef).toBytes(),
    whole.subarray(0, 16),
  );
  const second = concat(
    bytes(17, 0, 0, 16),
    new ByteWriter().u32be(0xabcdef).toBytes(),
    whole.subarray(16),
  );
  return [
    ethernet(MAC_B, MAC_A, 0x86dd, ipv6({ nextHeader: 44, payload: first })),
    ethernet(MAC_B, MAC_A, 0x86dd, ipv6({ nextHeader: 44, payload: second })),
  ];
}

function ipv4Fragments(): [Uint8Array, Uint8Array] {
  const whole = udp({ srcPort: 5000, dstPort: 6000, payload: new Uint8Array(24).fill(0x42) });
  return [
    ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({ protocol: 17, payload: whole.subarray(0, 16), flags: 1, id: 77, totalLength: 36 }),
    ),
    ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({ protocol: 17, payload: whole.subarray(16), flags: 0, id: 77, fragmentOffset: 16 }),
    ),
  ];
}

const [v6frag1, v6frag2] = ipv6Fragments();
const [v4frag1, v4frag2] = ipv4Fragments();

export const corpus: CorpusFrame[] = [
  {
    name: "tcp syn with options",
    frame: ip4tcp({ flags: 0x02, seq: 123, options: synOptions, window: 64240 }),
  },
  {
    name: "tcp syn-ack ece cwr",
    frame: ip4tcp({ flags: 0xd2, seq: 500, ack: 124, options: synOptions }),
  },
  {
    name: "tcp data push ack",
    frame: ip4tcp({
      flags: 0x18,
      seq: 124,
      ack: 501,
      payload: new TextEncoder().encode("hello, world"),
    }),
  },
  { name: "tcp sack", frame: ip4tcp({ flags: 0x10, seq: 136, ack: 501, options: sackOptions }) },
  {
    name: "tcp urgent",
    frame: ip4tcp({ flags: 0x38, seq: 136, ack: 501, urgent: 1, payload: bytes(0x21) }),
  },
  { name: "tcp fin", frame: ip4tcp({ flags: 0x11, seq: 137, ack: 501 }) },
  { name: "tcp rst", frame: ip4tcp({ flags: 0x04, seq: 137 }) },
  {
    name: "tcp unknown option",
    frame: ip4tcp({ flags: 0x10, ack: 9, options: bytes(0xfd, 4, 0xbe, 0xef) }),
  },
  { name: "tcp mss wrong length", frame: ip4tcp({ flags: 0x02, options: bytes(2, 3, 5, 1) }) },
  {
    name: "tcp option length past header",
    frame: ip4tcp({ flags: 0x02, options: bytes(1, 8, 10, 0) }),
  },
  { name: "tcp option length zero", frame: ip4tcp({ flags: 0x02, options: bytes(3, 0, 1, 1) }) },
  {
    name: "tcp eol then padding",
    frame: ip4tcp({ flags: 0x02, options: bytes(2, 4, 0x05, 0xb4, 0, 0, 0, 0) }),
  },
  { name: "tcp bad checksum", frame: ip4tcp({ flags: 0x02, checksum: 0xdead }) },
  { name: "tcp ns flag", frame: ip4tcp({ flags: 0x110, seq: 5, ack: 6 }) },
  {
    name: "tcp over ipv6",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x86dd,
      ipv6({
        nextHeader: 6,
        payload: tcp({ src: "2001:db8::1", dst: "2001:db8::2", flags: 0x02, options: synOptions }),
      }),
    ),
  },
  {
    name: "udp",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({
        protocol: 17,
        payload: udp({ srcPort: 5000, dstPort: 6000, payload: bytes(1, 2, 3) }),
      }),
    ),
  },
  {
    name: "udp zero checksum",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({
        protocol: 17,
        payload: udp({ srcPort: 5000, dstPort: 6000, payload: bytes(1, 2, 3), checksum: 0 }),
      }),
    ),
  },
  {
    name: "udp bad checksum",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({
        protocol: 17,
        payload: udp({ srcPort: 5000, dstPort: 6000, payload: bytes(1, 2, 3), checksum: 0x1111 }),
      }),
    ),
  },
  {
    name: "udp over ipv6",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x86dd,
      ipv6({
        nextHeader: 17,
        payload: udp({
          src: "2001:db8::1",
          dst: "2001:db8::2",
          srcPort: 5000,
          dstPort: 6000,
          payload: bytes(9, 9),
        }),
      }),
    ),
  },
  {
    name: "dns query edns",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({ protocol: 17, payload: udp({ srcPort: 33333, dstPort: 53, payload: dnsQuery }) }),
    ),
  },
  {
    name: "dns answer",
    frame: ethernet(
      MAC_A,
      MAC_B,
      0x0800,
      ipv4({
        src: "10.0.0.2",
        dst: "10.0.0.1",
        protocol: 17,
        payload: udp({
          src: "10.0.0.2",
          dst: "10.0.0.1",
          srcPort: 53,
          dstPort: 33333,
          payload: dnsAnswer,
        }),
      }),
    ),
  },
  {
    name: "dns pointer loop",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({ protocol: 17, payload: udp({ srcPort: 33333, dstPort: 53, payload: dnsLoop }) }),
    ),
  },
  {
    name: "dhcp discover",
    frame: ethernet(
      "ff:ff:ff:ff:ff:ff",
      MAC_A,
      0x0800,
      ipv4({
        src: "0.0.0.0",
        dst: "255.255.255.255",
        protocol: 17,
        payload: udp({
          src: "0.0.0.0",
          dst: "255.255.255.255",
          srcPort: 68,
          dstPort: 67,
          payload: dhcpDiscover(),
        }),
      }),
    ),
  },
  {
    name: "arp request",
    frame: ethernet("ff:ff:ff:ff:ff:ff", MAC_A, 0x0806, concat(arpRequest, new Uint8Array(18))),
  },
  { name: "arp reply", frame: ethernet(MAC_A, MAC_B, 0x0806, arpReply) },
  {
    name: "vlan tagged ipv4 icmp",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x8100,
      concat(
        vlanTag(5, false, 100, 0x0800),
        ipv4({ protocol: 1, payload: icmp(8, 0, bytes(0, 7, 0, 1), bytes(1, 2, 3, 4)) }),
      ),
    ),
  },
  {
    name: "qinq stacked tags",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x88a8,
      concat(vlanTag(3, true, 200, 0x8100), vlanTag(0, false, 10, 0x0806), arpRequest),
    ),
  },
  {
    name: "802.3 llc snap ipv4",
    frame: concat(
      mac(MAC_B),
      mac(MAC_A),
      bytes(0, 36),
      bytes(0xaa, 0xaa, 3, 0, 0, 0, 8, 0),
      ipv4({ protocol: 1, payload: icmp(8, 0, bytes(0, 1, 0, 1), new Uint8Array(0)) }),
    ),
  },
  {
    name: "802.3 llc stp",
    frame: concat(
      mac("01:80:c2:00:00:00"),
      mac(MAC_A),
      bytes(0, 38),
      bytes(0x42, 0x42, 3),
      new Uint8Array(35),
    ),
  },
  {
    name: "ipv4 options",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({
        protocol: 1,
        options: bytes(0x94, 4, 0, 0, 1, 1, 1, 0),
        payload: icmp(8, 0, bytes(0, 1, 0, 2), new Uint8Array(8)),
      }),
    ),
  },
  {
    name: "ipv4 bad header checksum",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({
        protocol: 1,
        checksum: 0x0bad,
        payload: icmp(8, 0, bytes(0, 1, 0, 3), new Uint8Array(8)),
      }),
    ),
  },
  { name: "ipv4 first fragment", frame: v4frag1 },
  { name: "ipv4 second fragment", frame: v4frag2 },
  {
    name: "icmp port unreachable",
    frame: ethernet(
      MAC_A,
      MAC_B,
      0x0800,
      ipv4({
        src: "10.0.0.2",
        dst: "10.0.0.1",
        protocol: 1,
        payload: icmp(
          3,
          3,
          bytes(0, 0, 0, 0),
          ipv4({
            protocol: 17,
            payload: udp({ srcPort: 5000, dstPort: 6000, payload: bytes(1, 2, 3, 4) }),
          }),
        ),
      }),
    ),
  },
  {
    name: "icmp need frag",
    frame: ethernet(
      MAC_A,
      MAC_B,
      0x0800,
      ipv4({
        src: "10.0.0.2",
        dst: "10.0.0.1",
        protocol: 1,
        payload: icmp(
          3,
          4,
          bytes(0, 0, 0x05, 0xdc),
          ipv4({ protocol: 6, payload: tcp({ flags: 0x10 }).subarray(0, 8), totalLength: 1500 }),
        ),
      }),
    ),
  },
  {
    name: "icmp time exceeded",
    frame: ethernet(
      MAC_A,
      MAC_B,
      0x0800,
      ipv4({
        src: "10.0.0.254",
        dst: "10.0.0.1",
        protocol: 1,
        payload: icmp(
          11,
          0,
          bytes(0, 0, 0, 0),
          ipv4({
            protocol: 17,
            ttl: 1,
            payload: udp({ srcPort: 5000, dstPort: 33434, payload: bytes(0, 0) }),
          }),
        ),
      }),
    ),
  },
  {
    name: "icmpv6 echo",
    frame: ethernet(MAC_B, MAC_A, 0x86dd, ipv6({ nextHeader: 58, payload: echoV6 })),
  },
  {
    name: "icmpv6 neighbor solicitation",
    frame: ethernet(
      "33:33:ff:00:00:02",
      MAC_A,
      0x86dd,
      ipv6({
        src: ll,
        dst: solicited,
        hopLimit: 255,
        nextHeader: 58,
        payload: icmpv6(135, 0, nsBody, ll, solicited),
      }),
    ),
  },
  {
    name: "icmpv6 neighbor advertisement",
    frame: ethernet(
      MAC_A,
      MAC_B,
      0x86dd,
      ipv6({
        src: llB,
        dst: ll,
        hopLimit: 255,
        nextHeader: 58,
        payload: icmpv6(136, 0, naBody, llB, ll),
      }),
    ),
  },
  {
    name: "icmpv6 router solicitation",
    frame: ethernet(
      "33:33:00:00:00:02",
      MAC_A,
      0x86dd,
      ipv6({
        src: ll,
        dst: "ff02::2",
        hopLimit: 255,
        nextHeader: 58,
        payload: icmpv6(133, 0, rsBody, ll, "ff02::2"),
      }),
    ),
  },
  {
    name: "icmpv6 router advertisement",
    frame: ethernet(
      "33:33:00:00:00:01",
      MAC_B,
      0x86dd,
      ipv6({
        src: llB,
        dst: "ff02::1",
        hopLimit: 255,
        nextHeader: 58,
        payload: icmpv6(134, 0, raBody, llB, "ff02::1"),
      }),
    ),
  },
  {
    name: "icmpv6 packet too big",
    frame: ethernet(
      MAC_A,
      MAC_B,
      0x86dd,
      ipv6({
        src: "2001:db8::2",
        dst: "2001:db8::1",
        nextHeader: 58,
        payload: icmpv6(
          2,
          0,
          concat(bytes(0, 0, 5, 0), ipv6({ nextHeader: 58, payload: echoV6 })),
          "2001:db8::2",
          "2001:db8::1",
        ),
      }),
    ),
  },
  {
    name: "ipv6 hop-by-hop icmpv6",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x86dd,
      ipv6({ nextHeader: 0, payload: concat(hopByHop(58), echoV6) }),
    ),
  },
  {
    name: "ipv6 dstopts routing tcp",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x86dd,
      ipv6({
        nextHeader: 60,
        payload: concat(
          bytes(43, 0, 1, 4, 0, 0, 0, 0),
          bytes(6, 2, 0, 0, 0, 0, 0, 0),
          v6("2001:db8::2"),
          tcp({ src: "2001:db8::1", dst: "2001:db8::2", flags: 0x02 }),
        ),
      }),
    ),
  },
  {
    name: "ipv6 ah udp",
    frame: ethernet(
      MAC_B,
      MAC_A,
      0x86dd,
      ipv6({
        nextHeader: 51,
        payload: concat(
          bytes(17, 4, 0, 0),
          new ByteWriter().u32be(0x100).u32be(1).toBytes(),
          new Uint8Array(12),
          udp({
            src: "2001:db8::1",
            dst: "2001:db8::2",
            srcPort: 5000,
            dstPort: 6000,
            payload: bytes(7),
          }),
        ),
      }),
    ),
  },
  { name: "ipv6 first fragment", frame: v6frag1 },
  { name: "ipv6 second fragment", frame: v6frag2 },
];
