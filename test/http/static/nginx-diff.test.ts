/**
 * StaticFiles next to real nginx serving the same directory: for each request of a table,
 * nginx's answer (status, validators, ranges, redirects, body) and ours must agree, except
 * where this module chose otherwise on purpose; those cases are listed at the end with what
 * each side does. nginx listens on a unix socket in the test's own directory.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { StaticFiles } from "../../../src/http/static/index.js";
import { header, parseMultipart, request, wireBody } from "./_helpers.js";

interface PeerAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let dir = "";
let root = "";
let socket = "";
let nginx: ChildProcess | undefined;
let nginxLog = "";

function nginxRequest(
  method: string,
  target: string,
  headers: Record<string, string>,
): Promise<PeerAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath: socket,
        method,
        path: target,
        headers: { host: "localhost", ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function waitForNginx(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await nginxRequest("HEAD", "/", {});
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nginx did not start: ${nginxLog}`);
}

const BIG = Buffer.alloc(5000);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 7 + (i >> 8)) & 0xff;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "evnet-static-nginx-"));
  root = join(dir, "root");
  socket = join(dir, "nginx.sock");
  mkdirSync(root);
  const files: Array<[string, string | Buffer]> = [
    ["a.txt", "hello, world\n"],
    ["big.bin", BIG],
    ["sub/index.html", "<h1>sub</h1>"],
    ["noindex/x.txt", "x"],
    ["empty.txt", ""],
  ];
  mkdirSync(join(root, "sub"));
  mkdirSync(join(root, "noindex"));
  for (const [name, data] of files) {
    writeFileSync(join(root, name), data);
    utimesSync(join(root, name), 1_700_000_000, 1_700_000_000);
  }
  const conf = `
worker_processes 1;
daemon off;
master_process off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 64; }
http {
  types { text/html html; text/plain txt; application/octet-stream bin; }
  default_type application/octet-stream;
  access_log off;
  absolute_redirect off;
  if_modified_since before;
  max_ranges 16;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen unix:${socket};
    root ${root};
  }
}
`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  nginx = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  nginx.stderr!.on("data", (d: Buffer) => {
    nginxLog += d.toString();
  });
  await waitForNginx();
});

after(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx!.once("exit", r));
    nginx.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The media type without parameters: nginx here adds no charset, StaticFiles does. */
function mediaType(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.split(";")[0]!.trim();
}

async function compare(method: string, target: string, headers: Record<string, string> = {}) {
  const peer = await nginxRequest(method, target, headers);
  const ours = await new StaticFiles({ root }).respond(request(method, target, headers));
  const body = await wireBody(ours, method);
  const label = `${method} ${target} ${JSON.stringify(headers)}`;
  assert.equal(ours.status, peer.status, `${label}: status`);
  for (const name of ["content-range", "etag", "last-modified", "location"]) {
    assert.equal(header(ours, name), peer.headers[name], `${label}: ${name}`);
  }
  // nginx sends Accept-Ranges with 200 only; this module also repeats it on 206.
  if (ours.status === 200) {
    assert.equal(
      header(ours, "accept-ranges"),
      peer.headers["accept-ranges"],
      `${label}: accept-ranges`,
    );
  }
  const type = header(ours, "content-type");
  if (type?.startsWith("multipart/byteranges")) {
    const mine = parseMultipart(body, type);
    const theirs = parseMultipart(peer.body, peer.headers["content-type"]!);
    assert.deepEqual(
      mine.map((p) => [p.start, p.end, p.total, p.data]),
      theirs.map((p) => [p.start, p.end, p.total, p.data]),
      `${label}: parts`,
    );
    return;
  }
  if (ours.status < 300 || ours.status === 304) {
    assert.equal(mediaType(type), mediaType(peer.headers["content-type"]), `${label}: type`);
    assert.equal(
      header(ours, "content-length"),
      peer.headers["content-length"],
      `${label}: length`,
    );
    assert.ok(body.equals(peer.body), `${label}: body`);
  }
}

