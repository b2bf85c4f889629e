#!/usr/bin/env node
/**
 * The loop benchmark: evnet against the system's libev, side by side in one run.
 *
 *   npm run build && npm run bench:loop [-- --reps 3 --only timers,io,hosted]
 *
 * The C programs (timers.c, io.c) are compiled here with gcc -O2 against libev into
 * bench/.build/. The TypeScript programs (timers.ts, io.ts) are compiled by the project's
 * normal build (`npm run build`, tsconfig includes bench/) and run from dist/bench/loop/;
 * `--dist DIR` runs another build output instead. Every case runs in its own process, C and
 * JavaScript interleaved (which goes first alternates per repetition), each repetition
 * through every case, and the tables report the median over repetitions with the spread.
 * This is a benchmark, not a test: nothing here asserts on time.
 *
 * Options:
 *   --reps N        repetitions of every case (default 3, minimum 1)
 *   --only LIST     comma-separated subset of: timers, io, hosted (default: all)
 *   --iters N       timed I/O iterations per process (default 500; 100 warm-up first)
 *   --dist DIR      build output holding bench/loop/*.js (default: dist)
 *   --json FILE     also write every raw result to FILE
 *   --prof-dir DIR  run the node processes with --cpu-prof, profiles written to DIR
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const buildDir = path.join(root, "bench/.build");

const { values: opts } = parseArgs({
  options: {
    reps: { type: "string", default: "3" },
    only: { type: "string", default: "timers,io,hosted" },
    iters: { type: "string", default: "500" },
    dist: { type: "string", default: "dist" },
    json: { type: "string" },
    "prof-dir": { type: "string" },
  },
});
const reps = Number(opts.reps);
const iters = Number(opts.iters);
const only = new Set(opts.only.split(",").map((s) => s.trim()));
if (!Number.isInteger(reps) || reps < 1)
  fail(`--reps must be a positive integer, got ${opts.reps}`);
if (!Number.isInteger(iters) || iters < 10)
  fail(`--iters must be an integer >= 10, got ${opts.iters}`);
for (const part of only) {
  if (!["timers", "io", "hosted"].includes(part)) fail(`--only: unknown part "${part}"`);
}
const WARMUP = 100;
const SIZES = [100, 1000, 10000];
const BACKENDS = ["epoll", "poll", "select"];
// evnet's select backend refuses fds >= FD_SETSIZE (1024), like glibc's FD_SET; N = 10,000
// needs fds up to ~10,020. (libev's own select code grows its bitmaps past 1024 on Linux,
// but a comparison needs both sides, and glibc documents fds >= FD_SETSIZE as undefined.)
const SELECT_MAX_N = 1000;
// Each process is bounded; the slowest case (poll, N = 10,000, in JavaScript) takes ~5 s.
const CASE_TIMEOUT_MS = 60_000;

function fail(message) {
  process.stderr.write(`bench:loop: ${message}\n`);
  process.exit(2);
}

function compileC() {
  mkdirSync(buildDir, { recursive: true });
  for (const name of ["timers", "io"]) {
    const src = path.join(here, `${name}.c`);
    const out = path.join(buildDir, name);
    const cc = spawnSync("gcc", ["-O2", "-Wall", "-Wextra", "-o", out, src, "-lev"], {
      encoding: "utf8",
    });
    if (cc.error) fail(`cannot run gcc (${cc.error.message}); install gcc and libev-dev`);
    if (cc.status !== 0) fail(`gcc failed for ${name}.c (is libev-dev installed?)\n${cc.stderr}`);
  }
}

/** The compiled TypeScript side, refusing a missing or stale build. */
function jsProgram(name) {
  const js = path.resolve(root, opts.dist, "bench/loop", `${name}.js`);
  const ts = path.join(here, `${name}.ts`);
  let jsTime;
  try {
    jsTime = statSync(js).mtimeMs;
  } catch {
    fail(`${js} is missing: run \`npm run build\` first (or pass --dist)`);
  }
  if (jsTime < statSync(ts).mtimeMs) {
    fail(`${js} is older than ${ts}: run \`npm run build\` first`);
  }
  return js;
}

/**
 * Runs one case in its own process. The soft fd limit is raised to the hard one first: N =
 * 10,000 needs 10,000 fds plus Node's own.
 */
function runCase(argv) {
  const shell = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
  const r = spawnSync("bash", ["-c", shell, "bench", ...argv], {
    encoding: "utf8",
    timeout: CASE_TIMEOUT_MS,
  });
  const lines = (r.stdout ?? "").trim().split("\n");
  const last = lines[lines.length - 1];
  if (r.status === 0 && last?.startsWith("{")) return JSON.parse(last);
  const why = r.error ? r.error.message : `exit ${r.status ?? r.signal}`;
  return { error: `${why}: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}` };
}

