import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Async, BREAK, Check, EV, Idle, Io, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, testPipe, warmUpHosting, withLoopAsync } from "./_util.js";

/** A lost wake-up leaves host() pending forever: fail the test instead of hanging the run. */
const LIMIT = { timeout: 10_000 };

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

for (const backend of BACKENDS) {
  describe(`${backend}: hosted mode (host)`, () => {
    expectNoFdLeak(warmUpHosting);

    it("host() with nothing active does one iteration and resolves false", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const start = loop.iteration;
        const result = loop.host();
        assert.ok(result instanceof Promise);
        assert.equal(await result, false);
        assert.equal(loop.iteration, start + 1);
      });
    });

    it("a timer fires and host() resolves false when it was the last watcher", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const seen: number[] = [];
        new Timer(loop, 0.002, 0, (_w, revents) => seen.push(revents)).start();
        assert.equal(await loop.host(), false);
        assert.deepEqual(seen, [EV.TIMER]);
      });
    });

    it("an await inside a callback resolves while the loop keeps running", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const log: string[] = [];
        let ticksWhileAwaiting = 0;
        let awaiting = false;
        // A ticker that keeps the loop busy, proving it iterates during the await.
        const ticker = new Timer(loop, 0.001, 0.001, () => {
          if (awaiting) ticksWhileAwaiting++;
        });
        ticker.start();
        const worker = new Timer(loop, 0, 0, async () => {
          awaiting = true;
          await delay(5);
          log.push("timeout resolved");
          const text = await readFile(fileURLToPath(import.meta.url), "utf8");
          log.push(`read ${text.length > 0}`);
          awaiting = false;
          ticker.stop();
        });
        worker.start();
        assert.equal(await loop.host(), false);
        assert.deepEqual(log, ["timeout resolved", "read true"]);
        assert.ok(ticksWhileAwaiting > 0, "the loop ran while the callback awaited");
      });
    });

    it("Node timers fire during await loop.host()", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        let nodeTimerFired = false;
        setTimeout(() => {
          nodeTimerFired = true;
        }, 5);
        let polls = 0;
        // Stops only once Node's own timer has run, so host() cannot finish without it.
        new Timer(loop, 0.001, 0.001, (w) => {
          polls++;
          if (nodeTimerFired) w.stop();
        }).start();
        assert.equal(await loop.host(), false);
        // host() could only resolve after Node's timer ran: the ticker stops on that alone.
        assert.equal(nodeTimerFired, true);
        assert.ok(polls >= 1);
      });
    });

    it("active idle watchers keep host() turning without starving Node", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        let nodeTimerFired = false;
        setTimeout(() => {
          nodeTimerFired = true;
        }, 2);
        let calls = 0;
        new Idle(loop, (w) => {
          calls++;
          if (nodeTimerFired) w.stop();
        }).start();
        // The idle stops only once Node's timer has run: an idle that kept Node's loop from
        // turning would never get there.
        assert.equal(await loop.host(), false);
        assert.equal(nodeTimerFired, true);
        assert.ok(calls >= 1);
      });
    });

    it("io made readable by Node code wakes the hosted loop", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const p = testPipe();
        try {
          const seen: number[] = [];
          const io = new Io(loop, p.r, EV.READ, (w, revents) => {
            seen.push(revents);
            w.stop();
          });
          io.start();
          setTimeout(() => p.fill(), 2);
          assert.equal(await loop.host(), false);
          assert.deepEqual(seen, [EV.READ]);
        } finally {
          p.close();
        }
      });
    });

    it("two loops can be hosted at the same time", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        await withLoopAsync(backend, async (other) => {
          const log: string[] = [];
          new Timer(loop, 0.004, 0, () => log.push("loop")).start();
          new Timer(other, 0.001, 0, () => log.push("other")).start();
          assert.deepEqual(await Promise.all([loop.host(), other.host()]), [false, false]);
          assert.deepEqual([...log].sort(), ["loop", "other"]);
        });
      });
    });

    it("a hosted callback may run another loop in owned mode", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        await withLoopAsync(backend, async (other) => {
          const log: string[] = [];
          new Timer(loop, 0.001, 0, () => {
            new Timer(other, 0.001, 0, () => log.push("owned timer")).start();
            log.push(`owned run returned ${other.run()}`);
          }).start();
          assert.equal(await loop.host(), false);
          assert.deepEqual(log, ["owned timer", "owned run returned false"]);
        });
      });
    });

    it("a timer started from Node code while host() waits is scheduled", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const log: string[] = [];
        setTimeout(() => {
          new Timer(loop, 0.001, 0, () => {
            log.push("near");
            far.stop();
          }).start();
        }, 2);
        assert.equal(await loop.host(), false);
        assert.deepEqual(log, ["near"]);
      });
    });

    it("an io watcher started from Node code while host() waits is polled", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const p = testPipe();
        try {
          const seen: number[] = [];
          setTimeout(() => {
            new Io(loop, p.r, EV.READ, (w, revents) => {
              seen.push(revents);
              w.stop();
              far.stop();
            }).start();
            setTimeout(() => p.fill(), 2);
          }, 2);
          assert.equal(await loop.host(), false);
          assert.deepEqual(seen, [EV.READ]);
        } finally {
          p.close();
        }
      });
    });

    it("an event fed from Node code while host() waits is invoked", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const seen: number[] = [];
        const target = new Check(loop, (_w, revents) => {
          seen.push(revents);
          far.stop();
        });
        setTimeout(() => loop.feedEvent(target, EV.CUSTOM), 2);
        assert.equal(await loop.host(), false);
        assert.deepEqual(seen, [EV.CUSTOM]);
      });
    });

    it("async.send() from Node code wakes host()", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        let calls = 0;
        const a = new Async(loop, (w) => {
          calls++;
          w.stop();
        });
        a.start();
        setTimeout(() => a.send(), 2);
        assert.equal(await loop.host(), false);
        assert.equal(calls, 1);
      });
    });

    it("stopping the last watcher from Node code lets host() resolve", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const far = new Timer(loop, 100, 0, () => assert.fail("far timer fired"));
        far.start();
        setTimeout(() => far.stop(), 2);
        assert.equal(await loop.host(), false);
      });
    });

    it("a hosted callback may nest run() on the same loop", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const log: string[] = [];
        const inner = new Idle(loop, (w) => {
          log.push(`inner depth ${loop.depth}`);
          w.stop();
        });
        new Timer(loop, 0.001, 0, () => {
          inner.start();
          log.push(`nested returned ${loop.run()}`);
          log.push(`depth ${loop.depth}`);
        }).start();
        assert.equal(await loop.host(), false);
        assert.deepEqual(log, ["inner depth 2", "nested returned false", "depth 1"]);
        assert.equal(loop.depth, 0);
      });
    });

    it("depth is 1 in hosted callbacks and 0 once host() has resolved", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const depths: number[] = [];
        new Timer(loop, 0.001, 0, () => depths.push(loop.depth)).start();
        const hosted = loop.host();
        await hosted;
        depths.push(loop.depth);
        assert.deepEqual(depths, [1, 0]);
      });
    });

    it("break(ONE) resolves host() with true while watchers remain active", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        new Timer(loop, 0.001, 0, () => loop.break(BREAK.ONE)).start();
        assert.equal(await loop.host(), true);
        assert.equal(far.active, true);
        far.stop();
      });
    });

    it("host(RUN.NOWAIT) and host(RUN.ONCE) behave as in owned mode", LIMIT, async () => {
      await withLoopAsync(backend, async (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const start = loop.iteration;
        assert.equal(await loop.host(RUN.NOWAIT), true);
        assert.equal(loop.iteration, start + 1);
        let fired = 0;
        new Timer(loop, 0.003, 0, () => fired++).start();
        assert.equal(await loop.host(RUN.ONCE), true);
        assert.equal(fired, 1);
        far.stop();
      });
    });
  });
}
