// Reading is constant-memory: a child process reads a 20 MB capture through the default
// 1 MiB buffer and its peak RSS grows far less than the file (a memory assertion, not a
// timing one). The 200 MB version is bench/packet/file/read.ts.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { LINKTYPE, PcapngWriter, PcapWriter } from "../../../src/packet/file/index.js";
import { frame } from "./_build.js";

const MODULE = fileURLToPath(new URL("../../../src/packet/file/index.js", import.meta.url));
const TARGET_BYTES = 20 * 1024 * 1024;
const MIB = 1024 * 1024;

const CHILD = `
const { readCaptureFile } = await import(process.argv[1]);
const before = process.resourceUsage().maxRSS;
let packets = 0, bytes = 0;
for (const rec of readCaptureFile(process.argv[2])) { packets++; bytes += rec.data[rec.data.length - 1] + rec.capturedLength; }
const after = process.resourceUsage().maxRSS;
console.log(JSON.stringify({ packets, bytes, before, after }));
`;

function readInChild(path: string): {
  packets: number;
  bytes: number;
  before: number;
  after: number;
} {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD, MODULE, path], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe("constant-memory reading", () => {
  let dir = "";
  const expected = { packets: 0, bytes: 0 };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "evnet-mem-"));
    const pcap = new PcapWriter(join(dir, "big.pcap"), { linkType: LINKTYPE.ETHERNET });
    const pcapng = new PcapngWriter(join(dir, "big.pcapng"));
    pcapng.addInterface({ linkType: LINKTYPE.ETHERNET, tsresol: 9 });
    const frames = [frame(60), frame(1514, 3), frame(300, 7), frame(9000, 1)];
    let written = 0;
    for (let i = 0; written < TARGET_BYTES; i++) {
      const data = frames[i % frames.length]!;
      pcap.write({ seconds: 1_700_000_000 + i, nanos: i % 1000, data });
      pcapng.write({ seconds: 1_700_000_000 + i, nanos: i % 1000, data });
      written += data.length + 16;
      expected.packets++;
      expected.bytes += data[data.length - 1]! + data.length;
    }
    pcap.close();
    pcapng.close();
  });
  after(() => rmSync(dir, { recursive: true }));

  for (const name of ["big.pcap", "big.pcapng"]) {
    test(`${name}: every packet is read while peak RSS grows by less than 64 MiB`, () => {
      const path = join(dir, name);
      assert.ok(statSync(path).size >= TARGET_BYTES);
      const result = readInChild(path);
      assert.equal(result.packets, expected.packets);
      assert.equal(result.bytes, expected.bytes);
      // maxRSS is in KiB.
      const growth = (result.after - result.before) * 1024;
      assert.ok(growth < 64 * MIB, `peak RSS grew by ${(growth / MIB).toFixed(1)} MiB`);
    });
  }
});
