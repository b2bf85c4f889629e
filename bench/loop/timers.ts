/**
 * Timer benchmark, evnet side. Mirrors timers.c line for line (same tables, same order of
 * operations); see there for what "pool" and "deep" measure.
 *
 *   node dist/bench/loop/timers.js pool|deep
 */
import { Loop, Timer } from "../../src/loop/index.js";
import { median, nowNs, rand, randUnit } from "./common.js";

const TABLE_SIZE = 1 << 17;
const TABLE_MASK = TABLE_SIZE - 1;

const POOL = 1000;
const POOL_WARMUP_ROUNDS = 100;
const POOL_ROUNDS = 1000;

const DEEP_ACTIVE = 100_000;
const DEEP_WARMUP_STEPS = 100_000;
const DEEP_STEPS = 1_000_000;
const DEEP_CHUNK = 10_000;

const afters = new Float64Array(TABLE_SIZE);
const picks = new Uint32Array(TABLE_SIZE);
const perm = new Int32Array(POOL);

function onTimer(): void {}

/** Drawn in the same order as fill_tables() in timers.c, so the tables match exactly. */
function fillTables(): void {
  for (let i = 0; i < TABLE_SIZE; i++) afters[i] = 0.001 + randUnit() * 60;
  for (let i = 0; i < POOL; i++) perm[i] = i;
  for (let i = POOL - 1; i > 0; i--) {
    const j = rand() % (i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  for (let i = 0; i < TABLE_SIZE; i++) picks[i] = rand() % DEEP_ACTIVE;
}

function poolRound(timers: Timer[], round: number): void {
  const base = round * POOL;
  for (let j = 0; j < POOL; j++) {
    const t = timers[j]!;
    t.set(afters[(base + j) & TABLE_MASK]!, 0);
    t.start();
  }
  for (let j = 0; j < POOL; j++) timers[perm[j]!]!.stop();
}

function benchPool(loop: Loop): number {
  const timers: Timer[] = [];
  for (let j = 0; j < POOL; j++) timers.push(new Timer(loop, 1, 0, onTimer));
  for (let r = 0; r < POOL_WARMUP_ROUNDS; r++) poolRound(timers, r);
  const samples = new Float64Array(POOL_ROUNDS);
  for (let r = 0; r < POOL_ROUNDS; r++) {
    const t0 = nowNs();
    poolRound(timers, r);
    samples[r] = (nowNs() - t0) / (2 * POOL);
  }
  return median(samples);
}

function deepSteps(timers: Timer[], from: number, count: number): void {
  for (let k = from; k < from + count; k++) {
    const t = timers[picks[k & TABLE_MASK]!]!;
    t.stop();
    t.set(afters[(k + DEEP_ACTIVE) & TABLE_MASK]!, 0);
    t.start();
  }
}

function benchDeep(loop: Loop): number {
  const timers: Timer[] = [];
  for (let i = 0; i < DEEP_ACTIVE; i++) {
    const t = new Timer(loop, afters[i & TABLE_MASK]!, 0, onTimer);
    t.start();
    timers.push(t);
  }
  deepSteps(timers, 0, DEEP_WARMUP_STEPS);
  const chunks = DEEP_STEPS / DEEP_CHUNK;
  const samples = new Float64Array(chunks);
  for (let c = 0; c < chunks; c++) {
    const t0 = nowNs();
    deepSteps(timers, DEEP_WARMUP_STEPS + c * DEEP_CHUNK, DEEP_CHUNK);
    samples[c] = (nowNs() - t0) / (2 * DEEP_CHUNK);
  }
  for (const t of timers) t.stop();
  return median(samples);
}

const which = process.argv[2];
if (which !== "pool" && which !== "deep") {
  process.stderr.write("usage: timers.js pool|deep\n");
  process.exit(2);
}
fillTables();
const loop = new Loop();
const ns = which === "pool" ? benchPool(loop) : benchDeep(loop);
const result = { bench: "timers", impl: "evnet", case: which, nsPerOp: Number(ns.toFixed(2)) };
process.stdout.write(`${JSON.stringify(result)}\n`);
loop.destroy();