describe("StaticFiles agrees with nginx", () => {
  const lastModified = "Tue, 14 Nov 2023 22:13:20 GMT";
  const cases: Array<[string, string, Record<string, string>?]> = [
    ["GET", "/a.txt"],
    ["HEAD", "/a.txt"],
    ["GET", "/big.bin"],
    ["GET", "/missing"],
    ["GET", "/sub"],
    ["GET", "/sub?x=1"],
    ["GET", "/sub/"],
    ["GET", "/noindex/"],
    ["GET", "/a.txt/"],
    ["GET", "/../a.txt"],
    ["GET", "/%2e%2e/a.txt"],
    ["GET", "/sub/../a.txt"],
    ["GET", "/a.txt", { "if-none-match": '"6553f100-d"' }],
    ["GET", "/a.txt", { "if-none-match": 'W/"6553f100-d"' }],
    ["GET", "/a.txt", { "if-none-match": '"nope"' }],
    ["GET", "/a.txt", { "if-modified-since": lastModified }],
    ["GET", "/a.txt", { "if-modified-since": "Tue, 14 Nov 2023 22:13:19 GMT" }],
    ["GET", "/a.txt", { "if-match": '"nope"' }],
    ["GET", "/a.txt", { "if-unmodified-since": "Tue, 14 Nov 2023 22:13:19 GMT" }],
    ["GET", "/big.bin", { range: "bytes=0-99" }],
    ["GET", "/big.bin", { range: "bytes=4990-" }],
    ["GET", "/big.bin", { range: "bytes=-10" }],
    ["GET", "/big.bin", { range: "bytes=4000-9000" }],
    ["GET", "/big.bin", { range: "bytes=-9000" }],
    ["GET", "/big.bin", { range: "bytes=5000-" }],
    ["GET", "/big.bin", { range: "bytes=0-1,10-19,4999-" }],
    ["GET", "/big.bin", { range: "bytes=0-1,5000-6000" }],
    ["GET", "/big.bin", { range: "items=0-1" }],
    [
      "GET",
      "/big.bin",
      { range: `bytes=${Array.from({ length: 17 }, (_, i) => `${i * 10}-${i * 10}`).join(",")}` },
    ],
    ["GET", "/empty.txt", { range: "bytes=0-" }],
    ["GET", "/empty.txt", { range: "bytes=-5" }],
    ["POST", "/a.txt"],
    ["GET", "/big.bin", { range: "bytes=0-9", "if-range": '"6553f100-1388"' }],
    ["GET", "/big.bin", { range: "bytes=0-9", "if-range": '"stale"' }],
    ["GET", "/big.bin", { range: "bytes=0-9", "if-range": lastModified }],
    ["GET", "/big.bin", { range: "bytes=0-9", "if-range": "Tue, 14 Nov 2023 22:13:21 GMT" }],
  ];
  for (const [method, target, headers] of cases) {
    it(`${method} ${target} ${headers ? JSON.stringify(headers) : ""}`, () =>
      compare(method, target, headers));
  }

  it("differs from nginx only where this module chose to (documented cases)", async () => {
    // nginx decodes %2F into a path separator and serves the file; an encoded slash is
    // refused here, so no segment boundary can come from an escape.
    assert.equal((await nginxRequest("GET", "/sub%2findex.html", {})).status, 200);
    const ours = await new StaticFiles({ root }).respond(request("GET", "/sub%2findex.html"));
    assert.equal(ours.status, 400);
    // A backwards range: nginx answers 416; RFC 9110 calls the header invalid and lets the
    // server ignore it, which this module does (200, whole file).
    assert.equal((await nginxRequest("GET", "/big.bin", { range: "bytes=9-2" })).status, 416);
    const backwards = await new StaticFiles({ root }).respond(
      request("GET", "/big.bin", { range: "bytes=9-2" }),
    );
    assert.equal(backwards.status, 200);
    await wireBody(backwards);
    // Repeated ranges: nginx sends one part per range (as long as their sum fits the file);
    // here they are merged, so the answer is one plain 206.
    const repeated = { range: "bytes=0-0,0-0,0-0" };
    const theirs = await nginxRequest("GET", "/big.bin", repeated);
    assert.equal(parseMultipart(theirs.body, theirs.headers["content-type"]!).length, 3);
    const merged = await new StaticFiles({ root }).respond(request("GET", "/big.bin", repeated));
    assert.equal(header(merged, "content-range"), "bytes 0-0/5000");
    await wireBody(merged);
    // HEAD with Range: nginx answers 206; RFC 9110 sec. 14.2 defines Range for GET only, so
    // HEAD gets the head of the 200.
    assert.equal((await nginxRequest("HEAD", "/big.bin", { range: "bytes=0-9" })).status, 206);
    const head = await new StaticFiles({ root }).respond(
      request("HEAD", "/big.bin", { range: "bytes=0-9" }),
    );
    assert.equal(head.status, 200);
  });
});
