import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Periodic, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, sleepMs, withLoop } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: suspend and resume`, () => {
    expectNoFdLeak();

    it("time spent suspended does not count against timers", () => {
      withLoop(backend, (loop) => {
        loop.updateNow();
        const t = new Timer(loop, 1, 0, () => {});
        t.start();
        loop.suspend();
        sleepMs(100);
        loop.resume();
        // Without suspend/resume at most 0.9 s would be left (see the next test).
        assert.ok(t.remaining() > 0.95, `remaining ${t.remaining()}`);
        t.stop();
      });
    });

    it("without suspend, the same sleep makes the timer overdue", () => {
      withLoop(backend, (loop) => {
        loop.updateNow();
        const t = new Timer(loop, 1, 0, () => {});
        t.start();
        sleepMs(100);
        loop.updateNow();
        assert.ok(t.remaining() <= 0.9, `remaining ${t.remaining()}`);
        t.stop();
      });
    });

    it("absolute periodics keep their wall-clock time across a suspension", () => {
      withLoop(backend, (loop) => {
        const at = loop.now() + 0.05;
        let fired = 0;
        const p = new Periodic(loop, at, 0, null, () => fired++);
        p.start();
        loop.suspend();
        sleepMs(100);
        loop.resume();
        assert.ok(Math.abs(p.at() - at) < 1e-6);
        loop.run();
        assert.equal(fired, 1);
      });
    });

    it("the loop runs normally after resume()", () => {
      withLoop(backend, (loop) => {
        loop.suspend();
        loop.resume();
        let fired = false;
        new Timer(loop, 0.001, 0, () => {
          fired = true;
        }).start();
        assert.equal(loop.run(), false);
        assert.equal(fired, true);
      });
    });
  });
}
