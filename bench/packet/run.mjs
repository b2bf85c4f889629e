#!/usr/bin/env node
/**
 * The packet-tools benchmark (issue 4, section 5): `evnet read` against tcpdump and tshark
 * on a capture of about a million packets of real loopback traffic, side by side in one run.
 *
 *   npm run build && node bench/packet/run.mjs [--reps 3] [--packets 1000000]
 *
 * The capture is made here once and cached in bench/.build/packet/ (git-ignored): nginx (or
 * a node server when nginx is missing) on 127.0.0.1:PORT loaded by wrk with keep-alive
 * requests, plus short HTTP connections and DNS queries over UDP from _traffic.mjs, all
 * captured by `tcpdump -i lo -s 128 -c PACKETS`. Only loopback is used.
 *
 * Cases, each run in its own process, evnet and its peer interleaved (which one goes first
 * alternates per repetition), every repetition through every case:
 *   filter  `evnet read big.pcap -w /dev/null EXPR`  vs  `tcpdump -r big.pcap -w /dev/null EXPR`
 *   lines   `evnet read big.pcap > /dev/null`        vs  `tshark -r big.pcap > /dev/null`
 *           (and `tcpdump -n -tt -S -r big.pcap` as a reference, same lines as evnet's)
 *   json    `evnet read X --json > /dev/null`        vs  `tshark -r X -T json > /dev/null`
 *           where X is the first --json-packets packets (tshark's JSON takes ~200 µs a packet)
 * The tables give the median wall time over repetitions (min-max in brackets), the median
 * CPU time (user+system, from the kernel's accounting of waited-for children), packets per
 * second by wall time, and the peer's time over evnet's. Before timing, the outputs are
 * checked: -w files byte-equal to tcpdump's, line output equal to tcpdump's.
 * This is a benchmark, not a test: nothing here asserts on time.
 *
 * Options:
 *   --reps N            repetitions of every case (default 3)
 *   --packets N         packets in the capture (default 1000000)
 *   --json-packets N    packets in the JSON comparison (default 100000)
 *   --only LIST         comma-separated subset of: filter, lines, json (default: all)
 *   --dist DIR          build output holding src/cli/main.js (default: dist)
 *   --port N            HTTP port of the capture's traffic (default 80)
 *   --rebuild           make the capture again even if a cached one exists
 *   --json FILE         also write every raw result to FILE
 *   --prof-dir DIR      run evnet with --cpu-prof, profiles written to DIR
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const buildDir = path.join(root, "bench/.build/packet");

const { values: opts } = parseArgs({
  options: {
    reps: { type: "string", default: "3" },
    packets: { type: "string", default: "1000000" },
    "json-packets": { type: "string", default: "100000" },
    only: { type: "string", default: "filter,lines,json" },
    dist: { type: "string", default: "dist" },
    port: { type: "string", default: "80" },
    rebuild: { type: "boolean", default: false },
    json: { type: "string" },
    "prof-dir": { type: "string" },
  },
});

function fail(message) {
  process.stderr.write(`bench/packet: ${message}\n`);
  process.exit(1);
}

function positiveInt(name) {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < 1)
    fail(`--${name} must be a positive integer, got ${opts[name]}`);
  return n;
}

const reps = positiveInt("reps");
const packets = positiveInt("packets");
const jsonPackets = Math.min(positiveInt("json-packets"), packets);
const port = positiveInt("port");
const only = new Set(opts.only.split(",").map((s) => s.trim()));
for (const part of only) {
  if (!["filter", "lines", "json"].includes(part)) fail(`--only: unknown part "${part}"`);
}
const main = path.resolve(root, opts.dist, "src/cli/main.js");
if (!existsSync(main)) fail(`${main} not found: build first (npm run build, or --dist DIR)`);

/** The filters compared with tcpdump: a port, a protocol, and a byte-offset test. */
const FILTERS = [`tcp port ${port}`, "udp", "tcp[tcpflags] & tcp-syn != 0"];

function which(tool) {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
}

function toolVersion(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return `${r.stdout}${r.stderr}`.split("\n")[0].trim();
}

// ---------------------------------------------------------------------------------------
// The capture

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitForPort(p, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(p, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on 127.0.0.1:${p} after ${timeoutMs} ms`);
}

/** Resolves when `stream` has printed a line matching `re`; rejects on exit or timeout. */
function waitForOutput(child, stream, re, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(
      () => reject(new Error(`${what}: no "${re}" after ${timeoutMs} ms: ${text}`)),
      timeoutMs,
    );
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      text += chunk;
      if (re.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) early: ${text}`));
    });
  });
}

function writeNginxConfig(dir) {
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  const conf = `worker_processes 1;
error_log ${dir}/logs/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "hello from the evnet packet benchmark\\n"; }
  }
}
`;
  const file = path.join(dir, "nginx.conf");
  writeFileSync(file, conf);
  return file;
}

