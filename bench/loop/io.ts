/**
 * I/O dispatch benchmark, evnet side. Mirrors io.c (see there for the design: N fds from
 * N/2 socketpairs with both ends watched, 100 random fds made readable per iteration, a
 * lowest-priority Check watcher closing each iteration and writing the next batch).
 *
 *   node dist/bench/loop/io.js <epoll|poll|select> <N> <iterations> <warmup> <owned|hosted>
 *
 * "owned" drives the loop with loop.run(); "hosted" with `await loop.host()`, where every
 * iteration is one wake-up of Node's own loop: the batch written in the Check callback makes
 * the epoll fd readable, libuv's poll handle sees it, and evnet runs one non-blocking
 * iteration. Both modes run the very same watchers and callbacks.
 */
import type { BackendName } from "../../src/loop/index.js";
import { Check, EV, Io, Loop, MINPRI } from "../../src/loop/index.js";
import { close, read, socketpair, write } from "../../src/sys/index.js";
import { median, nowNs, rand } from "./common.js";

const ACTIVE_MAX = 100;

const [backendArg, nArg, itersArg, warmupArg, modeArg] = process.argv.slice(2);
const backends: readonly string[] = ["epoll", "poll", "select"];
const nFds = Number(nArg);
const iterations = Number(itersArg);
const warmup = Number(warmupArg);
if (
  !backends.includes(backendArg ?? "") ||
  !(Number.isInteger(nFds) && nFds >= 2 && nFds % 2 === 0) ||
  !(Number.isInteger(iterations) && iterations >= 1) ||
  !(Number.isInteger(warmup) && warmup >= 0) ||
  (modeArg !== "owned" && modeArg !== "hosted")
) {
  process.stderr.write("usage: io.js epoll|poll|select N(even) iterations warmup owned|hosted\n");
  process.exit(2);
}
const backend = backendArg as BackendName;
const active = Math.min(nFds, ACTIVE_MAX);

const fds = new Int32Array(nFds);
const peers = new Int32Array(nFds);
const order = new Int32Array(nFds);
const samples = new Float64Array(iterations);
const one = new Uint8Array([1]);
const sink = new Uint8Array(1);
let fired = 0;
let roundNo = 0;
let lastNs = 0;

const loop = new Loop({ backend });
const watchers: Io[] = [];

function onReadable(w: Io): void {
  if (read(w.fd, sink, 1) === 1) fired++;
}

/** A partial Fisher-Yates shuffle over the fd indices picks `active` distinct fds. */
function writeBatch(): void {
  for (let k = 0; k < active; k++) {
    const j = k + (rand() % (nFds - k));
    const t = order[k]!;
    order[k] = order[j]!;
    order[j] = t;
    if (write(peers[order[k]!]!, one, 1) !== 1) throw new Error("bench: a 1-byte write failed");
  }
  roundNo++;
}

function onCheck(w: Check): void {
  if (fired < active) return; // the poll returned part of the batch; wait for the rest
  const now = nowNs();
  if (roundNo > warmup) samples[roundNo - warmup - 1] = now - lastNs;
  lastNs = now;
  if (roundNo === warmup + iterations) {
    for (const io of watchers) io.stop();
    w.stop();
    return;
  }
  fired = 0;
  writeBatch();
}

for (let i = 0; i < nFds; i += 2) {
  const [a, b] = socketpair();
  fds[i] = a;
  peers[i] = b;
  fds[i + 1] = b;
  peers[i + 1] = a;
}
for (let i = 0; i < nFds; i++) {
  order[i] = i;
  const io = new Io(loop, fds[i]!, EV.READ, onReadable);
  io.start();
  watchers.push(io);
}
const batchCheck = new Check(loop, onCheck);
// Check watchers are queued after the I/O events and the pending queue is popped LIFO, so at
// equal priority the check would run before the read callbacks.
batchCheck.priority = MINPRI;
batchCheck.start();

lastNs = nowNs();
writeBatch();
if (modeArg === "hosted") await loop.host();
else loop.run();

let sum = 0;
for (const s of samples) sum += s;
const result = {
  bench: "io",
  impl: "evnet",
  backend,
  mode: modeArg,
  n: nFds,
  usPerIter: Number((median(samples) / 1e3).toFixed(3)),
  meanUsPerIter: Number((sum / iterations / 1e3).toFixed(3)),
  maxFd: Math.max(...fds),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
for (const fd of fds) close(fd);
loop.destroy();
