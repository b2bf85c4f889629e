import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  canonicalLinkType,
  DLT,
  dltToLinkType,
  formatLinkType,
  LINKTYPE,
  linkTypeDescription,
  linkTypeFromName,
  linkTypeName,
  linkTypeToDlt,
} from "../../../src/packet/file/index.js";
import { run } from "./_tools.js";

describe("link types", () => {
  const table: Array<[number, string, string]> = [
    [LINKTYPE.NULL, "NULL", "BSD loopback"],
    [LINKTYPE.ETHERNET, "EN10MB", "Ethernet"],
    [LINKTYPE.RAW, "RAW", "Raw IP"],
    [LINKTYPE.LINUX_SLL, "LINUX_SLL", "Linux cooked v1"],
    [LINKTYPE.LINUX_SLL2, "LINUX_SLL2", "Linux cooked v2"],
    [LINKTYPE.IPV4, "IPV4", "Raw IPv4"],
    [LINKTYPE.IPV6, "IPV6", "Raw IPv6"],
    [LINKTYPE.LOOP, "LOOP", "OpenBSD loopback"],
  ];
  for (const [value, name, description] of table) {
    test(`${value} is ${name} (${description}) both ways`, () => {
      assert.equal(linkTypeName(value), name);
      assert.equal(linkTypeDescription(value), description);
      assert.equal(formatLinkType(value), `${name} (${description})`);
      assert.equal(linkTypeFromName(name), value);
      assert.equal(linkTypeFromName(`dlt_${name.toLowerCase()}`), value);
    });
  }

  test("the registry spellings resolve too, and unknown values say so", () => {
    assert.equal(linkTypeFromName("LINKTYPE_ETHERNET"), 1);
    assert.equal(linkTypeFromName("ethernet"), 1);
    assert.equal(linkTypeFromName("USER3"), 150);
    assert.equal(linkTypeFromName("no-such-type"), undefined);
    assert.equal(linkTypeName(9999), undefined);
    assert.equal(formatLinkType(9999), "DLT 9999");
  });

  test("DLT and LINKTYPE differ where libpcap says they do", () => {
    assert.equal(dltToLinkType(DLT.RAW), LINKTYPE.RAW);
    assert.equal(dltToLinkType(14, "openbsd"), LINKTYPE.RAW);
    assert.equal(dltToLinkType(12, "openbsd"), LINKTYPE.LOOP);
    assert.equal(dltToLinkType(14, "bsdos"), LINKTYPE.PPP_BSDOS);
    assert.equal(dltToLinkType(DLT.ATM_RFC1483), LINKTYPE.ATM_RFC1483);
    assert.equal(dltToLinkType(1), 1);
    assert.equal(linkTypeToDlt(LINKTYPE.RAW), 12);
    assert.equal(linkTypeToDlt(LINKTYPE.RAW, "openbsd"), 14);
    assert.equal(linkTypeToDlt(LINKTYPE.LOOP, "openbsd"), 12);
    assert.equal(linkTypeToDlt(LINKTYPE.LINUX_SLL2), 276);
    for (const platform of ["linux", "openbsd", "bsdos", "darwin"] as const) {
      for (const lt of [0, 1, 100, 101, 102, 103, 108, 109, 113, 246, 276]) {
        assert.equal(dltToLinkType(linkTypeToDlt(lt, platform), platform), lt, `${platform} ${lt}`);
      }
    }
    assert.equal(canonicalLinkType(12), 101);
    assert.equal(canonicalLinkType(14), 101);
    assert.equal(canonicalLinkType(1), 1);
  });

  test("formatLinkType prints what tcpdump -L prints for lo and any", () => {
    for (const [iface, values] of [
      ["lo", [LINKTYPE.ETHERNET]],
      ["any", [LINKTYPE.LINUX_SLL, LINKTYPE.LINUX_SLL2]],
    ] as const) {
      const r = run("tcpdump", ["-L", "-i", iface]);
      assert.equal(r.status, 0, r.stderr);
      // tcpdump prints the list on stderr.
      const lines = (r.stdout + r.stderr)
        .split("\n")
        .filter((line) => line.startsWith("  "))
        .map((line) => line.trim());
      assert.deepEqual(lines, values.map(formatLinkType));
    }
  });
});
