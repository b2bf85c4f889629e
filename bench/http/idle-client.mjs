/**
 * The load side of bench/http's idle scenario: opens COUNT keep-alive connections to
 * 127.0.0.1:PORT, sends one GET / on each and waits for its "Hello, World!", so that every
 * connection is accepted and has served a request in the server, then leaves them idle.
 *
 *   node idle-client.mjs PORT COUNT      (run.mjs starts it on core 1 with a raised ulimit -n)
 *
 * Protocol with run.mjs, one JSON object per line on stdout:
 *   {"ready":true,"answered":N,"failed":F,"ms":T}  once every connection has its answer;
 *   then each line "check" on stdin is answered with {"open":N,"closedByServer":C};
 *   end of stdin closes every connection and exits.
 * At most CONCURRENCY connects are in flight at a time, below every server's listen backlog.
 */
import net from "node:net";
import readline from "node:readline";

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
if (!Number.isInteger(port) || !Number.isInteger(count) || count < 1) {
  process.stderr.write("usage: node idle-client.mjs PORT COUNT\n");
  process.exit(2);
}
const CONCURRENCY = 200;
const REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const ANSWER_TIMEOUT_MS = 30_000;

const sockets = [];
let started = 0;
let answered = 0;
let failed = 0;
let closedByServer = 0;
let shuttingDown = false;
const t0 = Date.now();

function openOne() {
  started++;
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  let done = false;
  const finish = (ok) => {
    if (done) return;
    done = true;
    if (ok) answered++;
    else failed++;
    if (started < count) openOne();
    else if (answered + failed === count) ready();
  };
  socket.setNoDelay(true);
  socket.on("connect", () => socket.write(REQUEST));
  socket.on("data", (chunk) => {
    if (done) return;
    text += chunk.toString("latin1");
    if (text.includes("Hello, World!")) finish(true);
  });
  socket.on("error", () => finish(false));
  socket.on("close", () => {
    if (!shuttingDown) closedByServer++;
    finish(false);
  });
  sockets.push(socket);
}

function ready() {
  clearTimeout(giveUp);
  process.stdout.write(
    `${JSON.stringify({ ready: true, answered, failed, ms: Date.now() - t0 })}\n`,
  );
}

const giveUp = setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ ready: false, answered, failed, started })}\n`);
  process.exit(1);
}, ANSWER_TIMEOUT_MS);

for (let i = 0; i < Math.min(CONCURRENCY, count); i++) openOne();

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() !== "check") return;
  const open = sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
  process.stdout.write(`${JSON.stringify({ open, closedByServer })}\n`);
});
lines.on("close", () => {
  shuttingDown = true;
  for (const s of sockets) s.destroy();
  process.exit(0);
});
