#!/usr/bin/env node
/**
 * Summarises V8 CPU profiles (from `node --cpu-prof`, or `run.mjs --prof-dir DIR`): the
 * functions with the most self time, aggregated over every profile given.
 *
 *   node bench/loop/profile-summary.mjs [--top 15] FILE.cpuprofile...
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  options: { top: { type: "string", default: "15" } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  process.stderr.write("usage: profile-summary.mjs [--top N] FILE.cpuprofile...\n");
  process.exit(2);
}

const selfUs = new Map();
let totalUs = 0;
for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
  // timeDeltas[i] is the time before samples[i]; charge it to the sampled node.
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodeById.get(profile.samples[i]);
    const dt = profile.timeDeltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${path.basename(url)}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"} ${where}`.trim();
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    totalUs += dt;
  }
}

const top = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
process.stdout.write(
  `total ${(totalUs / 1e3).toFixed(0)} ms over ${positionals.length} profile(s)\n`,
);
for (const [key, us] of top) {
  const share = ((100 * us) / totalUs).toFixed(1).padStart(5);
  process.stdout.write(`${share}%  ${(us / 1e3).toFixed(1).padStart(8)} ms  ${key}\n`);
}
