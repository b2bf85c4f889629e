#!/usr/bin/env node
/**
 * The HTTP server benchmark: evnet's two server APIs against Node's node:http, Bun.serve,
 * nginx and a minimal C epoll server, side by side in one run.
 *
 *   npm run build && node bench/http/run.mjs [--rounds 3] [--duration 5] [--only a,b]
 *
 * Every server runs pinned to core 0 (`taskset -c 0`), the load generator (wrk from Debian,
 * or idle-client.mjs) pinned to core 1, loopback only. Each round runs every scenario once
 * through every server, with a fresh server process per measurement and the servers' order
 * rotated from round to round. What is measured, per server process (its pid: for nginx the
 * single process of `master_process off`, which is the worker):
 *   - requests/s, from wrk;
 *   - CPU per request: utime+stime of the whole process (all its threads) from
 *     /proc/PID/stat before and after the timed wrk run, in clock ticks (getconf CLK_TCK),
 *     over the number of responses wrk counted. On a shared machine this is steadier than
 *     requests/s, which also depends on what else runs on the two cores;
 *   - for the idle scenario, VmRSS from /proc/PID/status with IDLE keep-alive connections
 *     open (each has served one request), minus VmRSS before they were opened.
 * Each figure is also given as a ratio to node-http's in the same round (and for the static
 * file to nginx's); the tables show medians over rounds. This is a benchmark, not a test:
 * nothing here asserts on time.
 *
 * Scenarios:
 *   hello      GET /, keep-alive, `wrk -t1 -c64`
 *   pipelined  the same, 16 requests per write (pipeline.lua), `wrk -t1 -c64`
 *   static     GET /1m.bin, a 1 MiB file, `wrk -t1 -c16`
 *   idle       IDLE (10,000) idle keep-alive connections: RSS per connection
 *
 * The server protocol (how a server in servers/ is run; evnet's servers follow it too):
 *   - it is a command started with the environment variable PORT (and DOCROOT, a directory
 *     holding the 1 MiB file `1m.bin`; EVNET_DIST, the absolute path of the evnet build
 *     output, default <repo>/dist, for the evnet servers to import from);
 *   - it listens on 127.0.0.1:PORT, and is ready when that port accepts a TCP connection;
 *   - GET / answers 200 "Hello, World!" (text/plain) with keep-alive and pipelining; GET
 *     /1m.bin answers the bytes of DOCROOT/1m.bin; idle keep-alive connections stay open for
 *     at least 60 s;
 *   - its working directory is the repository, its soft `ulimit -n` the hard limit;
 *   - all its work happens in that one process (any number of threads), which SIGTERM ends.
 * Servers: servers/evnet-low.mjs and servers/evnet-fetch.mjs (skipped while missing),
 * servers/node-http.mjs, servers/bun.mjs run by the `bun` binary of the npm package `bun`
 * (installed here into bench/.build/bun; skipped if it cannot run), nginx (configuration
 * generated into bench/.build/http/nginx) and servers/c-epoll.c (compiled with cc -O2 into
 * bench/.build/http/; no static file: hello, pipelined and idle only).
 *
 * Options:
 *   --rounds N       rounds (default 3)
 *   --duration S     seconds of each timed wrk run (default 5)
 *   --warmup S       seconds of untimed wrk load before each timed run (default 1; 0: none)
 *   --only LIST      servers, comma-separated (default: all of them)
 *   --scenarios LIST hello,pipelined,static,idle (default: all)
 *   --idle N         connections of the idle scenario (default 10000)
 *   --dist DIR       evnet build output given to the evnet servers as EVNET_DIST (default dist)
 *   --json FILE      raw results (default bench/.build/http-results.json)
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const buildDir = path.join(root, "bench/.build/http");
const bunDir = path.join(root, "bench/.build/bun");

const SERVER_NAMES = ["evnet-low", "evnet-fetch", "node-http", "bun", "nginx", "c-epoll"];
const SCENARIO_NAMES = ["hello", "pipelined", "static", "idle"];
const BASELINE = "node-http";
const HELLO = "Hello, World!";
const PIPELINE_DEPTH = 16;
const BIG_FILE_BYTES = 1 << 20;
const MIB = 1 << 20;
/** wrk settings per load scenario: the 1 MiB file needs fewer connections to fill a core. */
const LOAD = {
  hello: { connections: 64, path: "/", lua: false },
  pipelined: { connections: 64, path: "/", lua: true },
  static: { connections: 16, path: "/1m.bin", lua: false },
};
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 3_000;
const IDLE_SETTLE_MS = 2_000;

