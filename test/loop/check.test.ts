import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Check, EV, Io, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, testPipe, withLoop } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: Check watchers`, () => {
    expectNoFdLeak();

    it("a check watcher runs after every poll with EV.CHECK, even when nothing arrived", () => {
      withLoop(backend, (loop) => {
        const iterations: number[] = [];
        const check = new Check(loop, (w, revents) => {
          assert.equal(w, check);
          assert.equal(revents, EV.CHECK);
          iterations.push(loop.iteration);
        });
        check.start();
        let ticks = 0;
        new Timer(loop, 0.001, 0.001, (w) => {
          if (++ticks === 3) {
            w.stop();
            check.stop();
          }
        }).start();
        loop.run();
        assert.ok(iterations.length >= 3);
        for (let i = 1; i < iterations.length; i++) {
          assert.equal(iterations[i], iterations[i - 1]! + 1);
        }
      });
    });

    it("check watchers run in reverse start order; a stop moves the last into the gap", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const ws = ["A", "B", "C", "D"].map((name) => new Check(loop, () => log.push(name)));
        for (const w of ws) w.start();
        ws[1]!.stop();
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["C", "D", "A"]);
        for (const w of ws) w.stop();
      });
    });

    it("at one priority a check runs before io of the same iteration (queued last, popped first)", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, () => log.push("io"));
          const check = new Check(loop, () => log.push("check"));
          io.start();
          check.start();
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["check", "io"]);
          io.stop();
          check.stop();
        } finally {
          p.close();
        }
      });
    });

    it("a check at the lowest priority sees everything else of its iteration first", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, () => log.push("io"));
          const timer = new Timer(loop, 0, 0, () => log.push("timer"));
          const check = new Check(loop, () => log.push("check"));
          check.priority = -2;
          io.start();
          timer.start();
          check.start();
          loop.run(RUN.ONCE);
          assert.equal(log[log.length - 1], "check");
          assert.deepEqual([...log].sort(), ["check", "io", "timer"]);
          io.stop();
          check.stop();
        } finally {
          p.close();
        }
      });
    });

    it("a lone check watcher does not stop the loop from blocking in the poll", () => {
      // Unlike idle watchers, prepare and check watchers leave the poll timeout alone: with
      // a 20 ms timer as the only other watcher, the loop wakes about once, not hundreds of times.
      withLoop(backend, (loop) => {
        let calls = 0;
        const w = new Check(loop, () => calls++);
        w.start();
        new Timer(loop, 0.02, 0, () => w.stop()).start();
        assert.equal(loop.run(), false);
        assert.ok(calls >= 1 && calls <= 3, `${calls} calls`);
      });
    });
  });
}