const nodeArgs = opts["prof-dir"]
  ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(opts["prof-dir"])]
  : [];

/** Every case of one repetition as [key, argv] pairs, libev and evnet adjacent. */
function casesFor(rep) {
  const timersJs = only.has("timers") ? jsProgram("timers") : "";
  const ioJs = only.has("io") || only.has("hosted") ? jsProgram("io") : "";
  const cases = [];
  const pair = (c, js) => cases.push(...(rep % 2 === 0 ? [c, js] : [js, c]));
  if (only.has("timers")) {
    for (const which of ["pool", "deep"]) {
      pair(
        [`timers/${which}/libev`, [path.join(buildDir, "timers"), which]],
        [`timers/${which}/evnet`, [process.execPath, ...nodeArgs, timersJs, which]],
      );
    }
  }
  for (const n of SIZES) {
    const ioArgs = [String(n), String(iters), String(WARMUP)];
    const owned = [process.execPath, ...nodeArgs, ioJs, "epoll", ...ioArgs, "owned"];
    const hosted = [process.execPath, ...nodeArgs, ioJs, "epoll", ...ioArgs, "hosted"];
    if (only.has("io")) {
      cases.push([`io/raw/${n}/floor`, [path.join(buildDir, "io"), "raw", ...ioArgs]]);
      for (const backend of BACKENDS) {
        if (backend === "select" && n > SELECT_MAX_N) continue;
        const c = [`io/${backend}/${n}/libev`, [path.join(buildDir, "io"), backend, ...ioArgs]];
        const js = [
          `io/${backend}/${n}/evnet`,
          [process.execPath, ...nodeArgs, ioJs, backend, ...ioArgs, "owned"],
        ];
        // Hosted runs next to its owned twin, so that the pair sees the same machine load.
        if (backend === "epoll" && only.has("hosted")) {
          const h = [`hosted/${n}/hosted`, hosted];
          cases.push(...(rep % 2 === 0 ? [c, js, h] : [h, js, c]));
        } else {
          pair(c, js);
        }
      }
    } else if (only.has("hosted")) {
      pair([`io/epoll/${n}/evnet`, owned], [`hosted/${n}/hosted`, hosted]);
    }
  }
  return cases;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// ---- run -----------------------------------------------------------------------------

compileC();
const results = new Map(); // key -> numbers (one per repetition)
const raw = [];
const errors = [];
const started = new Date();
for (let rep = 0; rep < reps; rep++) {
  for (const [key, argv] of casesFor(rep)) {
    process.stderr.write(`rep ${rep + 1}/${reps} ${key} ... `);
    const r = runCase(argv);
    raw.push({ rep, key, ...r });
    if (r.error) {
      errors.push(`${key}: ${r.error}`);
      process.stderr.write(`FAILED ${r.error}\n`);
      continue;
    }
    const value = r.nsPerOp ?? r.usPerIter;
    process.stderr.write(`${value}\n`);
    if (!results.has(key)) results.set(key, new Array(reps).fill(undefined));
    results.get(key)[rep] = value;
  }
}

// ---- report --------------------------------------------------------------------------

const fmt = (x, digits = 1) => (x === undefined ? "—" : x.toFixed(digits));
const valuesOf = (key) => (results.get(key) ?? []).filter((x) => x !== undefined);
const med = (key) => (valuesOf(key).length ? median(valuesOf(key)) : undefined);
function cell(key, digits = 1) {
  const xs = valuesOf(key);
  if (!xs.length) return "failed";
  if (xs.length === 1) return fmt(xs[0], digits);
  return `${fmt(median(xs), digits)} (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})`;
}
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
/**
 * The median of per-repetition ratios: the two cases of a pair ran back to back, so each
 * ratio saw one machine load; on a shared machine that is steadier than a ratio of medians.
 */
function paired(aKey, bKey, combine) {
  const a = results.get(aKey) ?? [];
  const b = results.get(bKey) ?? [];
  const xs = [];
  for (let i = 0; i < reps; i++) {
    if (a[i] !== undefined && b[i] !== undefined) xs.push(combine(a[i], b[i]));
  }
  return xs.length ? median(xs) : undefined;
}
const pairedRatio = (numKey, denKey) => paired(numKey, denKey, (x, y) => x / y);
const verdict = (r, target) => (r === undefined ? "—" : r <= target ? "met" : "missed");

const out = [];
const cpus = os.cpus();
out.push(`## Loop benchmark, ${started.toISOString()}`);
out.push("");
out.push(`command: node bench/loop/run.mjs ${process.argv.slice(2).join(" ")}`.trim());
out.push(
  `machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, Linux ${os.release()}, Node ${process.version}`,
);
out.push(
  `repetitions: ${reps}; cells are the median over repetitions (min–max), ratios and differences the median of per-repetition ones; I/O: ${iters} timed iterations after ${WARMUP} warm-up, median per iteration`,
);

if (only.has("timers")) {
  out.push("", "### Timers (ns per start or stop; target evnet/libev <= 4)", "");
  out.push("| case | libev | evnet | evnet/libev | target |", "|---|---|---|---|---|");
  for (const which of ["pool", "deep"]) {
    const r = pairedRatio(`timers/${which}/evnet`, `timers/${which}/libev`);
    const label = which === "pool" ? "pool of 1,000, start then stop" : "100,000 active, churn";
    out.push(
      `| ${label} | ${cell(`timers/${which}/libev`)} | ${cell(`timers/${which}/evnet`)} | ${fmt(r, 2)} | ${verdict(r, 4)} |`,
    );
  }
}

if (only.has("io")) {
  out.push(
    "",
    "### I/O dispatch (µs per iteration of 100 readable fds; target evnet/libev <= 3 at N = 10,000)",
    "",
  );
  out.push(
    "| N | backend | libev | evnet | evnet/libev | evnet − libev per event (ns) | kernel floor, no loop (C) |",
    "|---|---|---|---|---|---|---|",
  );
  for (const n of SIZES) {
    for (const backend of BACKENDS) {
      if (backend === "select" && n > SELECT_MAX_N) {
        out.push(`| ${n} | select | skipped: fds >= FD_SETSIZE (1024) | | | | |`);
        continue;
      }
      const r = pairedRatio(`io/${backend}/${n}/evnet`, `io/${backend}/${n}/libev`);
      const target = n === 10000 && backend === "epoll" ? ` (${verdict(r, 3)})` : "";
      // µs per iteration of 100 events -> ns per event
      const extra = paired(
        `io/${backend}/${n}/evnet`,
        `io/${backend}/${n}/libev`,
        (x, y) => ((x - y) * 1e3) / 100,
      );
      out.push(
        `| ${n} | ${backend} | ${cell(`io/${backend}/${n}/libev`)} | ${cell(`io/${backend}/${n}/evnet`)} | ${fmt(r, 2)}${target} | ${fmt(extra, 0)} | ${cell(`io/raw/${n}/floor`)} |`,
      );
    }
  }
  out.push(
    "",
    "### Backends against each other (µs per iteration; relative to the same library's epoll)",
    "",
  );
  out.push(
    "| N | libev epoll | libev poll | libev select | evnet epoll | evnet poll | evnet select |",
    "|---|---|---|---|---|---|---|",
  );
  for (const n of SIZES) {
    const row = [String(n)];
    for (const impl of ["libev", "evnet"]) {
      const base = med(`io/epoll/${n}/${impl}`);
      for (const backend of BACKENDS) {
        const v = med(`io/${backend}/${n}/${impl}`);
        if (backend === "select" && n > SELECT_MAX_N) row.push("skipped");
        else if (backend === "epoll") row.push(fmt(v));
        else row.push(`${fmt(v)} (${fmt(ratio(v, base), 2)}x)`);
      }
    }
    out.push(`| ${row.join(" | ")} |`);
  }
}

if (only.has("hosted")) {
  out.push(
    "",
    "### Hosted vs owned (evnet, epoll, µs per iteration; target hosted/owned <= 1.25)",
    "",
  );
  out.push(
    "| N | owned: loop.run() | hosted: await loop.host() | hosted/owned | target |",
    "|---|---|---|---|---|",
  );
  for (const n of SIZES) {
    const r = pairedRatio(`hosted/${n}/hosted`, `io/epoll/${n}/evnet`);
    out.push(
      `| ${n} | ${cell(`io/epoll/${n}/evnet`)} | ${cell(`hosted/${n}/hosted`)} | ${fmt(r, 2)} | ${verdict(r, 1.25)} |`,
    );
  }
}

if (errors.length) out.push("", "### Failed cases", "", ...errors.map((e) => `- ${e}`));
process.stdout.write(`${out.join("\n")}\n`);
if (opts.json) {
  writeFileSync(
    opts.json,
    `${JSON.stringify({ started, argv: process.argv.slice(2), raw }, null, 2)}\n`,
  );
}
process.exitCode = errors.length ? 1 : 0;
