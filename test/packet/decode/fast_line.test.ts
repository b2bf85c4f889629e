/**
 * writeFastLine (the byte-writing one-line formatter `evnet read` uses for common packets)
 * against the general path, formatPacketLine(decodePacket(...)): whenever the fast path
 * writes a line, it must be byte for byte the general line encoded as UTF-8. Checked over
 * every fixture capture, the crafted decoder corpus and HTTP frames made here, each cut at
 * every length, and over randomly mutated frames.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  decodePacket,
  FAST_LINE_MAX_BYTES,
  formatPacketLine,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  writeFastLine,
} from "../../../src/packet/decode/index.js";
import { readCaptureFile } from "../../../src/packet/file/index.js";
import {
  bytes,
  concat,
  dnsHeader,
  dnsName,
  ethernet,
  ipv4,
  ipv6,
  MAC_A,
  MAC_B,
  tcp,
} from "./_build.js";
import { corpus } from "./_corpus.js";

const FIXTURES = "test/fixtures/packet";

interface Frame {
  name: string;
  linkType: number;
  data: Uint8Array;
}

const encoder = new TextEncoder();
/** As much room as writeFastLine asks for, and the newline: a longer line would be cut. */
const line = new Uint8Array(FAST_LINE_MAX_BYTES + 1);

/**
 * Compares both paths on one frame; returns true when the fast path wrote the line, false
 * when it left the frame to the general path.
 */
function agree(linkType: number, data: Uint8Array, what: string): boolean {
  const end = writeFastLine(line, 0, linkType, data);
  if (end < 0) return false;
  const want = encoder.encode(formatPacketLine(decodePacket(linkType, data)));
  assert.ok(end <= FAST_LINE_MAX_BYTES, `${what}: ${end} bytes, over the announced bound`);
  assert.deepEqual(
    Buffer.from(line.subarray(0, end)).toString("latin1"),
    Buffer.from(want).toString("latin1"),
    what,
  );
  return true;
}

/** The frame and every prefix of it; returns how many of them took the fast path. */
function agreeAtEveryLength(f: Frame): number {
  let fast = 0;
  for (let n = 0; n <= f.data.length; n++) {
    if (agree(f.linkType, f.data.subarray(0, n), `${f.name} cut at ${n}`)) fast++;
  }
  return fast;
}

function fixtureFrames(file: string): Frame[] {
  return [...readCaptureFile(join(FIXTURES, file), { copy: true })].map((r, i) => ({
    name: `${file} #${i + 1}`,
    linkType: r.linkType,
    data: r.data,
  }));
}

const captureFiles = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f));

function httpFrame(name: string, payload: Uint8Array, srcPort = 40000, dstPort = 80): Frame {
  return {
    name,
    linkType: LINKTYPE_ETHERNET,
    data: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({
        src: "127.0.0.1",
        dst: "127.0.0.1",
        protocol: 6,
        payload: tcp({ flags: 0x18, seq: 4294967290, ack: 7, srcPort, dstPort, payload }),
      }),
    ),
  };
}

const text = (s: string) => encoder.encode(s);
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

