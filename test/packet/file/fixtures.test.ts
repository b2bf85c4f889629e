// Captures made by tcpdump and dumpcap of loopback traffic, kept in test/fixtures/packet
// with the rows `tshark -T fields -e frame.interface_id -e frame.len -e frame.cap_len
// -e frame.time_epoch` printed for them when they were made.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CaptureFileReader, LINKTYPE, readCaptureBytes } from "../../../src/packet/file/index.js";

// Compiled tests run from the build folder; the fixtures stay in the source tree.
const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = [
  join(here, "../../fixtures/packet"),
  join(process.cwd(), "test/fixtures/packet"),
].find((dir) => {
  try {
    readFileSync(join(dir, "files-tcpdump-usec.pcap"));
    return true;
  } catch {
    return false;
  }
});

function fixture(name: string): string {
  assert.ok(FIXTURES, "test/fixtures/packet not found (run from the repository root)");
  return join(FIXTURES, name);
}

const CASES = [
  { name: "files-tcpdump-usec.pcap", format: "pcap", interfaces: [LINKTYPE.ETHERNET] },
  { name: "files-tcpdump-nsec.pcap", format: "pcap", interfaces: [LINKTYPE.ETHERNET] },
  {
    name: "files-dumpcap-2if.pcapng",
    format: "pcapng",
    interfaces: [LINKTYPE.ETHERNET, LINKTYPE.LINUX_SLL],
  },
];

for (const c of CASES) {
  test(`${c.name}: records match the rows tshark printed for it`, () => {
    const expected = readFileSync(fixture(`${c.name}.tshark.tsv`), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.replace(/^\t/, "0\t"));
    const reader = new CaptureFileReader(fixture(c.name));
    const rows: string[] = [];
    for (let r = reader.next(); r; r = reader.next()) {
      rows.push(
        `${r.interfaceId}\t${r.originalLength}\t${r.capturedLength}\t${r.seconds}.${String(r.nanos).padStart(9, "0")}`,
      );
    }
    reader.close();
    assert.deepEqual(rows, expected);
    assert.equal(reader.parser.format, c.format);
    assert.deepEqual(
      reader.parser.interfaces.map((i) => i.linkType),
      c.interfaces,
    );
    assert.equal(reader.parser.truncation, null);
  });
}

test("files-dumpcap-2if.pcapng: dumpcap's statistics blocks carry its counters", () => {
  const reader = new CaptureFileReader(fixture("files-dumpcap-2if.pcapng"));
  while (reader.next()) {}
  reader.close();
  // dumpcap printed "received/dropped on interface 'Loopback: lo': 10/2" and "'any': 0/1".
  assert.deepEqual(
    reader.parser.statistics.map((s) => [s.interfaceId, s.received, s.dropped, s.comment]),
    [
      [0, 10, 2, "Counters provided by dumpcap"],
      [1, 0, 1, "Counters provided by dumpcap"],
    ],
  );
});

test("files-tcpdump-usec.pcap: the same records from memory as from the file", () => {
  const bytes = readFileSync(fixture("files-tcpdump-usec.pcap"));
  const fromMemory = readCaptureBytes(bytes).map((r) => [
    r.seconds,
    r.nanos,
    Buffer.from(r.data).toString("hex"),
  ]);
  const reader = new CaptureFileReader(fixture("files-tcpdump-usec.pcap"), { bufferSize: 100 });
  const fromFile: unknown[] = [];
  for (let r = reader.next(); r; r = reader.next())
    fromFile.push([r.seconds, r.nanos, Buffer.from(r.data).toString("hex")]);
  reader.close();
  assert.deepEqual(fromFile, fromMemory);
});
