import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Cleanup, EV, Io, Loop, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, testPipe } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: Cleanup watchers and loop.destroy()`, () => {
    expectNoFdLeak();

    it("destroy() runs cleanup watchers once, newest first, with EV.CLEANUP", () => {
      const loop = new Loop({ backend });
      const log: string[] = [];
      for (const name of ["c1", "c2", "c3"]) {
        new Cleanup(loop, (_w, revents) => {
          assert.equal(revents, EV.CLEANUP);
          log.push(name);
        }).start();
      }
      loop.run(RUN.NOWAIT);
      assert.deepEqual(log, [], "run() does not invoke cleanup watchers");
      loop.destroy();
      assert.deepEqual(log, ["c3", "c2", "c1"]);
    });

    it("a cleanup watcher holds no reference: run() does one iteration and returns false", () => {
      const loop = new Loop({ backend });
      try {
        new Cleanup(loop, () => {}).start();
        const start = loop.iteration;
        assert.equal(loop.run(), false);
        assert.equal(loop.iteration, start + 1);
      } finally {
        loop.destroy();
      }
    });

    it("a stopped cleanup watcher is not run by destroy()", () => {
      const loop = new Loop({ backend });
      const log: string[] = [];
      const kept = new Cleanup(loop, () => log.push("kept"));
      const stopped = new Cleanup(loop, () => log.push("stopped"));
      kept.start();
      stopped.start();
      stopped.stop();
      loop.destroy();
      assert.deepEqual(log, ["kept"]);
    });

    it("cleanup callbacks can still stop the loop's other watchers", () => {
      const loop = new Loop({ backend });
      const p = testPipe(true);
      try {
        const io = new Io(loop, p.r, EV.READ, () => {});
        const timer = new Timer(loop, 100, 0, () => {});
        io.start();
        timer.start();
        new Cleanup(loop, () => {
          io.stop();
          timer.stop();
        }).start();
        loop.destroy();
        assert.equal(io.active, false);
        assert.equal(timer.active, false);
      } finally {
        p.close();
      }
    });

    it("starting any watcher on a destroyed loop throws, and the loop stays destroyed", () => {
      const loop = new Loop({ backend });
      const timer = new Timer(loop, 0.001, 0, () => {});
      loop.destroy();
      assert.throws(() => timer.start(), /destroy/);
      assert.equal(timer.active, false);
      assert.throws(() => new Cleanup(loop, () => {}).start(), /destroy/);
    });
  });
}
