import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Check, EV, Idle, Io, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, testPipe, withLoop } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: Idle watchers`, () => {
    expectNoFdLeak();

    it("an idle watcher runs once per iteration with EV.IDLE and keeps the loop from blocking", () => {
      withLoop(backend, (loop) => {
        // Were the loop to block for the far timer, this test would take 100 s.
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const iterations: number[] = [];
        const idle = new Idle(loop, (w, revents) => {
          assert.equal(w, idle);
          assert.equal(revents, EV.IDLE);
          iterations.push(loop.iteration);
          if (iterations.length === 5) {
            w.stop();
            far.stop();
          }
        });
        idle.start();
        assert.equal(loop.run(), false);
        assert.equal(iterations.length, 5);
        for (let i = 1; i < 5; i++) assert.equal(iterations[i], iterations[0]! + i);
      });
    });

    it("idle watchers run in reverse start order; a stop moves the last into the gap", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const idles = ["A", "B", "C", "D"].map((name) => new Idle(loop, () => log.push(name)));
        for (const w of idles) w.start();
        idles[1]!.stop();
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["C", "D", "A"]);
        for (const w of idles) w.stop();
      });
    });

    for (const [ioPri, label] of [
      [1, "a higher"],
      [0, "the same"],
    ] as const) {
      it(`io pending at ${label} priority starves idle watchers`, () => {
        withLoop(backend, (loop) => {
          const p = testPipe(true);
          try {
            const log: string[] = [];
            const io = new Io(loop, p.r, EV.READ, (w) => {
              log.push("io");
              if (log.length === 3) w.stop();
            });
            io.priority = ioPri;
            const idle = new Idle(loop, (w) => {
              log.push("idle");
              w.stop();
            });
            io.start();
            idle.start();
            loop.run();
            assert.deepEqual(log, ["io", "io", "io", "idle"]);
          } finally {
            p.close();
          }
        });
      });
    }

    it("idle watchers run alongside events of lower priority, before them", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, () => log.push("io"));
          io.priority = -1;
          const idle = new Idle(loop, () => log.push("idle"));
          io.start();
          idle.start();
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["idle", "io"]);
          io.stop();
          idle.stop();
        } finally {
          p.close();
        }
      });
    });

    it("only the idle watchers of the highest idle priority run", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const high = new Idle(loop, (w) => {
          log.push("high");
          if (log.length === 3) w.stop();
        });
        high.priority = 1;
        const low = new Idle(loop, (w) => {
          log.push("low");
          w.stop();
        });
        low.priority = -1;
        low.start();
        high.start();
        loop.run();
        assert.deepEqual(log, ["high", "high", "high", "low"]);
      });
    });

    it("check watchers do not starve idle watchers: at one priority, check runs first", () => {
      // Check watchers are queued after the idle decision, so they never count as pending.
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const check = new Check(loop, () => log.push("check"));
        const idle = new Idle(loop, () => log.push("idle"));
        check.start();
        idle.start();
        loop.run(RUN.NOWAIT);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["check", "idle", "check", "idle"]);
        check.stop();
        idle.stop();
      });
    });

    it("an idle watcher holds a reference: run() keeps going until it stops", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        new Idle(loop, (w) => {
          if (++calls === 3) w.stop();
        }).start();
        assert.equal(loop.run(), false);
        assert.equal(calls, 3);
      });
    });
  });
}