/** Makes (or reuses) the capture; returns its path and how it was made. */
async function ensureCapture() {
  mkdirSync(buildDir, { recursive: true });
  const file = path.join(buildDir, "big.pcap");
  const metaFile = path.join(buildDir, "big.json");
  if (!opts.rebuild && existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, "utf8"));
    if (meta.packets === packets && meta.port === port && statSync(file).size === meta.bytes) {
      console.log(`using the cached capture ${path.relative(root, file)} (made ${meta.made})`);
      return { file, meta };
    }
  }
  for (const tool of ["tcpdump", "wrk"]) {
    if (which(tool) === "") fail(`${tool} is needed to make the capture (apt-get install ${tool})`);
  }
  const children = [];
  const server = which("nginx") !== "" ? "nginx" : "a node server";
  const started = Date.now();
  const tmp = `${file}.partial`;
  try {
    if (server === "nginx") {
      const conf = writeNginxConfig(path.join(buildDir, "nginx"));
      const nginx = spawn(
        "nginx",
        ["-p", path.join(buildDir, "nginx"), "-c", conf, "-g", "daemon off;"],
        {
          stdio: "ignore",
        },
      );
      children.push(nginx);
    }
    const traffic = spawn(
      process.execPath,
      [
        path.join(here, "_traffic.mjs"),
        "--port",
        String(port),
        ...(children.length === 0 ? ["--serve-http"] : []),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(traffic);
    await waitForOutput(traffic, traffic.stdout, /ready/, 10_000, "traffic generator");
    await waitForPort(port, 10_000);
    const filter = `tcp port ${port} or udp port 53`;
    const tcpdumpArgs = ["-i", "lo", "-s", "128", "-c", String(packets), "-w", tmp, filter];
    const capture = spawn("tcpdump", tcpdumpArgs, { stdio: ["ignore", "ignore", "pipe"] });
    children.push(capture);
    const done = new Promise((resolve) => capture.once("exit", resolve));
    await waitForOutput(capture, capture.stderr, /listening on/, 10_000, "tcpdump");
    const wrk = spawn("wrk", ["-t1", "-c16", "-d120s", `http://127.0.0.1:${port}/`], {
      stdio: "ignore",
    });
    children.push(wrk);
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve("timeout"), 120_000);
    });
    const outcome = await Promise.race([done, timeout]);
    clearTimeout(timer);
    if (outcome === "timeout") throw new Error(`tcpdump did not see ${packets} packets in 120 s`);
    if (outcome !== 0) throw new Error(`tcpdump exited with ${outcome}`);
  } finally {
    for (const child of children.reverse()) if (child.exitCode === null) child.kill("SIGTERM");
  }
  renameSync(tmp, file);
  const meta = {
    packets,
    port,
    bytes: statSync(file).size,
    made: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000,
    how: `tcpdump -i lo -s 128 -c ${packets} 'tcp port ${port} or udp port 53' during wrk -t1 -c16 against ${server} on 127.0.0.1:${port}, short HTTP connections and DNS queries (bench/packet/_traffic.mjs)`,
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  console.log(
    `made ${path.relative(root, file)}: ${packets} packets, ${(meta.bytes / 1e6).toFixed(0)} MB in ${meta.seconds.toFixed(1)} s`,
  );
  return { file, meta };
}

// ---------------------------------------------------------------------------------------
// Running and timing

/** CPU time of every waited-for child so far, in seconds (fields 16 and 17 of /proc/self/stat). */
function childrenCpuSeconds() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13, 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Runs a command with stdout to `stdoutFile` (default /dev/null); returns wall and CPU seconds. */
function timeRun(cmd, args, stdoutFile = "/dev/null") {
  const out = openSync(stdoutFile, "w");
  try {
    const cpu0 = childrenCpuSeconds();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ["ignore", out, "pipe"], maxBuffer: 64 * 1024 * 1024 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = childrenCpuSeconds() - cpu0;
    if (r.status !== 0) {
      throw new Error(
        `${cmd} ${args.join(" ")} exited with ${r.status}: ${r.stderr?.toString().slice(0, 500)}`,
      );
    }
    return { wall, cpu };
  } finally {
    closeSync(out);
  }
}

