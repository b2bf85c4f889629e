import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { file, serve } from "../../../src/http/index.js";

describe("serve({ fetch })", () => {
  it("hands the handler a web Request and sends its Response", async () => {
    let seen: { method: string; url: string; ua: string | null; isRequest: boolean } | undefined;
    const s = serve({
      port: 0,
      fetch: (req) => {
        seen = {
          method: req.method,
          url: req.url,
          ua: req.headers.get("user-agent"),
          isRequest: req instanceof Request,
        };
        return new Response("hi", {
          status: 201,
          headers: { "x-a": "1", "content-type": "text/plain" },
        });
      },
    });
    const res = await fetch(`${s.url}/p?q=1`, { headers: { "user-agent": "t/1" } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-a"), "1");
    assert.equal(res.headers.get("content-length"), "2");
    assert.equal(await res.text(), "hi");
    assert.deepEqual(seen, { method: "GET", url: `${s.url}/p?q=1`, ua: "t/1", isRequest: true });
    await s.close();
  });

  it("reads a JSON body and answers JSON; repeated Set-Cookie stay separate", async () => {
    const s = serve({
      port: 0,
      fetch: async (req) => {
        const body = (await req.json()) as { n: number };
        const headers = new Headers({ "content-type": "application/json" });
        headers.append("set-cookie", "a=1");
        headers.append("set-cookie", "b=2");
        return new Response(JSON.stringify({ doubled: body.n * 2 }), { headers });
      },
    });
    const res = await fetch(s.url, { method: "POST", body: JSON.stringify({ n: 21 }) });
    assert.deepEqual(await res.json(), { doubled: 42 });
    assert.deepEqual(res.headers.getSetCookie(), ["a=1", "b=2"]);
    await s.close();
  });

  it("streams a ReadableStream body chunked", async () => {
    const s = serve({
      port: 0,
      fetch: () => {
        let i = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (i === 5) controller.close();
            else controller.enqueue(new TextEncoder().encode(`part${i++};`));
          },
        });
        return new Response(stream);
      },
    });
    const res = await fetch(s.url);
    assert.equal(res.headers.get("transfer-encoding"), "chunked");
    assert.equal(await res.text(), "part0;part1;part2;part3;part4;");
    await s.close();
  });

  it("a handler error becomes a 500 (or the error() response)", async () => {
    const s = serve({
      port: 0,
      fetch: () => {
        throw new Error("nope");
      },
      error: (err) => new Response(`handled: ${(err as Error).message}`, { status: 503 }),
    });
    const res = await fetch(s.url);
    assert.equal(res.status, 503);
    assert.equal(await res.text(), "handled: nope");
    await s.close();
  });

  it("runs a Hono app unchanged", async () => {
    const app = new Hono();
    app.get("/hello/:name", (c) => c.json({ hello: c.req.param("name") }));
    app.post("/echo", async (c) => c.text(await c.req.text()));
    app.notFound((c) => c.text("nothing here", 404));
    const s = serve({ port: 0, fetch: app.fetch });
    const a = await fetch(`${s.url}/hello/evnet`);
    assert.deepEqual(await a.json(), { hello: "evnet" });
    const b = await fetch(`${s.url}/echo`, { method: "POST", body: "round trip" });
    assert.equal(await b.text(), "round trip");
    const c = await fetch(`${s.url}/missing`);
    assert.equal(c.status, 404);
    assert.equal(await c.text(), "nothing here");
    await s.close();
  });

  it("sends a file() body with sendfile, typed from its name; a missing file is 404", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-fetch-"));
    const content = Buffer.alloc(300_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 13) & 0xff;
    writeFileSync(join(dir, "data.json"), content);
    const s = serve({
      port: 0,
      fetch: (req) => new Response(file(join(dir, new URL(req.url).pathname.slice(1)))),
    });
    const res = await fetch(`${s.url}/data.json`);
    assert.match(res.headers.get("content-type")!, /^application\/json\b/);
    assert.equal(res.headers.get("content-length"), String(content.length));
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(content));
    const head = await fetch(`${s.url}/data.json`, { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), String(content.length));
    const missing = await fetch(`${s.url}/nope`);
    assert.equal(missing.status, 404);
    await missing.text();
    // a file() response read in the handler becomes a stream of the same bytes
    const viaText = await new Response(file(join(dir, "data.json"))).arrayBuffer();
    assert.ok(Buffer.from(viaText).equals(content));
    await s.close();
    rmSync(dir, { recursive: true });
  });
});
