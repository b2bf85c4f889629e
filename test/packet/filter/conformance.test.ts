// tcpdump decides: for every capture in test/fixtures/packet (real traffic between network
// namespaces and on loopback) and for crafted captures of every supported link type, each
// expression must select exactly the packets `tcpdump -r FILE EXPR` selects, through the
// interpreter and the JS compiler, optimised and not. Where tcpdump refuses an expression
// (a filter that cannot match, a primitive the link type lacks), evnet must refuse it too.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bpfRun, compileBpfToJs, disassemble } from "../../../src/packet/bpf/index.js";
import { PcapWriter } from "../../../src/packet/file/index.js";
import { compileFilter, FilterError } from "../../../src/packet/filter/index.js";
import { craftedCaptures, writeCrafted } from "./_crafted.js";
import { COMMON_EXPRESSIONS, ETHERNET_EXPRESSIONS } from "./_expressions.js";
import {
  type CapturePacket,
  loadCapture,
  tcpdumpDisassembly,
  tcpdumpVerdicts,
} from "./_tcpdump.js";

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = [
  join(here, "../../fixtures/packet"),
  join(process.cwd(), "test/fixtures/packet"),
].find((dir) => {
  try {
    readFileSync(join(dir, "filter-veth.pcap"));
    return true;
  } catch {
    return false;
  }
});
const tmp = mkdtempSync(join(tmpdir(), "evnet-filter-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Case {
  file: string;
  expressions: readonly string[];
}

const ALL = [...COMMON_EXPRESSIONS, ...ETHERNET_EXPRESSIONS];
const cases: Case[] = [
  { file: "filter-veth.pcap", expressions: ALL },
  { file: "filter-lo.pcap", expressions: ALL },
  { file: "filter-sll.pcap", expressions: COMMON_EXPRESSIONS },
  { file: "filter-sll2.pcap", expressions: COMMON_EXPRESSIONS },
];

function evnetVerdicts(
  expression: string,
  linkType: number,
  packets: CapturePacket[],
  optimize: boolean,
) {
  const prog = compileFilter(expression, { linkType, optimize });
  const js = compileBpfToJs(prog);
  const interpreted = packets.map((p) => bpfRun(prog, p.data, p.originalLength) !== 0);
  const compiled = packets.map((p) => js(p.data, p.originalLength) !== 0);
  return { interpreted, compiled };
}

/** Runs up to `limit` oracle queries at a time (the machine has two cores). */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function checkCapture(path: string, expressions: readonly string[]): Promise<void> {
  const { linkType, packets } = loadCapture(path);
  assert.ok(packets.length > 0, `${path} has packets`);
  const problems: string[] = [];
  let matched = 0;
  await mapLimited(expressions, 3, async (expression) => {
    const oracle = await tcpdumpVerdicts(path, packets, expression);
    if ("error" in oracle) {
      try {
        compileFilter(expression, { linkType });
        problems.push(`"${expression}": tcpdump refuses it (${oracle.error}), evnet accepts it`);
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
      }
      return;
    }
    for (const optimize of [true, false]) {
      let got: { interpreted: boolean[]; compiled: boolean[] };
      try {
        got = evnetVerdicts(expression, linkType, packets, optimize);
      } catch (e) {
        problems.push(
          `"${expression}" (optimize=${optimize}): evnet refuses it: ${(e as Error).message}`,
        );
        return;
      }
      for (const [engine, verdicts] of Object.entries(got)) {
        const wrong = verdicts.flatMap((v, i) => (v === oracle.verdicts[i] ? [] : [i]));
        if (wrong.length > 0) {
          problems.push(
            `"${expression}" (${engine}, optimize=${optimize}): differs from tcpdump on packets ${wrong.join(",")}`,
          );
        }
      }
    }
    matched += oracle.verdicts.filter(Boolean).length;
  });
  assert.deepEqual(problems, []);
  // The captures must exercise the filters: a suite where nothing ever matches proves little.
  assert.ok(
    matched > expressions.length,
    `only ${matched} matches over ${expressions.length} expressions`,
  );
}

for (const { file, expressions } of cases) {
  test(`${file}: ${expressions.length} expressions select what tcpdump selects`, async () => {
    assert.ok(FIXTURES, "test/fixtures/packet not found (run from the repository root)");
    await checkCapture(join(FIXTURES, file), expressions);
  });
}

for (const capture of craftedCaptures()) {
  const expressions = capture.linkType === 1 ? ALL : COMMON_EXPRESSIONS;
  test(`${capture.name} (link type ${capture.linkType}): ${expressions.length} expressions select what tcpdump selects`, async () => {
    const path = join(tmp, `${capture.name}.pcap`);
    writeCrafted(capture, path);
    await checkCapture(path, expressions);
  });
}

// Identical programs are a bonus, not the requirement; these simple ones come out the same
// as libpcap 1.10's, instruction for instruction.
const SAME_AS_TCPDUMP: [number, string][] = [
  [1, "ip"],
  [1, "host 1.2.3.4"],
  [1, "tcp port 80"],
  [1, "udp[0:2] = 53"],
  [1, "vlan 10 and ip"],
  [1, "ip or vlan 10 and ip"],
  [1, "ether host 1:2:3:4:5:6"],
  [1, "net fe80::/10"],
  [1, "host ::1"],
  [1, "icmp6[icmp6type] = icmp6-echo"],
  [1, "tcp[tcpflags] & (tcp-rst|tcp-ack) == (tcp-rst|tcp-ack)"],
  [1, "ether[0] & 1 = 0 and ip[16] >= 224"],
  [1, "proto 6"],
  [113, "tcp port 80"],
  [276, "host 1.2.3.4"],
  [101, "tcp[13] = 2"],
  [0, "ip6"],
];

test("simple programs are identical to tcpdump -d", async () => {
  for (const [linkType, expression] of SAME_AS_TCPDUMP) {
    const path = join(tmp, `empty-${linkType}.pcap`);
    new PcapWriter(path, { linkType }).close();
    const expected = await tcpdumpDisassembly(path, expression);
    assert.equal(
      disassemble(compileFilter(expression, { linkType })),
      expected,
      `${linkType}: ${expression}`,
    );
  }
});