const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    only: { type: "string", default: SERVER_NAMES.join(",") },
    scenarios: { type: "string", default: SCENARIO_NAMES.join(",") },
    idle: { type: "string", default: "10000" },
    dist: { type: "string", default: "dist" },
    json: { type: "string", default: path.join(root, "bench/.build/http-results.json") },
  },
});

function fail(message) {
  process.stderr.write(`bench/http: ${message}\n`);
  process.exit(2);
}

function integerOption(name, min) {
  const n = Number(opts[name]);
  if (!Number.isInteger(n) || n < min)
    fail(`--${name} must be an integer >= ${min}, got ${opts[name]}`);
  return n;
}

function listOption(name, allowed) {
  const items = opts[name]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item))
      fail(`--${name}: unknown "${item}" (known: ${allowed.join(", ")})`);
  }
  // Keep the canonical order whatever order the list was given in.
  return allowed.filter((a) => items.includes(a));
}

const rounds = integerOption("rounds", 1);
const duration = integerOption("duration", 1);
const warmup = integerOption("warmup", 0);
const idleCount = integerOption("idle", 1);
const wantedServers = listOption("only", SERVER_NAMES);
const scenarios = listOption("scenarios", SCENARIO_NAMES);
const evnetDist = path.resolve(root, opts.dist);

function sh(command) {
  return spawnSync("sh", ["-c", command], { encoding: "utf8" });
}

function firstLine(text) {
  return (text ?? "").trim().split("\n")[0] ?? "";
}

const clockTicks = Number(sh("getconf CLK_TCK").stdout.trim());
if (!Number.isInteger(clockTicks) || clockTicks <= 0) fail("getconf CLK_TCK gave no number");
for (const tool of ["taskset", "wrk"]) {
  if (sh(`command -v ${tool}`).status !== 0) {
    fail(`${tool} is needed (apt-get install ${tool === "taskset" ? "util-linux" : "wrk"})`);
  }
}
if (os.cpus().length < 2) fail("needs two cores: servers run on core 0, the load on core 1");

// ---------------------------------------------------------------------------------------
// Preparing the servers

/** The 1 MiB file of the static scenario, made once; returns its directory and digest. */
function ensureDocroot() {
  const dir = path.join(buildDir, "docroot");
  const file = path.join(dir, "1m.bin");
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file) || statSync(file).size !== BIG_FILE_BYTES) {
    writeFileSync(file, randomBytes(BIG_FILE_BYTES));
  }
  const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
  return { dir, sha256 };
}

function nodeServer(file) {
  return () => ({ cmd: process.execPath, args: [file] });
}

/** The bun binary, installed from npm into bench/.build/bun on first use. */
function prepareBun() {
  const bin = path.join(bunDir, "node_modules/.bin/bun");
  if (!existsSync(bin)) {
    process.stderr.write("installing the npm package bun into bench/.build/bun ...\n");
    const r = spawnSync("npm", ["install", "--prefix", bunDir, "--no-audit", "--no-fund", "bun"], {
      encoding: "utf8",
      timeout: 300_000,
    });
    if (r.status !== 0) return { skip: `npm install bun failed: ${firstLine(r.stderr)}` };
  }
  const v = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000 });
  if (v.status !== 0) {
    return { skip: `the bun binary does not run here: ${firstLine(v.stderr) || v.error?.message}` };
  }
  return {
    version: `bun ${v.stdout.trim()}`,
    command: () => ({ cmd: bin, args: [path.join(here, "servers/bun.mjs")] }),
  };
}

function nginxConfig(dir, port, docroot) {
  return `# Generated by bench/http/run.mjs for one run; one process, which is the worker.
worker_processes 1;
daemon off;
master_process off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 20000; use epoll; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${docroot};
    location = / { default_type text/plain; return 200 "${HELLO}"; }
    location = /1m.bin { }
    location / { return 404; }
  }
}
`;
}