function evnetArgs(args) {
  const prof = opts["prof-dir"]
    ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opts["prof-dir"])}`]
    : [];
  return [...prof, main, "read", ...args];
}

function sha256(file) {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------------------

const { file: big, meta } = await ensureCapture();
const tmpOut = path.join(buildDir, "out");
mkdirSync(tmpOut, { recursive: true });

/** Each case: a label, the packet count it reads, and its sides. */
const cases = [];
if (only.has("filter")) {
  for (const expr of FILTERS) {
    cases.push({
      part: "filter",
      label: `filter \`${expr}\` -w /dev/null`,
      packets,
      sides: [
        {
          name: "evnet read",
          cmd: process.execPath,
          args: evnetArgs([big, "-w", "/dev/null", expr]),
        },
        { name: "tcpdump -r", cmd: "tcpdump", args: ["-r", big, "-w", "/dev/null", expr] },
      ],
    });
  }
}
if (only.has("lines")) {
  cases.push({
    part: "lines",
    label: "decode all, one line per packet > /dev/null",
    packets,
    sides: [
      { name: "evnet read", cmd: process.execPath, args: evnetArgs([big]) },
      { name: "tshark -r", cmd: "tshark", args: ["-r", big] },
      {
        name: "tcpdump -n -tt -S -r",
        cmd: "tcpdump",
        args: ["-n", "-tt", "-S", "-r", big],
        reference: true,
      },
    ],
  });
}
let jsonFile = big;
if (only.has("json")) {
  if (jsonPackets < packets) {
    jsonFile = path.join(buildDir, `first-${jsonPackets}.pcap`);
    timeRun(process.execPath, [main, "read", big, "-c", String(jsonPackets), "-w", jsonFile]);
  }
  cases.push({
    part: "json",
    label: `decode all, JSON > /dev/null (first ${jsonPackets} packets)`,
    packets: jsonPackets,
    sides: [
      { name: "evnet read --json", cmd: process.execPath, args: evnetArgs([jsonFile, "--json"]) },
      { name: "tshark -r -T json", cmd: "tshark", args: ["-r", jsonFile, "-T", "json"] },
    ],
  });
}
for (const c of cases) {
  for (const s of c.sides) {
    if (s.cmd !== process.execPath && which(s.cmd) === "") fail(`${s.cmd} is not installed`);
  }
}

// Outputs first: the comparison is only worth timing if the selections and lines agree.
const checks = [];
if (only.has("filter")) {
  for (const expr of FILTERS) {
    const ours = path.join(tmpOut, "evnet.pcap");
    const theirs = path.join(tmpOut, "tcpdump.pcap");
    timeRun(process.execPath, [main, "read", big, "-w", ours, expr]);
    timeRun("tcpdump", ["-r", big, "-w", theirs, expr]);
    const same = (await sha256(ours)) === (await sha256(theirs));
    checks.push(
      `\`${expr}\`: evnet's -w file ${same ? "is byte-identical to" : "DIFFERS from"} tcpdump's (${statSync(ours).size} bytes)`,
    );
  }
}
if (only.has("lines")) {
  const ours = path.join(tmpOut, "evnet.txt");
  const theirs = path.join(tmpOut, "tcpdump.txt");
  timeRun(process.execPath, [main, "read", big], ours);
  timeRun("tcpdump", ["-n", "-tt", "-S", "-r", big], theirs);
  const same = (await sha256(ours)) === (await sha256(theirs));
  checks.push(
    `one-line output ${same ? "is identical to" : "DIFFERS from"} \`tcpdump -n -tt -S -r\` (${statSync(ours).size} bytes)`,
  );
}
rmSync(tmpOut, { recursive: true, force: true });
for (const line of checks) console.log(`check: ${line}`);

const results = new Map(cases.map((c) => [c, c.sides.map(() => [])]));
for (let rep = 0; rep < reps; rep++) {
  for (const c of cases) {
    const order = c.sides.map((_, i) => i);
    if (rep % 2 === 1) order.reverse();
    for (const i of order) {
      const s = c.sides[i];
      results.get(c)[i].push(timeRun(s.cmd, s.args));
    }
  }
  process.stderr.write(`repetition ${rep + 1}/${reps} done\n`);
}

// ---------------------------------------------------------------------------------------
// Report

const fmt = (s) => s.toFixed(2);
const date = new Date().toISOString().slice(0, 10);
const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
console.log("");
console.log(`## packet tools: ${date}, ${os.cpus().length} x ${cpuModel}, node ${process.version}`);
console.log(`${toolVersion("tcpdump", ["--version"])}; ${toolVersion("tshark", ["--version"])}`);
console.log(`capture: ${meta.packets} packets, ${(meta.bytes / 1e6).toFixed(0)} MB, ${meta.how}`);
console.log(`medians of ${reps} interleaved runs; wall [min-max], CPU = user+system`);
console.log("");
console.log("| case | program | wall s | CPU s | packets/s | peer / evnet (wall) |");
console.log("|---|---|---|---|---|---|");
const raw = [];
for (const c of cases) {
  const runs = results.get(c);
  const evnetWall = median(runs[0].map((r) => r.wall));
  c.sides.forEach((s, i) => {
    const walls = runs[i].map((r) => r.wall);
    const wall = median(walls);
    const cpu = median(runs[i].map((r) => r.cpu));
    const ratio =
      i === 0 ? "" : `${(wall / evnetWall).toFixed(2)}x${s.reference ? " (reference)" : ""}`;
    console.log(
      `| ${c.label} | ${s.name} | ${fmt(wall)} [${fmt(Math.min(...walls))}-${fmt(Math.max(...walls))}] | ${fmt(cpu)} | ${Math.round(c.packets / wall).toLocaleString("en-US")} | ${ratio} |`,
    );
    raw.push({
      case: c.label,
      program: s.name,
      command: [s.cmd, ...s.args].join(" "),
      runs: runs[i],
    });
  });
}
if (opts.json)
  writeFileSync(opts.json, `${JSON.stringify({ date, meta, checks, raw }, null, 2)}\n`);
