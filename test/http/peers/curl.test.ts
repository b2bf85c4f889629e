import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createServer, type HttpServer, serveStatic } from "../../../src/http/index.js";

function curl(
  args: string[],
  input?: Buffer,
): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(
      "curl",
      ["-sS", ...args],
      { encoding: "buffer", maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        resolve({
          stdout,
          stderr: stderr.toString(),
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
        });
      },
    );
    if (input) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

describe("curl against evnet's server", () => {
  let dir: string;
  let content: Buffer;
  let server: HttpServer;
  let base: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "evnet-curl-"));
    content = Buffer.alloc(200_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 7 + (i >> 8)) & 0xff;
    writeFileSync(join(dir, "data.bin"), content);
    writeFileSync(join(dir, "index.html"), "<h1>home</h1>\n");
    const files = serveStatic({ root: dir });
    server = createServer(
      async (req, res) => {
        if (req.path === "/upload") {
          const body = await req.body();
          res.end(`${body.length} ${createHash("sha256").update(body).digest("hex")}`);
          return;
        }
        await files(req, res);
      },
      { maxBodySize: 16 << 20 },
    ).listen({ port: 0 });
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true });
  });

  it("fetches a file whole, and index.html for /", async () => {
    const whole = await curl([`${base}/data.bin`]);
    assert.ok(whole.stdout.equals(content));
    const index = await curl([`${base}/`]);
    assert.equal(index.stdout.toString(), "<h1>home</h1>\n");
  });

  it("reuses one connection for several URLs (keep-alive)", async () => {
    const r = await curl([
      "-v",
      "-o",
      "/dev/null",
      "-o",
      "/dev/null",
      "-o",
      "/dev/null",
      `${base}/`,
      `${base}/data.bin`,
      `${base}/`,
    ]);
    assert.equal(r.code, 0);
    assert.equal((r.stderr.match(/Re-using existing connection/g) ?? []).length, 2, r.stderr);
  });

  it("gets single and multiple byte ranges", async () => {
    const one = await curl(["-i", "-r", "100-199", `${base}/data.bin`]);
    const text = one.stdout.toString("latin1");
    assert.match(text, /^HTTP\/1\.1 206 /);
    assert.match(text, /Content-Range: bytes 100-199\/200000\r\n/i);
    const body = one.stdout.subarray(one.stdout.indexOf("\r\n\r\n") + 4);
    assert.ok(body.equals(content.subarray(100, 200)));

    const many = await curl(["-i", "-r", "0-9,1000-1009", `${base}/data.bin`]);
    const manyText = many.stdout.toString("latin1");
    assert.match(manyText, /Content-Type: multipart\/byteranges; boundary=/i);
    const boundary = /boundary=([^\r\n;]+)/i.exec(manyText)![1]!;
    const parts = manyText.split(`--${boundary}`).slice(1, -1);
    assert.equal(parts.length, 2);
    assert.match(parts[0]!, /Content-Range: bytes 0-9\/200000/i);
    assert.ok(
      Buffer.from(parts[1]!.split("\r\n\r\n")[1]!.slice(0, 10), "latin1").equals(
        content.subarray(1000, 1010),
      ),
    );
  });

  it("resumes a partial download with -C -", async () => {
    const out = join(dir, "partial.bin");
    writeFileSync(out, content.subarray(0, 77_777));
    const r = await curl(["-C", "-", "-o", out, `${base}/data.bin`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(out).equals(content));
  });

  it("uploads a chunked body (curl -T - with Transfer-Encoding: chunked)", async () => {
    const payload = Buffer.alloc(3_000_000, "evnet");
    const r = await curl(
      ["-T", "-", "-H", "Transfer-Encoding: chunked", `${base}/upload`],
      payload,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.toString(),
      `${payload.length} ${createHash("sha256").update(payload).digest("hex")}`,
    );
  });

  it("answers If-None-Match with 304", async () => {
    const first = await curl(["-i", `${base}/data.bin`, "-o", "/dev/null", "-D", "-"]);
    const etag = /ETag: ("[^"]+")/i.exec(first.stdout.toString())![1]!;
    const second = await curl(["-i", "-H", `If-None-Match: ${etag}`, `${base}/data.bin`]);
    assert.match(second.stdout.toString(), /^HTTP\/1\.1 304 /);
  });
});