function prepareNginx() {
  if (sh("command -v nginx").status !== 0) return { skip: "nginx is not installed" };
  const dir = path.join(buildDir, "nginx");
  mkdirSync(dir, { recursive: true });
  return {
    version: firstLine(sh("nginx -v 2>&1").stdout),
    command: (port, docroot) => {
      const conf = path.join(dir, "nginx.conf");
      writeFileSync(conf, nginxConfig(dir, port, docroot));
      return { cmd: "nginx", args: ["-p", dir, "-c", conf, "-e", path.join(dir, "error.log")] };
    },
  };
}

function prepareC() {
  mkdirSync(buildDir, { recursive: true });
  const out = path.join(buildDir, "c-epoll");
  const src = path.join(here, "servers/c-epoll.c");
  const cc = spawnSync("cc", ["-O2", "-Wall", "-Wextra", "-o", out, src], { encoding: "utf8" });
  if (cc.error || cc.status !== 0) {
    return { skip: `cc -O2 failed: ${cc.error?.message ?? cc.stderr.trim()}` };
  }
  return {
    version: firstLine(sh("cc --version").stdout),
    scenarios: ["hello", "pipelined", "idle"],
    command: () => ({ cmd: out, args: [] }),
  };
}

function prepare(name) {
  switch (name) {
    case "evnet-low":
    case "evnet-fetch":
    case "node-http": {
      const file = path.join(here, "servers", `${name}.mjs`);
      if (!existsSync(file)) return { skip: `${path.relative(root, file)} does not exist yet` };
      return { version: `node ${process.version}`, command: nodeServer(file) };
    }
    case "bun":
      return prepareBun();
    case "nginx":
      return prepareNginx();
    case "c-epoll":
      return prepareC();
  }
  throw new Error(`unknown server ${name}`);
}

// ---------------------------------------------------------------------------------------
// Running one server

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

function logTail(file) {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-3).join(" | ");
  } catch {
    return "";
  }
}

/**
 * Starts a server pinned to core 0, with the soft fd limit raised to the hard one (the idle
 * scenario needs 10,000 sockets). bash and taskset exec into the server, so the child's pid
 * is the server's own.
 */
async function startServer(name, server, key, docroot) {
  const port = await freePort();
  const { cmd, args } = server.command(port, docroot);
  const logFile = path.join(buildDir, "logs", `${key.replaceAll("/", "-")}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = openSync(logFile, "w");
  const shell = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec taskset -c 0 "$@"';
  const child = spawn("bash", ["-c", shell, "bench-http", cmd, ...args], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DOCROOT: docroot, EVNET_DIST: evnetDist },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  const handle = { name, port, pid: child.pid, child, exited, logFile };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited (${child.exitCode ?? child.signalCode}): ${logTail(logFile)}`,
      );
    }
    if (await accepts(port)) {
      const allowed = procField(child.pid, "status", /^Cpus_allowed_list:\s*(\S+)/m);
      if (allowed !== "0") throw new Error(`${name} is not pinned to core 0 (${allowed})`);
      return handle;
    }
    await sleep(25);
  }
  await stopServer(handle);
  throw new Error(`${name} did not accept on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`);
}

async function stopServer(handle) {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill("SIGTERM");
  const timeout = sleep(STOP_TIMEOUT_MS).then(() => "timeout");
  if ((await Promise.race([handle.exited, timeout])) === "timeout") {
    handle.child.kill("SIGKILL");
    await handle.exited;
  }
}

function procField(pid, file, re) {
  const m = re.exec(readFileSync(`/proc/${pid}/${file}`, "utf8"));
  return m ? m[1] : undefined;
}

