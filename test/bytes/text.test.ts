import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatIPv4,
  formatIPv4Number,
  formatIPv6,
  formatMac,
  fromHex,
  isBroadcastMac,
  isMulticastMac,
  parseIPv4,
  parseIPv6,
  parseMac,
  toHex,
} from "../../src/bytes/index.js";

describe("hex", () => {
  it("round-trips bytes with and without separators", () => {
    const b = new Uint8Array([0, 1, 0xab, 0xff]);
    assert.equal(toHex(b), "0001abff");
    assert.equal(toHex(b, ":"), "00:01:ab:ff");
    assert.equal(toHex(b, "", 1, 3), "01ab");
    assert.deepEqual(fromHex("00 01 AB ff"), b);
    assert.deepEqual(fromHex("00:01:ab:ff"), b);
  });

  it("rejects odd digit counts, bad characters and split bytes", () => {
    assert.equal(fromHex("abc"), null);
    assert.equal(fromHex("zz"), null);
    assert.equal(fromHex("a b"), null);
  });
});

describe("MAC", () => {
  it("formats lowercase with colons, as tcpdump does", () => {
    const b = new Uint8Array([0, 0x1b, 0x21, 0xa, 0xb, 0xcd]);
    assert.equal(formatMac(b), "00:1b:21:0a:0b:cd");
    assert.equal(formatMac(b, 1), "");
  });

  it("parses the usual spellings and rejects the rest", () => {
    const want = [0, 0x1b, 0x21, 0xa, 0xb, 0xcd];
    for (const t of [
      "00:1b:21:0a:0b:cd",
      "0:1b:21:a:b:CD",
      "00-1b-21-0a-0b-cd",
      "001b.210a.0bcd",
    ]) {
      assert.deepEqual([...parseMac(t)!], want, t);
    }
    assert.deepEqual([...parseMac("001b210a0bcd")!], want);
    for (const t of [
      "00:1b:21:0a:0b",
      "00:1b:21:0a:0b:cd:ef",
      "001:b:21:0a:0b:cd",
      "0g:00:00:00:00:00",
    ]) {
      assert.equal(parseMac(t), null, t);
    }
  });

  it("classifies broadcast and multicast", () => {
    assert.ok(isBroadcastMac(new Uint8Array(6).fill(0xff)));
    assert.ok(!isBroadcastMac(new Uint8Array(6)));
    assert.ok(isMulticastMac(new Uint8Array([1, 0, 0x5e, 0, 0, 1])));
    assert.ok(!isMulticastMac(new Uint8Array([2, 0, 0, 0, 0, 1])));
  });
});

describe("IPv4 text", () => {
  it("formats and parses", () => {
    assert.equal(formatIPv4(new Uint8Array([10, 0, 0, 255])), "10.0.0.255");
    assert.equal(formatIPv4(new Uint8Array([1, 2, 3])), "");
    assert.equal(formatIPv4Number(0xc0a80001), "192.168.0.1");
    assert.deepEqual([...parseIPv4("192.168.0.1")!], [192, 168, 0, 1]);
  });

  it("rejects out-of-range parts, leading zeros and wrong part counts", () => {
    for (const t of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "a.b.c.d", ""]) {
      assert.equal(parseIPv4(t), null, t);
    }
  });
});

describe("IPv6 text (RFC 5952)", () => {
  const cases: [string, string][] = [
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first of two equal runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group stays
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longest run wins
    ["0:0:0:0:0:0:0:0", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["fe80:0:0:0:0:0:0:0", "fe80::"],
    ["2001:DB8::ABCD", "2001:db8::abcd"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"], // mapped: mixed notation (section 5)
    ["::ffff:0:0", "::ffff:0.0.0.0"],
    ["::102:304", "::1.2.3.4"], // glibc prints compatible addresses mixed too
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["1::", "1::"],
  ];
  for (const [input, want] of cases) {
    it(`${input} -> ${want}`, () => {
      const b = parseIPv6(input);
      assert.ok(b, `parse ${input}`);
      assert.equal(formatIPv6(b), want);
      assert.deepEqual(parseIPv6(want), b);
    });
  }

  it("rejects malformed text", () => {
    for (const t of [
      "1:2:3:4:5:6:7",
      "1::2::3",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "g::",
      ":",
      "::1.2.3",
      "fe80::1%eth0",
    ]) {
      assert.equal(parseIPv6(t), null, t);
    }
  });

  it("formats at an offset and refuses short input", () => {
    const b = new Uint8Array(20);
    b[19] = 1;
    assert.equal(formatIPv6(b, 4), "::1");
    assert.equal(formatIPv6(b, 5), "");
  });
});
