// Generates test/fixtures/packet/decode-loopback.pcap: real traffic on loopback between
// peers this script starts (TCP with data, FIN and RST; UDP; ICMP and ICMPv6 echo; an ICMP
// port unreachable; DNS over UDP and TCP answered by a tiny server and queried with dig).
// Run as root from the repo root: node test/packet/decode/make_loopback_capture.mjs
import { execFile, spawn } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const run = promisify(execFile);
const out = process.argv[2] ?? "test/fixtures/packet/decode-loopback.pcap";
const TCP_PORT = 47001;
const UDP_PORT = 47002;
const DNS_PORT = 53;
const CLOSED_PORT = 47009;

/** Encodes a name without compression. */
function name(n) {
  const parts = n === "" ? [] : n.split(".");
  const bytes = [];
  for (const p of parts) bytes.push(p.length, ...Buffer.from(p, "latin1"));
  bytes.push(0);
  return bytes;
}
const u16 = (v) => [(v >> 8) & 255, v & 255];
const u32 = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

/** Answers every query with records of the asked type; names point back at the question. */
function answer(query) {
  const id = query.readUInt16BE(0);
  let p = 12;
  while (query[p] !== 0) p += query[p] + 1;
  const qEnd = p + 5;
  const qname = [];
  for (let q = 12; query[q] !== 0; q += query[q] + 1) {
    qname.push(query.subarray(q + 1, q + 1 + query[q]).toString("latin1"));
  }
  const qtype = query.readUInt16BE(p + 1);
  const ptr = [0xc0, 12];
  const rr = (type, rdata) => [
    ...ptr,
    ...u16(type),
    ...u16(1),
    ...u32(300),
    ...u16(rdata.length),
    ...rdata,
  ];
  const answers = [];
  const authority = [];
  const host = qname.join(".");
  if (host.startsWith("nx")) {
    authority.push(
      rr(6, [
        ...name("ns1.test"),
        ...name("admin.test"),
        ...u32(2024010101),
        ...u32(3600),
        ...u32(600),
        ...u32(86400),
        ...u32(60),
      ]),
    );
  } else if (qtype === 1) {
    answers.push(rr(1, [192, 0, 2, 1]), rr(1, [192, 0, 2, 2]));
  } else if (qtype === 28)
    answers.push(rr(28, [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]));
  else if (qtype === 5) answers.push(rr(5, [3, ...Buffer.from("www"), 0xc0, 12]));
  else if (qtype === 15) answers.push(rr(15, [...u16(10), 4, ...Buffer.from("mail"), 0xc0, 12]));
  else if (qtype === 16)
    answers.push(rr(16, [5, ...Buffer.from("hello"), 5, ...Buffer.from("world")]));
  else if (qtype === 33)
    answers.push(rr(33, [...u16(1), ...u16(5), ...u16(5060), 3, ...Buffer.from("sip"), 0xc0, 12]));
  else if (qtype === 12) answers.push(rr(12, name("host.example")));
  else if (qtype === 2) answers.push(rr(2, [3, ...Buffer.from("ns1"), 0xc0, 12]));
  const rcode = host.startsWith("nx") ? 3 : 0;
  const header = [
    ...u16(id),
    0x85,
    0x80 | rcode,
    ...u16(1),
    ...u16(answers.length),
    ...u16(authority.length),
    ...u16(0),
  ];
  return Buffer.from([
    ...header,
    ...query.subarray(12, qEnd),
    ...answers.flat(),
    ...authority.flat(),
  ]);
}

const tcpdump = spawn(
  "tcpdump",
  [
    "-i",
    "lo",
    "-U",
    "-s",
    "0",
    "-w",
    out,
    "port",
    "47001",
    "or",
    "port",
    "47002",
    "or",
    "port",
    "53",
    "or",
    "port",
    "47009",
    "or",
    "icmp",
    "or",
    "icmp6",
  ],
  {
    stdio: ["ignore", "ignore", "pipe"],
  },
);
let ready = false;
tcpdump.stderr.on("data", (d) => {
  if (String(d).includes("listening")) ready = true;
});
while (!ready) await sleep(50);
// Stop the capture whatever happens, so no tcpdump is left behind.
process.on("uncaughtException", (e) => {
  tcpdump.kill("SIGINT");
  console.error(e);
  process.exitCode = 1;
});

// DNS over UDP and TCP.
const dnsUdp = dgram.createSocket("udp4");
dnsUdp.on("message", (msg, rinfo) => dnsUdp.send(answer(msg), rinfo.port, rinfo.address));
await new Promise((r) => dnsUdp.bind(DNS_PORT, "127.0.0.1", r));
const dnsTcp = net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on("data", (d) => {
    buf = Buffer.concat([buf, d]);
    if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const a = answer(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      s.end(Buffer.concat([Buffer.from(u16(a.length)), a]));
    }
  });
});
await new Promise((r) => dnsTcp.listen(DNS_PORT, "127.0.0.1", r));
for (const [type, host] of [
  ["A", "example.test"],
  ["AAAA", "example.test"],
  ["CNAME", "alias.test"],
  ["MX", "example.test"],
  ["TXT", "example.test"],
  ["SRV", "_sip._udp.example.test"],
  ["NS", "example.test"],
  ["A", "nx.example.test"],
]) {
  await run("dig", ["@127.0.0.1", "-p", String(DNS_PORT), "+tries=1", "+time=2", type, host]);
}
await run("dig", ["@127.0.0.1", "-p", String(DNS_PORT), "+tries=1", "+time=2", "-x", "192.0.2.1"]);
await run("dig", [
  "@127.0.0.1",
  "-p",
  String(DNS_PORT),
  "+tcp",
  "+tries=1",
  "+time=2",
  "A",
  "tcp.example.test",
]);

// TCP: a request/response with a clean close, then a connection reset by the server.
const server = net.createServer((s) => {
  s.once("data", (d) => {
    if (String(d).startsWith("RESET")) s.resetAndDestroy();
    else s.end(`echo:${d}`);
  });
});
await new Promise((r) => server.listen(TCP_PORT, "127.0.0.1", r));
for (const msg of ["hello over tcp\n", "RESET please"]) {
  await new Promise((resolve) => {
    const c = net.connect(TCP_PORT, "127.0.0.1", () => c.write(msg));
    c.on("data", () => {});
    c.on("error", () => resolve());
    c.on("close", () => resolve());
  });
}
// A connection to a closed port is refused with RST.
await new Promise((resolve) => {
  const c = net.connect(CLOSED_PORT, "127.0.0.1");
  c.on("error", () => resolve());
});

// UDP to a listener, and to a closed port (answered with ICMP port unreachable).
const udpServer = dgram.createSocket("udp4");
await new Promise((r) => udpServer.bind(UDP_PORT, "127.0.0.1", r));
const udp = dgram.createSocket("udp4");
await new Promise((r) => udp.send("udp payload", UDP_PORT, "127.0.0.1", r));
await new Promise((r) => udp.send("nobody home", CLOSED_PORT, "127.0.0.1", r));
const udp6 = dgram.createSocket("udp6");
await new Promise((r) => udp6.send("v6 payload", UDP_PORT, "::1", r));
await sleep(100);

await run("ping", ["-c", "2", "-i", "0.2", "127.0.0.1"]);
await run("ping", ["-6", "-c", "2", "-i", "0.2", "::1"]);

await sleep(300);
udp.close();
udp6.close();
udpServer.close();
dnsUdp.close();
dnsTcp.close();
server.close();
tcpdump.kill("SIGINT");
await new Promise((r) => tcpdump.on("exit", r));
console.log(`wrote ${out}`);