/** utime and stime of the whole process in clock ticks (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after it are space-separated.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(rest[11]), system: Number(rest[12]) };
}

function rssKiB(pid) {
  return Number(procField(pid, "status", /^VmRSS:\s*(\d+) kB/m));
}

// ---------------------------------------------------------------------------------------
// Checks made before timing: every server must answer what the scenario asks for

function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on("error", reject);
  });
}

/** Sends PIPELINE_DEPTH requests in one write and waits for as many hello bodies. */
function pipelinedAnswers(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let text = "";
    const count = () => text.split(HELLO).length - 1;
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(count());
    };
    const timer = setTimeout(done, 5_000);
    s.on("connect", () =>
      s.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(PIPELINE_DEPTH)),
    );
    s.on("data", (c) => {
      text += c.toString("latin1");
      if (count() >= PIPELINE_DEPTH) done();
    });
    s.on("error", done);
    s.on("close", done);
  });
}

async function check(scenario, port, docroot) {
  if (scenario === "static") {
    const r = await get(port, "/1m.bin");
    const digest = createHash("sha256").update(r.body).digest("hex");
    if (r.status !== 200 || digest !== docroot.sha256) {
      throw new Error(`GET /1m.bin: status ${r.status}, ${r.body.length} bytes, wrong content`);
    }
    return;
  }
  const r = await get(port, "/");
  if (r.status !== 200 || r.body.toString() !== HELLO) {
    throw new Error(
      `GET /: status ${r.status}, body ${JSON.stringify(r.body.toString().slice(0, 40))}`,
    );
  }
  if (scenario === "pipelined") {
    const n = await pipelinedAnswers(port);
    if (n !== PIPELINE_DEPTH) throw new Error(`${PIPELINE_DEPTH} pipelined requests, ${n} answers`);
  }
}

// ---------------------------------------------------------------------------------------
// Load

