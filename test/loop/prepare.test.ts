import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Check, EV, Io, Prepare, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, testPipe, withLoop } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: Prepare watchers`, () => {
    expectNoFdLeak();

    it("prepare runs before the poll, io during it, check after it", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const prepare = new Prepare(loop, (w, revents) => {
            assert.equal(w, prepare);
            assert.equal(revents, EV.PREPARE);
            log.push(`prepare@${loop.iteration}`);
          });
          const io = new Io(loop, p.r, EV.READ, () => log.push(`io@${loop.iteration}`));
          const check = new Check(loop, (_w, revents) => {
            assert.equal(revents, EV.CHECK);
            log.push(`check@${loop.iteration}`);
          });
          // Give check the lowest priority so that it is also invoked after io.
          check.priority = -2;
          prepare.start();
          io.start();
          check.start();
          const i = loop.iteration;
          loop.run(RUN.ONCE);
          // The iteration counter moves between prepare and the poll.
          assert.deepEqual(log, [`prepare@${i}`, `io@${i + 1}`, `check@${i + 1}`]);
          prepare.stop();
          io.stop();
          check.stop();
        } finally {
          p.close();
        }
      });
    });

    it("prepare watchers run in reverse start order; a stop moves the last into the gap", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const ws = ["A", "B", "C", "D"].map((name) => new Prepare(loop, () => log.push(name)));
        for (const w of ws) w.start();
        ws[1]!.stop();
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["C", "D", "A"]);
        for (const w of ws) w.stop();
      });
    });

    it("an io watcher started in a prepare callback is polled in that same iteration", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, () => log.push("io"));
          const prepare = new Prepare(loop, (w) => {
            log.push("prepare");
            io.start();
            w.stop();
          });
          // Keeps ONCE from waiting forever if the io is not polled.
          const safety = new Timer(loop, 0.05, 0, () => log.push("timeout"));
          prepare.start();
          safety.start();
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["prepare", "io"]);
          io.stop();
          safety.stop();
        } finally {
          p.close();
        }
      });
    });

    it("a timer started in a prepare callback counts for this iteration's timeout", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const far = new Timer(loop, 100, 0, () => log.push("far"));
        far.start();
        const prepare = new Prepare(loop, (w) => {
          new Timer(loop, 0.002, 0, () => {
            log.push("near");
            far.stop();
          }).start();
          w.stop();
        });
        prepare.start();
        loop.run();
        assert.deepEqual(log, ["near"]);
      });
    });

    it("a lone prepare watcher does not stop the loop from blocking in the poll", () => {
      // Unlike idle watchers, prepare and check watchers leave the poll timeout alone: with
      // a 20 ms timer as the only other watcher, the loop wakes about once, not hundreds of times.
      withLoop(backend, (loop) => {
        let calls = 0;
        const w = new Prepare(loop, () => calls++);
        w.start();
        new Timer(loop, 0.02, 0, () => w.stop()).start();
        assert.equal(loop.run(), false);
        assert.ok(calls >= 1 && calls <= 3, `${calls} calls`);
      });
    });
  });
}
