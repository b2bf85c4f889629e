import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { Async, EV, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, guard, withLoop, withLoopAsync } from "./_util.js";

/**
 * The worker never loads evnet or koffi: it only gets the Async's eventfd number and writes a
 * 64-bit 1 to it, `count` times, once the main thread lets it go and `delayMs` has passed.
 */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const fs = require("node:fs");
const gate = new Int32Array(workerData.gate);
Atomics.wait(gate, 0, 0);
if (workerData.delayMs > 0) Atomics.wait(gate, 2, 0, workerData.delayMs);
for (let i = 0; i < workerData.count; i++) {
  fs.writeSync(workerData.fd, Buffer.from(new BigUint64Array([1n]).buffer));
}
Atomics.store(gate, 1, 1);
Atomics.notify(gate, 1);
`;

interface SenderWorker {
  /** Lets the worker write; it waits until then so the main thread decides when. */
  go(): void;
  /** Blocks this thread until the worker has made all its writes. */
  waitWritten(): void;
  /** Resolves when the worker thread has exited; rejects if it threw. */
  done: Promise<void>;
}

function senderWorker(fd: number, count: number, delayMs = 0): SenderWorker {
  const gate = new SharedArrayBuffer(12);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { fd, count, gate, delayMs },
  });
  const done = new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`worker exit ${code}`)),
    );
  });
  return {
    go() {
      const g = new Int32Array(gate);
      Atomics.store(g, 0, 1);
      Atomics.notify(g, 0);
    },
    waitWritten() {
      const g = new Int32Array(gate);
      // Bounded, so a worker that never starts fails the test instead of hanging it.
      assert.notEqual(Atomics.wait(g, 1, 0, 10_000), "timed-out", "worker never wrote");
    },
    done,
  };
}

for (const backend of BACKENDS) {
  describe(`${backend}: Async watchers`, () => {
    expectNoFdLeak();

    it("send() wakes the loop; the callback gets EV.ASYNC and sent is cleared", () => {
      withLoop(backend, (loop) => {
        const seen: Array<[number, boolean]> = [];
        const a = new Async(loop, (w, revents) => {
          assert.equal(w, a);
          seen.push([revents, w.sent]);
          w.stop();
        });
        a.start();
        assert.equal(a.sent, false);
        a.send();
        assert.equal(a.sent, true);
        assert.equal(loop.run(), false);
        assert.deepEqual(seen, [[EV.ASYNC, false]]);
      });
    });

    it("several sends before the loop notices coalesce into one callback", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        const a = new Async(loop, () => calls++);
        a.start();
        a.send();
        a.send();
        a.send();
        loop.run(RUN.ONCE);
        loop.run(RUN.NOWAIT);
        assert.equal(calls, 1);
        a.stop();
      });
    });

    it("only the watchers that were sent to are invoked", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const a = new Async(loop, () => log.push("a"));
        const b = new Async(loop, () => log.push("b"));
        a.start();
        b.start();
        b.send();
        loop.run(RUN.ONCE);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["b"]);
        a.stop();
        b.stop();
      });
    });

    it("a send from a callback wakes a later iteration", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const a = new Async(loop, (w) => {
          log.push("async");
          w.stop();
        });
        a.start();
        new Timer(loop, 0.002, 0, () => {
          log.push("timer");
          a.send();
        }).start();
        loop.run();
        assert.deepEqual(log, ["timer", "async"]);
      });
    });

    it("an active async watcher keeps run() going until it is sent to", () => {
      withLoop(backend, (loop) => {
        const a = new Async(loop, () => {});
        a.start();
        assert.equal(loop.run(RUN.NOWAIT), true);
        a.stop();
        assert.equal(loop.run(RUN.NOWAIT), false);
      });
    });

    it("starting an async watcher forgets a send made while it was inactive (libev)", () => {
      // ev_async_start resets `sent`; observed with libev 4.33.
      withLoop(backend, (loop) => {
        let calls = 0;
        const a = new Async(loop, () => calls++);
        a.send();
        a.start();
        assert.equal(a.sent, false);
        loop.run(RUN.NOWAIT);
        loop.run(RUN.NOWAIT);
        assert.equal(calls, 0);
        a.stop();
      });
    });

    it("exposes its eventfd as async.fd for threads that must not load koffi", () => {
      withLoop(backend, (loop) => {
        const a = new Async(loop, () => {});
        assert.ok(Number.isInteger(a.fd) && a.fd >= 0, `async.fd = ${String(a.fd)}`);
      });
    });

    it("owned: a write from a worker_thread wakes a blocked run()", async () => {
      let worker: SenderWorker | undefined;
      withLoop(backend, (loop) => {
        const g = guard(loop);
        const seen: number[] = [];
        const a = new Async(loop, (w, revents) => {
          seen.push(revents);
          w.stop();
        });
        a.start();
        // The worker waits 20 ms after go() so that this thread is blocked in run() by then.
        worker = senderWorker(a.fd, 1, 20);
        worker.go();
        assert.equal(loop.run(), false);
        g.dispose();
        assert.equal(g.fired, false);
        assert.deepEqual(seen, [EV.ASYNC]);
      });
      await worker?.done;
    });

    it("owned: several writes from a worker before the loop looks coalesce into one callback", async () => {
      let worker: SenderWorker | undefined;
      withLoop(backend, (loop) => {
        let calls = 0;
        const a = new Async(loop, () => calls++);
        a.start();
        worker = senderWorker(a.fd, 3);
        worker.go();
        worker.waitWritten();
        loop.run(RUN.ONCE);
        loop.run(RUN.NOWAIT);
        assert.equal(calls, 1);
        a.stop();
      });
      await worker?.done;
    });

    it("hosted: a write from a worker_thread wakes host()", async () => {
      await withLoopAsync(backend, async (loop) => {
        let calls = 0;
        const a = new Async(loop, (w) => {
          calls++;
          w.stop();
        });
        a.start();
        const worker = senderWorker(a.fd, 1);
        worker.go();
        assert.equal(await loop.host(), false);
        assert.equal(calls, 1);
        await worker.done;
      });
    });
  });
}
