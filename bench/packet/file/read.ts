// Capture-file reading speed and memory, side by side with tcpdump in the same run.
//
//   node dist/bench/packet/file/read.js [--packets 1000000] [--file existing.pcap] [--keep]
//
// Without --file it generates a pcap of --packets Ethernet frames (60..316 bytes, like a
// capture with -s 316: ~200 MB for a million) and a pcapng copy, then measures:
//  - evnet: readCaptureFile over every record (touching each record's bytes), pcap and pcapng
//  - tcpdump -r FILE -w /dev/null (reads and rewrites every record; the closest peer)
//  - peak RSS of a child process that reads the file with evnet, against the file size.
// Speed claims from this bench go to docs/benchmarks.md with the machine they ran on.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  LINKTYPE,
  PcapngWriter,
  PcapWriter,
  readCaptureFile,
} from "../../../src/packet/file/index.js";

const { values } = parseArgs({
  options: {
    packets: { type: "string", default: "1000000" },
    file: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const MIB = 1024 * 1024;
const MODULE = fileURLToPath(new URL("../../../src/packet/file/index.js", import.meta.url));

function generate(dir: string, packets: number): { pcap: string; pcapng: string } {
  const pcap = join(dir, "bench.pcap");
  const pcapng = join(dir, "bench.pcapng");
  const a = new PcapWriter(pcap, { linkType: LINKTYPE.ETHERNET, snaplen: 316 });
  const b = new PcapngWriter(pcapng);
  b.addInterface({ linkType: LINKTYPE.ETHERNET, snaplen: 316 });
  const frames = Array.from({ length: 257 }, (_, i) => {
    const f = new Uint8Array(60 + i);
    for (let j = 0; j < f.length; j++) f[j] = (i * 7 + j) & 0xff;
    f[12] = 0x08; // an IPv4 ethertype, for tools that look
    f[13] = 0x00;
    return f;
  });
  for (let i = 0; i < packets; i++) {
    const data = frames[(i * 31) % frames.length]!;
    const rec = {
      seconds: 1_700_000_000 + Math.floor(i / 1000),
      nanos: (i % 1000) * 1000,
      data,
      originalLength: 1514,
    };
    a.write(rec);
    b.write(rec);
  }
  a.close();
  b.close();
  return { pcap, pcapng };
}

function timeEvnet(path: string): { ms: number; packets: number } {
  const start = process.hrtime.bigint();
  let packets = 0;
  let sum = 0;
  for (const rec of readCaptureFile(path)) {
    packets++;
    sum += rec.data[rec.capturedLength - 1]!;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (sum < 0) console.log(sum); // keeps the reads alive
  return { ms, packets };
}

function timeTool(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 * MIB });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function peakRss(path: string): { beforeMiB: number; afterMiB: number } {
  const child = `
    const { readCaptureFile } = await import(process.argv[1]);
    const before = process.resourceUsage().maxRSS;
    let n = 0; for (const rec of readCaptureFile(process.argv[2])) n += rec.capturedLength;
    console.log(JSON.stringify({ before, after: process.resourceUsage().maxRSS, n }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", child, MODULE, path], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  const { before, after } = JSON.parse(r.stdout) as { before: number; after: number };
  return { beforeMiB: before / 1024, afterMiB: after / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), "evnet-bench-file-"));
try {
  const packets = Number(values.packets);
  const files = values.file ? { pcap: values.file, pcapng: undefined } : generate(dir, packets);
  const size = statSync(files.pcap).size;
  console.log(`# capture-file reading (${files.pcap}, ${(size / MIB).toFixed(0)} MiB)`);
  console.log("| reader | packets | ms | packets/s |");
  console.log("|---|---:|---:|---:|");
  const row = (name: string, n: number, ms: number) =>
    console.log(`| ${name} | ${n} | ${ms.toFixed(0)} | ${Math.round((n / ms) * 1000)} |`);
  // One warm-up pass so the page cache and V8's optimiser do not favour the second runner.
  timeEvnet(files.pcap);
  for (let round = 0; round < 2; round++) {
    const ours = timeEvnet(files.pcap);
    row("evnet readCaptureFile (pcap)", ours.packets, ours.ms);
    row(
      "tcpdump -r FILE -w /dev/null",
      ours.packets,
      timeTool("tcpdump", ["-r", files.pcap, "-w", "/dev/null"]),
    );
    if (files.pcapng) {
      const ng = timeEvnet(files.pcapng);
      row("evnet readCaptureFile (pcapng)", ng.packets, ng.ms);
      row(
        "tcpdump -r FILE.pcapng -w /dev/null",
        ng.packets,
        timeTool("tcpdump", ["-r", files.pcapng, "-w", "/dev/null"]),
      );
    }
  }
  const rss = peakRss(files.pcap);
  console.log(
    `\npeak RSS reading ${(size / MIB).toFixed(0)} MiB with evnet: ${rss.afterMiB.toFixed(0)} MiB ` +
      `(${rss.beforeMiB.toFixed(0)} MiB before reading; growth ${(rss.afterMiB - rss.beforeMiB).toFixed(1)} MiB)`,
  );
} finally {
  if (values.keep) console.log(`files kept in ${dir}`);
  else rmSync(dir, { recursive: true });
}
