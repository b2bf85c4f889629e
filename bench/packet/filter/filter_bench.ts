/**
 * Packets per second through a compiled filter: the BPF -> JavaScript compiler against the
 * BPF interpreter, over the packets of a capture held in memory (so that file reading is not
 * measured). The end-to-end race against `tcpdump -r big.pcap -w /dev/null EXPR` lives in
 * bench/packet; this one isolates the filter.
 *
 * Usage: node <build>/bench/packet/filter/filter_bench.js [capture.pcap] [expression...]
 * Without a capture it uses test/fixtures/packet/filter-veth.pcap, repeated.
 */
import { join } from "node:path";
import { bpfRun, compileBpfToJs } from "../../../src/packet/bpf/index.js";
import { readCaptureFile } from "../../../src/packet/file/index.js";
import { compileFilter } from "../../../src/packet/filter/index.js";

const [file = join(process.cwd(), "test/fixtures/packet/filter-veth.pcap"), ...rest] =
  process.argv.slice(2);
const expressions =
  rest.length > 0
    ? [rest.join(" ")]
    : [
        "tcp port 8080",
        "host 10.99.0.2 and (tcp[tcpflags] & tcp-syn != 0)",
        "icmp6 or udp port 53",
        "vlan 10 and ip",
      ];

let linkType = 1;
const packets: { data: Uint8Array; wire: number }[] = [];
for (const r of readCaptureFile(file, { copy: true })) {
  linkType = r.linkType;
  packets.push({ data: r.data, wire: r.originalLength });
}
if (packets.length === 0) throw new Error(`${file} has no packets`);
const TARGET = 1_000_000;
const rounds = Math.max(1, Math.ceil(TARGET / packets.length));

function measure(run: (p: Uint8Array, wire: number) => number): { pps: number; matched: number } {
  let matched = 0;
  // Warm up so that V8 optimises the generated function before timing.
  for (let i = 0; i < 20_000; i++) {
    const p = packets[i % packets.length]!;
    run(p.data, p.wire);
  }
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      if (run(p.data, p.wire) !== 0) matched++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { pps: (rounds * packets.length) / seconds, matched };
}

console.log(`${file}: ${packets.length} packets x ${rounds} rounds, link type ${linkType}`);
for (const expression of expressions) {
  const prog = compileFilter(expression, { linkType });
  const js = compileBpfToJs(prog);
  const interp = measure((p, w) => bpfRun(prog, p, w));
  const compiled = measure(js);
  if (interp.matched !== compiled.matched) throw new Error(`verdicts differ for ${expression}`);
  const m = (pps: number) => `${(pps / 1e6).toFixed(2)} Mpps`;
  console.log(
    `${JSON.stringify(expression).padEnd(52)} ${String(prog.length).padStart(3)} insns  interpreter ${m(interp.pps)}  js ${m(compiled.pps)}  (x${(compiled.pps / interp.pps).toFixed(1)})`,
  );
}
