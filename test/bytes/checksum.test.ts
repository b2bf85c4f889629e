import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  adjustChecksum,
  foldChecksum,
  fromHex,
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  onesComplementSum,
  parseIPv6,
  verifyChecksum,
} from "../../src/bytes/index.js";

/** A textbook IPv4 header (Wikipedia's example) whose checksum is 0xb861. */
const ipHeader = fromHex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7")!;

describe("internet checksum", () => {
  it("RFC 1071's example sums to ddf2", () => {
    const b = fromHex("0001 f203 f4f5 f6f7")!;
    assert.equal(foldChecksum(onesComplementSum(b)), 0xddf2);
    assert.equal(internetChecksum(b), ~0xddf2 & 0xffff);
  });

  it("computes and verifies an IPv4 header checksum", () => {
    const zeroed = ipHeader.slice();
    zeroed[10] = 0;
    zeroed[11] = 0;
    assert.equal(internetChecksum(zeroed), 0xb861);
    assert.ok(verifyChecksum(ipHeader));
    const bad = ipHeader.slice();
    bad[11] ^= 1;
    assert.ok(!verifyChecksum(bad));
  });

  it("pads an odd final byte with zero", () => {
    assert.equal(onesComplementSum(new Uint8Array([1, 2, 3])), 0x0102 + 0x0300);
  });

  it("is the same computed in even-length pieces as in one go", () => {
    const b = new Uint8Array(1501);
    for (let i = 0; i < b.length; i++) b[i] = (i * 7919) & 0xff;
    const whole = internetChecksum(b);
    let s = onesComplementSum(b, 0, 600);
    s = onesComplementSum(b, 600, 1000, s);
    s = onesComplementSum(b, 1000, 1501, s);
    assert.equal(~foldChecksum(s) & 0xffff, whole);
  });

  it("folds sums above 32 bits", () => {
    assert.equal(foldChecksum(0x1_0000_0000), 1);
    assert.equal(foldChecksum(0xffff_ffff), 0xffff);
  });

  it("RFC 1624 incremental update matches a full recomputation", () => {
    const h = ipHeader.slice();
    const old = (h[8]! << 8) | h[9]!;
    h[8] = 0x3f; // TTL 64 -> 63
    const updated = adjustChecksum(0xb861, old, (h[8]! << 8) | h[9]!);
    h[10] = 0;
    h[11] = 0;
    assert.equal(updated, internetChecksum(h));
  });
});

describe("pseudo-headers", () => {
  it("a UDP/IPv4 datagram verifies with the IPv4 pseudo-header", () => {
    // 127.0.0.1:5353 -> 127.0.0.1:53, payload "hi", checksum computed independently.
    const ip = fromHex("7f000001 7f000001")!;
    const udp = fromHex("14e9 0035 000a 0000 6869")!;
    const sum = ipv4PseudoHeaderSum(ip, 0, ip, 4, 17, udp.length);
    const c = internetChecksum(udp, 0, udp.length, sum);
    // Sum by hand: 7f00+0001+7f00+0001+0011+000a + 14e9+0035+000a+6869
    const manual = 0x7f00 + 1 + 0x7f00 + 1 + 17 + 10 + 0x14e9 + 0x35 + 10 + 0x6869;
    assert.equal(c, ~foldChecksum(manual) & 0xffff);
    udp[6] = c >> 8;
    udp[7] = c & 0xff;
    assert.ok(verifyChecksum(udp, 0, udp.length, sum));
  });

  it("the IPv6 pseudo-header adds a 32-bit length and the next header", () => {
    const a = parseIPv6("::1")!;
    const sum = ipv6PseudoHeaderSum(a, 0, a, 0, 58, 0x12345);
    assert.equal(sum, 1 + 1 + 0x1 + 0x2345 + 58);
  });
});
