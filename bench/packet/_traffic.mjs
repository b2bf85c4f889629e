/**
 * Loopback traffic for the packet benchmark's capture, until killed (SIGTERM) or --seconds:
 *
 * - short HTTP connections to 127.0.0.1:PORT (80 by default), opened and closed here, so the
 *   capture has handshakes (SYN, SYN-ACK) and teardowns besides the keep-alive data segments
 *   that `wrk` makes (run.mjs starts wrk and the server: nginx, or this script's own server
 *   with --serve-http);
 * - DNS over UDP: queries to a tiny responder on 127.0.0.1:53 that answers every A query
 *   with one address, so a decoder has DNS to parse (--dns-rate queries per millisecond).
 *
 * Only 127.0.0.1 is used. Prints "ready" on stdout once its sockets listen.
 *
 *   node bench/packet/_traffic.mjs [--port 80] [--serve-http] [--dns-port 53]
 *                                  [--dns-rate 8] [--seconds 60]
 */
import dgram from "node:dgram";
import http from "node:http";
import net from "node:net";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "80" },
    "dns-port": { type: "string", default: "53" },
    seconds: { type: "string", default: "60" },
    "serve-http": { type: "boolean", default: false },
    "dns-rate": { type: "string", default: "8" },
  },
});
const HOST = "127.0.0.1";
const port = Number(values.port);
const dnsPort = Number(values["dns-port"]);
/** DNS queries per millisecond timer tick: keeps UDP a minority next to wrk's TCP. */
const dnsRate = Number(values["dns-rate"]);
/** Short TCP connections kept in flight at once. */
const SHORT_CONNECTIONS = 4;

const body = Buffer.from("hello from the evnet packet benchmark\n");
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;

/** A query for `<n>.bench.test A`, id n. */
function dnsQuery(n) {
  const label = String(n % 1000);
  const name = Buffer.concat([
    Buffer.from([label.length]),
    Buffer.from(label),
    Buffer.from([5]),
    Buffer.from("bench"),
    Buffer.from([4]),
    Buffer.from("test"),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(n & 0xffff, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4); // QDCOUNT
  return Buffer.concat([header, name, Buffer.from([0, 1, 0, 1])]);
}

/** The answer: the question echoed with QR/RA set and one A record pointing at it. */
function dnsAnswer(query) {
  const answer = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
  const out = Buffer.concat([query, answer]);
  out.writeUInt16BE(0x8180, 2);
  out.writeUInt16BE(1, 6); // ANCOUNT
  return out;
}

const dnsServer = dgram.createSocket("udp4");
dnsServer.on("message", (msg, rinfo) => {
  if (msg.length >= 12) dnsServer.send(dnsAnswer(msg), rinfo.port, rinfo.address);
});

const dnsClient = dgram.createSocket("udp4");
dnsClient.on("message", () => {});
let queryId = 0;
let stopping = false;

function sendDnsBurst() {
  if (stopping) return;
  for (let i = 0; i < dnsRate; i++) dnsClient.send(dnsQuery(queryId++), dnsPort, HOST);
}

function shortConnection() {
  if (stopping) return;
  const socket = net.connect(port, HOST, () => {
    socket.end("GET /short HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n");
  });
  socket.on("data", () => {});
  socket.on("error", () => {});
  socket.on("close", () => setImmediate(shortConnection));
}

let dnsTimer;
function stop() {
  stopping = true;
  clearInterval(dnsTimer);
  if (values["serve-http"]) {
    server.closeAllConnections?.();
    server.close();
  }
  dnsServer.close();
  dnsClient.close();
  setTimeout(() => process.exit(0), 200).unref();
}

let listening = 0;
function onListening() {
  if (++listening < (values["serve-http"] ? 2 : 1)) return;
  process.stdout.write("ready\n");
  dnsTimer = setInterval(sendDnsBurst, 1);
  for (let i = 0; i < SHORT_CONNECTIONS; i++) shortConnection();
}

if (values["serve-http"]) server.listen(port, HOST, onListening);
dnsServer.bind(dnsPort, HOST, onListening);
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
setTimeout(stop, Number(values.seconds) * 1000).unref();