function runOnCore1(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn("taskset", ["-c", "1", cmd, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}

function unitValue(text, units) {
  const m = /^([\d.]+)\s*([A-Za-z]*)$/.exec(text.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * (units[m[2]] ?? 1);
}

/** The numbers of one wrk run, from its plain-text summary. */
function parseWrk(text) {
  const total = /(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read/.exec(text);
  const rps = /Requests\/sec:\s*([\d.]+)/.exec(text);
  if (!total || !rps) return undefined;
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    seconds: unitValue(total[2], { us: 1e-6, ms: 1e-3, s: 1, m: 60 }),
    bytesRead: unitValue(total[3], { B: 1, KB: 1024, MB: MIB, GB: 1024 * MIB }),
    reqPerSec: Number(rps[1]),
    socketErrors: sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

function wrkArgs(scenario, port, seconds, connections = LOAD[scenario].connections) {
  const { path: urlPath, lua } = LOAD[scenario];
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s"];
  if (lua) args.push("-s", path.join(here, "pipeline.lua"));
  args.push(`http://127.0.0.1:${port}${urlPath}`);
  if (lua) args.push("--", String(PIPELINE_DEPTH));
  return args;
}

async function wrk(args, seconds) {
  const r = await runOnCore1("wrk", args, (seconds + 30) * 1000);
  const parsed = r.code === 0 ? parseWrk(r.stdout) : undefined;
  if (!parsed)
    throw new Error(`wrk failed (${r.code}): ${firstLine(r.stderr) || firstLine(r.stdout)}`);
  return parsed;
}

async function measureLoad(scenario, handle) {
  if (warmup > 0) await wrk(wrkArgs(scenario, handle.port, warmup), warmup);
  const before = cpuTicks(handle.pid);
  const w = await wrk(wrkArgs(scenario, handle.port, duration), duration);
  const after = cpuTicks(handle.pid);
  const userTicks = after.user - before.user;
  const systemTicks = after.system - before.system;
  const ticks = userTicks + systemTicks;
  if (w.requests === 0) throw new Error("wrk completed no request");
  if (w.non2xx > 0 || w.socketErrors > 0) {
    throw new Error(`wrk saw ${w.non2xx} non-2xx responses and ${w.socketErrors} socket errors`);
  }
  const cpuUs = (ticks * 1e6) / clockTicks;
  return {
    ...w,
    cpuTicks: ticks,
    userTicks,
    systemTicks,
    // Below 100%, the server was waiting for wrk: its req/s is then wrk's limit, not its own.
    busyPercent: (100 * cpuUs) / 1e6 / w.seconds,
    cpuUsPerReq: cpuUs / w.requests,
    cpuUsPerMiB: scenario === "static" ? cpuUs / ((w.requests * BIG_FILE_BYTES) / MIB) : undefined,
  };
}

/** Idle client on core 1: opens the connections, then answers "check" on stdin. */
function startIdleClient(port) {
  const shell = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec taskset -c 1 "$@"';
  const client = path.join(here, "idle-client.mjs");
  const child = spawn(
    "bash",
    ["-c", shell, "bench-http", process.execPath, client, String(port), String(idleCount)],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  const lines = [];
  const waiters = [];
  let buffered = "";
  let stderr = "";
  child.stderr.on("data", (c) => (stderr += c));
  child.stdout.on("data", (c) => {
    buffered += c;
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const line = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      const w = waiters.shift();
      if (w) w.resolve(line);
      else lines.push(line);
      nl = buffered.indexOf("\n");
    }
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.once("exit", (code) => {
    for (const w of waiters.splice(0)) {
      w.reject(new Error(`idle client exited (${code}): ${stderr.trim()}`));
    }
  });
  return {
    next() {
      if (lines.length) return Promise.resolve(lines.shift());
      if (child.exitCode !== null)
        return Promise.reject(new Error(`idle client exited: ${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    send(text) {
      child.stdin.write(text);
    },
    async close() {
      child.stdin.end();
      const timeout = sleep(10_000).then(() => "timeout");
      if ((await Promise.race([exited, timeout])) === "timeout") {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

function openFds(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

async function measureIdle(handle) {
  // Warm the server first (code compiled, buffers grown) so that the baseline is a server
  // that has served requests, and the difference is what the idle connections hold.
  const warmSeconds = Math.max(warmup, 1);
  await wrk(wrkArgs("hello", handle.port, warmSeconds, 8), warmSeconds);
  await sleep(IDLE_SETTLE_MS);
  const baseKiB = rssKiB(handle.pid);
  const baseFds = openFds(handle.pid);
  const client = startIdleClient(handle.port);
  try {
    const ready = await client.next();
    if (!ready.ready || ready.failed > 0) {
      throw new Error(`idle client: ${ready.answered} answered, ${ready.failed} failed`);
    }
    await sleep(IDLE_SETTLE_MS);
    const loadedKiB = rssKiB(handle.pid);
    const fds = openFds(handle.pid);
    client.send("check\n");
    const after = await client.next();
    if (after.open !== idleCount) {
      throw new Error(`${idleCount - after.open} of ${idleCount} idle connections were closed`);
    }
    return {
      connections: idleCount,
      openMs: ready.ms,
      baseKiB,
      loadedKiB,
      serverFdsAdded: fds - baseFds,
      kibPerConn: (loadedKiB - baseKiB) / idleCount,
    };
  } finally {
    await client.close();
  }
}

// ---------------------------------------------------------------------------------------
// The run

function rotate(list, by) {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

const started = new Date();
const docroot = ensureDocroot();
const servers = new Map();
const skipped = [];
for (const name of wantedServers) {
  const p = prepare(name);
  if (p.skip) {
    skipped.push({ name, reason: p.skip });
    process.stderr.write(`skipping ${name}: ${p.skip}\n`);
  } else {
    servers.set(name, { ...p, scenarios: p.scenarios ?? SCENARIO_NAMES });
  }
}
if (servers.size === 0) fail("no server to run");
if (!servers.has(BASELINE)) process.stderr.write(`note: without ${BASELINE} there are no ratios\n`);

const raw = []; // every measurement: { round, scenario, server, ...numbers } or { error }
for (let round = 0; round < rounds; round++) {
  for (const scenario of scenarios) {
    const order = rotate(
      [...servers.keys()].filter((n) => servers.get(n).scenarios.includes(scenario)),
      round,
    );
    for (const name of order) {
      const key = `${round + 1}/${scenario}/${name}`;
      process.stderr.write(`round ${key} ... `);
      let handle;
      try {
        handle = await startServer(name, servers.get(name), key, docroot.dir);
        await check(scenario, handle.port, docroot);
        const m =
          scenario === "idle" ? await measureIdle(handle) : await measureLoad(scenario, handle);
        raw.push({ round, scenario, server: name, ...m });
        process.stderr.write(
          scenario === "idle"
            ? `${m.kibPerConn.toFixed(2)} KiB/conn\n`
            : `${Math.round(m.reqPerSec)} req/s, ${m.cpuUsPerReq.toFixed(2)} CPU-µs/req\n`,
        );
      } catch (err) {
        raw.push({ round, scenario, server: name, error: err.message });
        process.stderr.write(`FAILED: ${err.message}\n`);
      } finally {
        if (handle) await stopServer(handle);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// Report

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return undefined;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function valueIn(round, scenario, server, metric) {
  const m = raw.find(
    (r) => r.round === round && r.scenario === scenario && r.server === server && !r.error,
  );
  return m?.[metric];
}

function valuesOf(scenario, server, metric) {
  const xs = [];
  for (let r = 0; r < rounds; r++) {
    const v = valueIn(r, scenario, server, metric);
    if (v !== undefined) xs.push(v);
  }
  return xs;
}

/** The median of per-round ratios: both servers of a round saw the same machine load. */
function pairedRatio(scenario, server, reference, metric) {
  const xs = [];
  for (let r = 0; r < rounds; r++) {
    const a = valueIn(r, scenario, server, metric);
    const b = valueIn(r, scenario, reference, metric);
    if (a !== undefined && b !== undefined && b !== 0) xs.push(a / b);
  }
  return median(xs);
}

function num(x, digits) {
  if (x === undefined) return "—";
  if (digits === undefined) digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function cell(scenario, server, metric, digits) {
  const xs = valuesOf(scenario, server, metric);
  if (xs.length === 0) return "failed";
  if (xs.length === 1) return num(xs[0], digits);
  return `${num(median(xs), digits)} (${num(Math.min(...xs), digits)}–${num(Math.max(...xs), digits)})`;
}

const ratioCell = (x) => (x === undefined ? "—" : `${num(x, 2)}x`);

const SCENARIO_TITLES = {
  hello: `hello world, keep-alive, wrk -t1 -c${LOAD.hello.connections}`,
  pipelined: `hello world, pipelined ${PIPELINE_DEPTH} deep, wrk -t1 -c${LOAD.pipelined.connections}`,
  static: `static file of 1 MiB, wrk -t1 -c${LOAD.static.connections}`,
  idle: `${idleCount.toLocaleString("en-US")} idle keep-alive connections`,
};

const versions = [`node ${process.version}`, firstLine(sh("wrk -v 2>&1").stdout)];
for (const [name, s] of servers) {
  if (name !== "node-http" && !name.startsWith("evnet") && s.version) versions.push(s.version);
}
const cpus = os.cpus();
const out = [];
out.push(`## HTTP server benchmark, ${started.toISOString()}`, "");
out.push(`command: node bench/http/run.mjs ${process.argv.slice(2).join(" ")}`.trim());
out.push(
  `machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, Linux ${os.release()}; ${versions.join(", ")}`,
);
out.push(
  `rounds: ${rounds}; timed runs of ${duration} s after ${warmup} s of warm-up; servers on core 0, load on core 1; cells are medians over rounds (min–max), ratios the median of per-round ratios to ${BASELINE} (static: also to nginx)`,
);
for (const s of skipped) out.push(`skipped: ${s.name}: ${s.reason}`);

const ran = (scenario) =>
  [...servers.keys()].filter((n) => servers.get(n).scenarios.includes(scenario));
for (const scenario of scenarios) {
  out.push("", `### ${SCENARIO_TITLES[scenario]}`, "");
  if (scenario === "idle") {
    out.push(
      "| server | RSS before (KiB) | RSS with connections (KiB) | KiB per connection | ÷ node-http |",
      "|---|---|---|---|---|",
    );
    for (const name of ran(scenario)) {
      out.push(
        `| ${name} | ${cell(scenario, name, "baseKiB", 0)} | ${cell(scenario, name, "loadedKiB", 0)} | ${cell(scenario, name, "kibPerConn", 2)} | ${ratioCell(pairedRatio(scenario, name, BASELINE, "kibPerConn"))} |`,
      );
    }
    continue;
  }
  if (scenario === "static") {
    out.push(
      "| server | req/s (= MiB/s) | ÷ node-http | server CPU busy % | CPU-µs per MiB | ÷ node-http | ÷ nginx |",
      "|---|---|---|---|---|---|---|",
    );
    for (const name of ran(scenario)) {
      out.push(
        `| ${name} | ${cell(scenario, name, "reqPerSec", 0)} | ${ratioCell(pairedRatio(scenario, name, BASELINE, "reqPerSec"))} | ${cell(scenario, name, "busyPercent", 0)} | ${cell(scenario, name, "cpuUsPerMiB", 0)} | ${ratioCell(pairedRatio(scenario, name, BASELINE, "cpuUsPerMiB"))} | ${ratioCell(pairedRatio(scenario, name, "nginx", "cpuUsPerMiB"))} |`,
      );
    }
    continue;
  }
  out.push(
    "| server | req/s | ÷ node-http | server CPU busy % | CPU-µs per request | ÷ node-http |",
    "|---|---|---|---|---|---|",
  );
  for (const name of ran(scenario)) {
    out.push(
      `| ${name} | ${cell(scenario, name, "reqPerSec", 0)} | ${ratioCell(pairedRatio(scenario, name, BASELINE, "reqPerSec"))} | ${cell(scenario, name, "busyPercent", 0)} | ${cell(scenario, name, "cpuUsPerReq")} | ${ratioCell(pairedRatio(scenario, name, BASELINE, "cpuUsPerReq"))} |`,
    );
  }
}

/** The targets, each a paired ratio (or a value) that must stay at or below a limit. */
const TARGETS = [
  ["evnet-low", "hello", "CPU per request <= 0.5x node-http", BASELINE, "cpuUsPerReq", 0.5],
  ["evnet-low", "hello", "CPU per request below bun's", "bun", "cpuUsPerReq", 0.9999],
  ["evnet-low", "pipelined", "CPU per request <= 0.25x node-http", BASELINE, "cpuUsPerReq", 0.25],
  ["evnet-fetch", "hello", "CPU per request <= 0.8x node-http", BASELINE, "cpuUsPerReq", 0.8],
  ["evnet-low", "static", "CPU per MiB <= 1.5x nginx", "nginx", "cpuUsPerMiB", 1.5],
  ["evnet-fetch", "static", "CPU per MiB <= 1.5x nginx", "nginx", "cpuUsPerMiB", 1.5],
  ["evnet-low", "idle", "<= 1.5 KiB per idle connection", undefined, "kibPerConn", 1.5],
  ["evnet-fetch", "idle", "<= 1.5 KiB per idle connection", undefined, "kibPerConn", 1.5],
];
out.push(
  "",
  "### Targets",
  "",
  "| server | scenario | target | result | verdict |",
  "|---|---|---|---|---|",
);
for (const [name, scenario, label, reference, metric, limit] of TARGETS) {
  let result;
  if (!servers.has(name) || !scenarios.includes(scenario)) result = undefined;
  else if (reference) result = pairedRatio(scenario, name, reference, metric);
  else result = median(valuesOf(scenario, name, metric));
  const shown =
    result === undefined ? "not run" : reference ? ratioCell(result) : `${num(result, 2)} KiB`;
  const verdict = result === undefined ? "—" : result <= limit ? "met" : "missed";
  out.push(`| ${name} | ${scenario} | ${label} | ${shown} | ${verdict} |`);
}

const errors = raw.filter((r) => r.error);
if (errors.length) {
  out.push("", "### Failed measurements", "");
  for (const e of errors)
    out.push(`- round ${e.round + 1}, ${e.scenario}, ${e.server}: ${e.error}`);
}
process.stdout.write(`${out.join("\n")}\n`);

mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
writeFileSync(
  path.resolve(opts.json),
  `${JSON.stringify(
    {
      started,
      argv: process.argv.slice(2),
      machine: { cpus: cpus.length, model: cpus[0]?.model, release: os.release(), versions },
      clockTicks,
      docrootSha256: docroot.sha256,
      skipped,
      raw,
    },
    null,
    2,
  )}\n`,
);
process.stderr.write(`raw results: ${path.relative(root, path.resolve(opts.json))}\n`);
process.exitCode = errors.length ? 1 : 0;
