import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import {
  Async,
  Check,
  Child,
  Cleanup,
  EV,
  Fork,
  Idle,
  Io,
  type Loop,
  Periodic,
  Prepare,
  RUN,
  Signal,
  Stat,
  Timer,
  type Watcher,
} from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, testPipe, warmUpChildProcess, withLoop } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: references (ref/unref) and what keeps run() going`, () => {
    expectNoFdLeak(warmUpChildProcess);

    it("an unref'd timer does not keep run() alive and stays active", () => {
      withLoop(backend, (loop) => {
        let fired = false;
        // Short, so that a loop wrongly waiting for it fails the test instead of hanging.
        const t = new Timer(loop, 0.05, 0, () => {
          fired = true;
        });
        t.start();
        loop.unref();
        const start = loop.iteration;
        assert.equal(loop.run(), false);
        assert.equal(loop.iteration, start + 1);
        assert.equal(fired, false);
        assert.equal(t.active, true);
        // ev.pod: take the reference back before stopping an unref'd watcher.
        loop.ref();
        t.stop();
      });
    });

    it("an unref'd watcher still fires while something else keeps the loop running", () => {
      withLoop(backend, (loop) => {
        let ticks = 0;
        const ticker = new Timer(loop, 0.001, 0.001, () => ticks++);
        ticker.start();
        loop.unref();
        let done = false;
        new Timer(loop, 0.02, 0, () => {
          done = true;
        }).start();
        assert.equal(loop.run(), false);
        assert.equal(done, true);
        assert.ok(ticks >= 1, "the unref'd repeating timer fired before the referenced one");
        assert.equal(ticker.active, true);
        loop.ref();
        ticker.stop();
      });
    });

    it("ref() after unref() makes the watcher count again", () => {
      withLoop(backend, (loop) => {
        let fired = false;
        new Timer(loop, 0.002, 0, () => {
          fired = true;
        }).start();
        loop.unref();
        loop.ref();
        assert.equal(loop.run(), false);
        assert.equal(fired, true);
      });
    });

    it("every active watcher type holds a reference, except Cleanup", async () => {
      const sleeper = spawn("sleep", ["30"], { stdio: "ignore" });
      const p = testPipe();
      try {
        withLoop(backend, (loop) => {
          const noop = () => {};
          const cases: Array<[string, (l: Loop) => Watcher, boolean]> = [
            ["Io", (l) => new Io(l, p.w, EV.READ, noop), true],
            ["Timer", (l) => new Timer(l, 100, 0, noop), true],
            ["Periodic", (l) => new Periodic(l, l.now() + 100, 0, null, noop), true],
            ["Signal", (l) => new Signal(l, "SIGUSR2", noop), true],
            ["Child", (l) => new Child(l, sleeper.pid!, 0, noop), true],
            ["Idle", (l) => new Idle(l, noop), true],
            ["Prepare", (l) => new Prepare(l, noop), true],
            ["Check", (l) => new Check(l, noop), true],
            ["Fork", (l) => new Fork(l, noop), true],
            ["Async", (l) => new Async(l, noop), true],
            ["Stat", (l) => new Stat(l, "/nonexistent/evnet", 100, noop), true],
            ["Cleanup", (l) => new Cleanup(l, noop), false],
          ];
          for (const [name, make, holds] of cases) {
            const w = make(loop);
            w.start();
            assert.equal(loop.run(RUN.NOWAIT), holds, `${name} active`);
            w.stop();
            assert.equal(loop.run(RUN.NOWAIT), false, `${name} stopped`);
          }
        });
      } finally {
        p.close();
        sleeper.kill();
      }
      await once(sleeper, "exit");
    });
  });
}
