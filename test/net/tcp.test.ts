import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import * as nodeNet from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Loop } from "../../src/loop/index.js";
import { type Connection, connect, Listener } from "../../src/net/index.js";
import {
  getIntOption,
  IPPROTO_TCP,
  SO_KEEPALIVE,
  SOL_SOCKET,
  TCP_KEEPCNT,
  TCP_KEEPIDLE,
  TCP_KEEPINTVL,
  TCP_NODELAY,
} from "../../src/sys/index.js";

/** An echo server on the loop; resolves the listener once it is listening. */
function echoServer(loop: Loop, options: ConstructorParameters<typeof Listener>[1]) {
  const conns: Connection[] = [];
  const listener = new Listener(loop, options, (conn) => {
    conns.push(conn);
    conn.onData = (data) => conn.write(Buffer.from(data));
    conn.onEnd = () => conn.end();
  });
  return { listener, conns };
}

function nodeRoundTrip(opts: nodeNet.NetConnectOpts, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = nodeNet.connect(opts, () => sock.end(payload));
    let got = "";
    sock.setEncoding("utf8");
    sock.on("data", (d) => {
      got += d;
    });
    sock.on("end", () => resolve(got));
    sock.on("error", reject);
  });
}

describe("net: TCP listener and connections", () => {
  for (const host of ["127.0.0.1", "::1"]) {
    it(`echoes over ${host} with a half-closing Node client`, async () => {
      const loop = new Loop();
      const { listener } = echoServer(loop, { host });
      const { port, family } = listener.address();
      assert.equal(family, host === "::1" ? "IPv6" : "IPv4");
      const hosted = loop.host();
      const got = await nodeRoundTrip({ host, port }, "hello over tcp");
      assert.equal(got, "hello over tcp");
      listener.close();
      await hosted;
      loop.destroy();
    });
  }

  it("echoes over a unix socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-net-"));
    const path = join(dir, "s.sock");
    const loop = new Loop();
    const { listener } = echoServer(loop, { path });
    assert.deepEqual(listener.address(), { family: "unix", address: path, port: 0 });
    const hosted = loop.host();
    assert.equal(await nodeRoundTrip({ path }, "unix"), "unix");
    listener.close();
    await hosted;
    loop.destroy();
    rmSync(dir, { recursive: true });
  });

  it("connect() reaches a listener in owned mode and data flows both ways", () => {
    const loop = new Loop();
    const { listener } = echoServer(loop, {});
    let echoed = "";
    let closed = 0;
    connect(loop, { port: listener.address().port }, (err, conn) => {
      assert.equal(err, null);
      assert.ok(conn);
      conn.setNoDelay(true);
      assert.equal(getIntOption(conn.fd, IPPROTO_TCP, TCP_NODELAY), 1);
      conn.onData = (d) => {
        echoed += Buffer.from(d).toString();
        if (echoed.length === 6) conn.end();
      };
      conn.onClose = (reason) => {
        assert.equal(reason, null);
        closed++;
        listener.close();
      };
      conn.write(Buffer.from("abc"));
      conn.write(Buffer.from("def"));
    });
    // connect's completion is a microtask; owned mode must let it run first
    return Promise.resolve().then(() => {
      loop.run();
      assert.equal(echoed, "abcdef");
      assert.equal(closed, 1);
      loop.destroy();
    });
  });

  it("connect() to a unix socket completes from the loop, in owned mode too", () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-net-"));
    const path = join(dir, "s.sock");
    const loop = new Loop();
    const listener = new Listener(loop, { path }, (conn) => {
      conn.onData = () => {};
    });
    let connected = 0;
    let insideConnect = true;
    connect(loop, { path }, (err, conn) => {
      assert.equal(err, null);
      assert.equal(insideConnect, false, "done never runs inside connect()");
      connected++;
      conn!.destroy();
      listener.close();
    });
    insideConnect = false;
    loop.run(); // no microtask runs during run(): the result must come through the loop
    assert.equal(connected, 1);
    loop.destroy();
    rmSync(dir, { recursive: true });
  });

  it("a cancelled connect() never calls done and closes its socket", () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-net-"));
    const path = join(dir, "s.sock");
    const loop = new Loop();
    const listener = new Listener(loop, { path }, (conn) => conn.destroy());
    let called = 0;
    const cancel = connect(loop, { path }, () => {
      called++;
    });
    cancel();
    listener.close();
    loop.run();
    assert.equal(called, 0);
    loop.destroy();
    rmSync(dir, { recursive: true });
  });

  it("connect() to a closed port reports ECONNREFUSED", async () => {
    const probe = nodeNet.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as nodeNet.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const loop = new Loop();
    const err = await new Promise<Error | null>((resolve) => {
      connect(loop, { port }, (e) => resolve(e));
      loop.host();
    });
    assert.equal((err as Error & { code: string }).code, "ECONNREFUSED");
    loop.destroy();
  });

  it("keepalive options reach the socket", async () => {
    const loop = new Loop();
    const listener = new Listener(loop, {}, (conn) => {
      conn.setKeepAlive(true, 30, 5, 4);
      assert.equal(getIntOption(conn.fd, SOL_SOCKET, SO_KEEPALIVE), 1);
      assert.equal(getIntOption(conn.fd, IPPROTO_TCP, TCP_KEEPIDLE), 30);
      assert.equal(getIntOption(conn.fd, IPPROTO_TCP, TCP_KEEPINTVL), 5);
      assert.equal(getIntOption(conn.fd, IPPROTO_TCP, TCP_KEEPCNT), 4);
      conn.destroy();
      listener.close();
    });
    const hosted = loop.host();
    const sock = nodeNet.connect(listener.address().port, "127.0.0.1");
    sock.on("error", () => {});
    await hosted;
    sock.destroy();
    loop.destroy();
  });

  it("backpressure: write() returns false above the high-water mark, onDrain follows", async () => {
    const loop = new Loop();
    const chunk = Buffer.alloc(256 * 1024, 7);
    let total = 0;
    let drains = 0;
    let sawFalse = false;
    const target = 8 * 1024 * 1024;
    const listener = new Listener(loop, { highWaterMark: 128 * 1024 }, (conn) => {
      const pump = () => {
        while (total < target) {
          total += chunk.length;
          if (!conn.write(chunk)) {
            sawFalse = true;
            return;
          }
        }
        conn.end();
      };
      conn.onDrain = () => {
        drains++;
        pump();
      };
      pump();
      listener.close();
    });
    const hosted = loop.host();
    let received = 0;
    const sock = nodeNet.connect(listener.address().port, "127.0.0.1");
    sock.pause();
    await new Promise((r) => setTimeout(r, 50));
    sock.resume();
    sock.on("data", (d: Buffer) => {
      received += d.length;
    });
    await new Promise((r) => sock.on("end", r));
    sock.end();
    await hosted;
    assert.ok(sawFalse, "write() must report the full queue");
    assert.ok(drains > 0, "onDrain must follow");
    assert.equal(received, target);
    loop.destroy();
  });

  it("a peer that resets is reported once, with the error", async () => {
    const loop = new Loop();
    const reasons: (Error | null)[] = [];
    const listener = new Listener(loop, {}, (conn) => {
      conn.onClose = (reason) => {
        reasons.push(reason);
        listener.close();
      };
      conn.onData = () => {};
    });
    const hosted = loop.host();
    const sock = nodeNet.connect(listener.address().port, "127.0.0.1");
    await new Promise((r) => sock.on("connect", r));
    sock.write("x");
    await new Promise((r) => setTimeout(r, 20));
    sock.resetAndDestroy();
    await hosted;
    assert.equal(reasons.length, 1);
    assert.equal((reasons[0] as Error & { code: string }).code, "ECONNRESET");
    loop.destroy();
  });

  it("a peer that closes cleanly is reported once as an orderly close", async () => {
    const loop = new Loop();
    const reasons: (Error | null)[] = [];
    const listener = new Listener(loop, {}, (conn) => {
      conn.onClose = (reason) => {
        reasons.push(reason);
        listener.close();
      };
    });
    const hosted = loop.host();
    const sock = nodeNet.connect(listener.address().port, "127.0.0.1");
    await new Promise((r) => sock.on("connect", r));
    sock.end();
    await hosted;
    assert.deepEqual(reasons, [null]);
    loop.destroy();
  });

  it("lingeringClose(): a response written before it survives unread bytes from the peer", async () => {
    const loop = new Loop();
    const listener = new Listener(loop, {}, (conn) => {
      let first = true;
      conn.onData = () => {
        if (!first) return;
        first = false;
        conn.write(Buffer.from("refused\n"));
        conn.lingeringClose();
        listener.close();
      };
    });
    const hosted = loop.host();
    const sock = nodeNet.connect(listener.address().port, "127.0.0.1");
    let got = "";
    sock.on("data", (d) => {
      got += d;
    });
    sock.on("error", () => {});
    // keep sending after the server has answered: without lingering, the kernel resets
    sock.write(Buffer.alloc(1000, 1));
    const more = setInterval(() => sock.writable && sock.write(Buffer.alloc(100000, 2)), 5);
    await new Promise((r) => sock.on("end", r));
    clearInterval(more);
    sock.destroy();
    await hosted;
    assert.equal(got, "refused\n");
    loop.destroy();
  });

  it("end() half-closes: the peer sees the end and can still answer", async () => {
    const loop = new Loop();
    let answer = "";
    let closed = false;
    const listener = new Listener(loop, {}, (conn) => {
      conn.write(Buffer.from("question?"));
      conn.end();
      conn.onData = (d) => {
        answer += Buffer.from(d).toString();
      };
      conn.onClose = () => {
        closed = true;
        listener.close();
      };
    });
    const hosted = loop.host();
    const sock = nodeNet.connect({
      port: listener.address().port,
      host: "127.0.0.1",
      allowHalfOpen: true,
    });
    let got = "";
    sock.on("data", (d) => {
      got += d;
    });
    sock.on("end", () => sock.end("forty-two"));
    await hosted;
    sock.destroy();
    assert.equal(got, "question?");
    assert.equal(answer, "forty-two");
    assert.ok(closed);
    loop.destroy();
  });

  it("sendFile sends a file range in order with buffered writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "evnet-net-"));
    const file = join(dir, "f.bin");
    const content = Buffer.alloc(300000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 31) & 0xff;
    writeFileSync(file, content);
    const fileFd = openSync(file, "r");
    const loop = new Loop();
    let doneErr: Error | null | undefined;
    const listener = new Listener(loop, {}, (conn) => {
      conn.write(Buffer.from("<"));
      conn.sendFile(fileFd, 1000, 250000, (err) => {
        doneErr = err;
      });
      conn.write(Buffer.from(">"));
      conn.end();
      listener.close();
    });
    const hosted = loop.host();
    const sock = nodeNet.connect(listener.address().port, "127.0.0.1");
    const parts: Buffer[] = [];
    sock.on("data", (d: Buffer) => parts.push(d));
    await new Promise((r) => sock.on("end", r));
    sock.end();
    await hosted;
    const got = Buffer.concat(parts);
    assert.equal(got.length, 250002);
    assert.equal(got[0], "<".charCodeAt(0));
    assert.equal(got[got.length - 1], ">".charCodeAt(0));
    assert.ok(got.subarray(1, 250001).equals(content.subarray(1000, 251000)));
    assert.equal(doneErr, null);
    closeSync(fileFd);
    loop.destroy();
    rmSync(dir, { recursive: true });
  });

  it("cork() joins many small writes into one send", async () => {
    const loop = new Loop();
    const listener = new Listener(loop, {}, (conn) => {
      conn.cork();
      for (let i = 0; i < 100; i++) conn.write(Buffer.from(`${i},`));
      assert.ok(conn.bufferedAmount > 0, "corked writes wait in the queue");
      conn.uncork();
      assert.equal(conn.bufferedAmount, 0, "uncork sends them");
      conn.end();
      listener.close();
    });
    const hosted = loop.host();
    const got = await nodeRoundTrip({ port: listener.address().port, host: "127.0.0.1" }, "");
    await hosted;
    assert.equal(got, Array.from({ length: 100 }, (_, i) => `${i},`).join(""));
    loop.destroy();
  });

  it("EMFILE on accept does not spin the loop and refuses the connection", async () => {
    // A child process with a tiny descriptor limit runs the listener; we connect until it
    // is out of descriptors and check it sheds connections and stays responsive.
    const script = `
      import { Loop, Timer } from ${JSON.stringify(new URL("../../src/loop/index.js", import.meta.url).href)};
      import { Listener } from ${JSON.stringify(new URL("../../src/net/index.js", import.meta.url).href)};
      const loop = new Loop();
      const held = [];
      const l = new Listener(loop, {}, (c) => { held.push(c); c.onData = () => {}; });
      process.stdout.write(l.address().port + "\\n");
      new Timer(loop, 1.5, 0, () => {
        process.stdout.write(JSON.stringify({ refused: l.refused, held: held.length, iterations: loop.iteration }) + "\\n");
        process.exit(0);
      }).start();
      loop.run();
    `;
    const dir = mkdtempSync(join(tmpdir(), "evnet-net-"));
    const path = join(dir, "emfile.mjs");
    writeFileSync(path, script);
    const child = spawn("prlimit", ["--nofile=40:40", process.execPath, path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    const port = await new Promise<number>((resolve) => {
      child.stdout.on("data", (d) => {
        out += d;
        const nl = out.indexOf("\n");
        if (nl > 0 && !out.startsWith("{")) resolve(Number(out.slice(0, nl)));
      });
    });
    const sockets: nodeNet.Socket[] = [];
    for (let i = 0; i < 60; i++) {
      const s = nodeNet.connect(port, "127.0.0.1");
      s.on("error", () => {});
      sockets.push(s);
    }
    await new Promise((r) => child.on("exit", r));
    for (const s of sockets) s.destroy();
    const report = JSON.parse(out.trim().split("\n").at(-1)!);
    assert.ok(report.refused > 0, "connections beyond the limit are refused");
    assert.ok(report.held > 0 && report.held < 40, "connections within the limit are held");
    // Spinning would poll hundreds of thousands of times in 1.5 s.
    assert.ok(report.iterations < 5000, `loop iterations: ${report.iterations}`);
    rmSync(dir, { recursive: true });
  });
});

describe("net: sys address checks", () => {
  it("rejects a non-numeric host with a clear error", () => {
    const loop = new Loop();
    assert.throws(
      () => new Listener(loop, { host: "localhost" }, () => {}),
      /not a numeric IPv4 or IPv6/,
    );
    assert.throws(() => new Listener(loop, { port: 70000 }, () => {}), /port must be an integer/);
    loop.destroy();
  });

  it("a port in use is EADDRINUSE", () => {
    const loop = new Loop();
    const a = new Listener(loop, {}, () => {});
    assert.throws(
      () => new Listener(loop, { port: a.address().port }, () => {}),
      (err: Error & { code?: string }) => err.code === "EADDRINUSE",
    );
    a.close();
    loop.destroy();
  });

  it("reusePort lets two listeners share a port", () => {
    const loop = new Loop();
    const a = new Listener(loop, { reusePort: true }, () => {});
    const b = new Listener(loop, { reusePort: true, port: a.address().port }, () => {});
    assert.equal(a.address().port, b.address().port);
    a.close();
    b.close();
    loop.destroy();
  });
});
