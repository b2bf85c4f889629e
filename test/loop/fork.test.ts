import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Check, EV, Fork, Io, Prepare, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, openFdCount, testPipe, withLoop } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: Fork watchers and loop.fork()`, () => {
    expectNoFdLeak();

    it("fork watchers run only in the iteration after loop.fork(), with EV.FORK", () => {
      withLoop(backend, (loop) => {
        const seen: number[] = [];
        const fork = new Fork(loop, (w, revents) => {
          assert.equal(w, fork);
          seen.push(revents);
        });
        fork.start();
        loop.run(RUN.NOWAIT);
        assert.deepEqual(seen, []);
        loop.fork();
        loop.run(RUN.NOWAIT);
        assert.deepEqual(seen, [EV.FORK]);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(seen, [EV.FORK]);
        fork.stop();
      });
    });

    it("order after fork(): earlier pending events, then fork watchers newest first, then prepare", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const fed = new Check(loop, () => log.push("fed"));
        const f1 = new Fork(loop, () => log.push("f1"));
        const f2 = new Fork(loop, () => log.push("f2"));
        const prepare = new Prepare(loop, () => log.push("prepare"));
        f1.start();
        f2.start();
        prepare.start();
        loop.fork();
        loop.feedEvent(fed, EV.CUSTOM);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["fed", "f2", "f1", "prepare"]);
        f1.stop();
        f2.stop();
        prepare.stop();
      });
    });

    it("io and timer watchers keep working after the kernel state is recreated", () => {
      withLoop(backend, (loop) => {
        const p = testPipe();
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, (w) => {
            log.push("io");
            w.stop();
          });
          io.start();
          loop.run(RUN.NOWAIT);
          loop.fork();
          const fds = openFdCount();
          loop.run(RUN.NOWAIT);
          assert.equal(openFdCount(), fds, "fork() must not leak the old kernel state");
          new Timer(loop, 0.001, 0, () => {
            log.push("timer");
            p.fill();
          }).start();
          loop.run();
          assert.deepEqual(log, ["timer", "io"]);
        } finally {
          p.close();
        }
      });
    });

    it("a fork watcher holds a reference like any active watcher", () => {
      withLoop(backend, (loop) => {
        const fork = new Fork(loop, () => {});
        fork.start();
        assert.equal(loop.run(RUN.NOWAIT), true);
        fork.stop();
        assert.equal(loop.run(RUN.NOWAIT), false);
      });
    });
  });
}
