import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createServer, type HttpServer, serveStatic } from "../../../src/http/index.js";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.on("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

describe("nginx as a reverse proxy in front of evnet (upstream keepalive)", () => {
  let dir: string;
  let nginx: ChildProcess;
  let server: HttpServer;
  let accepted = 0;
  let proxy: string;
  const content = Buffer.alloc(100_000, "0123456789abcdef");

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "evnet-nginx-"));
    const www = join(dir, "www");
    mkdirSync(www);
    writeFileSync(join(www, "file.txt"), content);
    const files = serveStatic({ root: www });
    server = createServer(async (req, res) => {
      if (req.path === "/echo") {
        const body = await req.body();
        res.setHeader("X-Seen-Connection", req.header("connection") ?? "");
        res.end(`echo ${body.length}`);
        return;
      }
      await files(req, res);
    }).listen({ port: 0 });
    const upstream = server.address().port;
    const nginxPort = await freePort();
    const conf = `
worker_processes 1;
daemon off;
master_process off;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream evnet { server 127.0.0.1:${upstream}; keepalive 8; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / {
      proxy_pass http://evnet;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}`;
    writeFileSync(join(dir, "nginx.conf"), conf);
    nginx = spawn("nginx", ["-c", join(dir, "nginx.conf"), "-p", dir], { stdio: "ignore" });
    await waitForPort(nginxPort);
    proxy = `http://127.0.0.1:${nginxPort}`;
    accepted = server.connectionsAccepted;
  });

  after(async () => {
    nginx.kill("SIGTERM");
    await new Promise((r) => nginx.on("exit", r));
    await server.close();
    rmSync(dir, { recursive: true });
  });

  it("serves files, ranges and bodies through the proxy over few upstream connections", async () => {
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${proxy}/file.txt`);
      assert.equal(res.status, 200);
      assert.equal(Buffer.from(await res.arrayBuffer()).equals(content), true);
    }
    const ranged = await fetch(`${proxy}/file.txt`, { headers: { Range: "bytes=16-31" } });
    assert.equal(ranged.status, 206);
    assert.equal(await ranged.text(), "0123456789abcdef");
    const posted = await fetch(`${proxy}/echo`, { method: "POST", body: "x".repeat(5000) });
    assert.equal(await posted.text(), "echo 5000");
    // proxy_set_header Connection "" means nginx asks for keep-alive upstream
    assert.equal(posted.headers.get("x-seen-connection"), "");
    // Sequential requests through keepalive reuse the same upstream connection(s).
    const upstreamConnections = server.connectionsAccepted - accepted;
    assert.ok(
      upstreamConnections >= 1 && upstreamConnections <= 2,
      `upstream connections: ${upstreamConnections}`,
    );
    assert.ok(server.requestCount >= 22);
  });

  it("a 404 and a HEAD pass through intact", async () => {
    const missing = await fetch(`${proxy}/nope`);
    assert.equal(missing.status, 404);
    const head = await fetch(`${proxy}/file.txt`, { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), String(content.length));
  });
});