/** What loopback traffic in the fixtures lacks: HTTP lines, and DNS over TCP. */
const crafted: Frame[] = [
  httpFrame("HTTP request", text("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")),
  httpFrame("HTTP status line", text("HTTP/1.1 200 OK\r\n\r\n"), 80, 40000),
  httpFrame("HTTP status on 8080", text("HTTP/1.0 404 Not Found\n"), 8080, 40000),
  httpFrame("HTTP each method", text("OPTIONS * HTTP/1.1\r\n")),
  httpFrame("HTTP method without space", text("GETX / HTTP/1.1\r\n")),
  httpFrame("HTTP version with letters", text("HTTP/x.1 200 OK\r\n")),
  httpFrame("HTTP body, no line end", text("just some bytes without an end")),
  httpFrame("HTTP line past 300 bytes", text(`GET /${"a".repeat(400)} HTTP/1.1\r\n`)),
  httpFrame("HTTP line with bytes over 0x7f", latin1("GET /caf\xe9\xff\x80 HTTP/1.1\r\n")),
  httpFrame("HTTP line with control bytes", latin1("PUT /\x00\x01\x7f HTTP/1.1\r\n")),
  httpFrame("HTTP on other ports is not quoted", text("GET / HTTP/1.1\r\n"), 40000, 8000),
  {
    name: "DNS over TCP",
    linkType: LINKTYPE_ETHERNET,
    data: ethernet(
      MAC_B,
      MAC_A,
      0x0800,
      ipv4({
        protocol: 6,
        payload: tcp({
          flags: 0x18,
          srcPort: 40000,
          dstPort: 53,
          payload: concat(
            bytes(0, 29),
            dnsHeader(0x1234, 0x0100, 1, 0, 0, 0),
            dnsName("example.com"),
            bytes(0, 1, 0, 1),
          ),
        }),
      }),
    ),
  },
  {
    name: "TCP over IPv6 with a mapped address",
    linkType: LINKTYPE_ETHERNET,
    data: ethernet(
      MAC_B,
      MAC_A,
      0x86dd,
      ipv6({
        src: "::ffff:10.0.0.1",
        dst: "2001:db8::2",
        nextHeader: 6,
        payload: tcp({ flags: 0x12, seq: 1, ack: 2, options: bytes(1, 1, 4, 2, 0, 0, 0, 0) }),
      }),
    ),
  },
];

/** The same IPv4 packet behind a Linux cooked header (v1 and v2). */
function cooked(frame: Uint8Array): Frame[] {
  const ip = frame.subarray(14);
  const sll = concat(bytes(0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 8, 0), ip);
  const sll2 = concat(bytes(8, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0), ip);
  return [
    { name: "SLL", linkType: LINKTYPE_LINUX_SLL, data: sll },
    { name: "SLL2", linkType: LINKTYPE_LINUX_SLL2, data: sll2 },
  ];
}

describe("writeFastLine writes the general path's line, or declines", () => {
  for (const file of captureFiles) {
    it(`for every packet of ${file}, cut at every length`, () => {
      const frames = fixtureFrames(file);
      let fast = 0;
      for (const f of frames) fast += agreeAtEveryLength(f);
      // The loopback captures are mostly TCP and UDP: the fast path must have had work.
      if (/loopback|filter-lo|sll/.test(file)) {
        assert.ok(fast >= frames.length / 2, `${file}: ${fast} of ${frames.length} frames`);
      }
    });
  }

  it("for every frame of the decoder corpus, cut at every length", () => {
    let fast = 0;
    for (const c of corpus)
      fast += agreeAtEveryLength({ name: c.name, linkType: 1, data: c.frame });
    assert.ok(fast > 0);
  });

  for (const f of crafted) {
    it(`for ${f.name}, cut at every length`, () => {
      assert.ok(agreeAtEveryLength(f) > 0, "the whole frame takes the fast path");
    });
  }

  it("for Linux cooked headers, cut at every length", () => {
    for (const f of cooked(crafted[0]!.data)) assert.ok(agreeAtEveryLength(f) > 0, f.name);
  });

  it("declines what it does not know: VLAN tags, ARP, ICMP, other link types", () => {
    const vlan = corpus.find((c) => c.name.includes("vlan"));
    assert.ok(vlan !== undefined);
    assert.equal(writeFastLine(line, 0, LINKTYPE_ETHERNET, vlan.frame), -1);
    const icmp = corpus.find((c) => c.name.includes("icmp"));
    assert.ok(icmp !== undefined);
    assert.equal(writeFastLine(line, 0, LINKTYPE_ETHERNET, icmp.frame), -1);
    assert.equal(writeFastLine(line, 0, 101, crafted[0]!.data.subarray(14)), -1);
  });

  it("for frames with random bytes changed in their headers", () => {
    const seeds: Frame[] = [...crafted, ...captureFiles.flatMap(fixtureFrames)].filter(
      (f) => f.data.length > 0,
    );
    let fast = 0;
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(95), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        (which, changes) => {
          const seed = seeds[which]!;
          const data = seed.data.slice();
          for (const [at, value] of changes) if (at < data.length) data[at] = value;
          if (agree(seed.linkType, data, `${seed.name} with ${JSON.stringify(changes)}`)) fast++;
        },
      ),
      { numRuns: 3000, seed: 20261126 },
    );
    assert.ok(fast > 300, `the fast path wrote ${fast} of the mutated frames`);
  });
});
