import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EV, Periodic, RUN } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, withLoop } from "./_util.js";

const EPS = 1e-6;

/** True when `x` is a whole multiple of `step`, allowing for float rounding at epoch scale. */
function isMultiple(x: number, step: number): boolean {
  const k = Math.round(x / step);
  return Math.abs(x - k * step) < 1e-4;
}

for (const backend of BACKENDS) {
  describe(`${backend}: Periodic watchers`, () => {
    expectNoFdLeak();

    it("now() is wall-clock time in seconds, the clock periodics are measured against", () => {
      withLoop(backend, (loop) => {
        loop.updateNow();
        assert.ok(Math.abs(loop.now() - Date.now() / 1000) < 60, `now() = ${loop.now()}`);
      });
    });

    it("an absolute periodic fires once, not before its time, and is then inactive", () => {
      withLoop(backend, (loop) => {
        const at = loop.now() + 0.005;
        const seen: Array<[number, boolean]> = [];
        let firedNow = 0;
        const p = new Periodic(loop, at, 0, null, (w, revents) => {
          assert.equal(w, p);
          seen.push([revents, w.active]);
          firedNow = loop.now();
        });
        p.start();
        assert.ok(Math.abs(p.at() - at) < EPS);
        assert.equal(loop.run(), false);
        assert.deepEqual(seen, [[EV.PERIODIC, false]]);
        assert.ok(firedNow >= at, `fired at ${firedNow}, scheduled for ${at}`);
      });
    });

    it("an absolute periodic whose time has passed fires in the first iteration", () => {
      withLoop(backend, (loop) => {
        const start = loop.iteration;
        let firedAt = -1;
        new Periodic(loop, loop.now() - 10, 0, null, () => {
          firedAt = loop.iteration;
        }).start();
        loop.run();
        assert.equal(firedAt, start + 1);
      });
    });

    it("interval with offset: at() is the first offset + k * interval after now", () => {
      withLoop(backend, (loop) => {
        const p = new Periodic(loop, 3, 10, null, () => {});
        p.start();
        const at = p.at();
        assert.ok(at > loop.now(), `at ${at} is not after now ${loop.now()}`);
        assert.ok(at <= loop.now() + 10 + EPS, `at ${at} is more than one interval ahead`);
        assert.ok(isMultiple(at - 3, 10), `at ${at} is not 3 + k * 10`);
        p.stop();
      });
    });

    it("an interval periodic fires repeatedly, stays active and moves at() forward", () => {
      withLoop(backend, (loop) => {
        const ats: number[] = [];
        const p = new Periodic(loop, 0, 0.002, null, (w, revents) => {
          assert.equal(revents, EV.PERIODIC);
          assert.equal(w.active, true);
          assert.ok(w.at() > loop.now());
          ats.push(w.at());
          if (ats.length === 3) w.stop();
        });
        p.start();
        assert.equal(loop.run(), false);
        assert.equal(ats.length, 3);
        for (let i = 1; i < ats.length; i++) assert.ok(ats[i]! > ats[i - 1]!);
        for (const at of ats) assert.ok(isMultiple(at, 0.002), `at ${at}`);
      });
    });

    it("the reschedule callback gets the watcher and now, and decides the next time", () => {
      withLoop(backend, (loop) => {
        const calls: Array<[Periodic, number]> = [];
        let fired = 0;
        const reschedule = (w: Periodic, now: number): number => {
          calls.push([w, now]);
          return now + 0.002;
        };
        const p = new Periodic(loop, 0, 0, reschedule, (w) => {
          assert.equal(w.active, true);
          const [, lastNow] = calls[calls.length - 1]!;
          assert.ok(Math.abs(w.at() - (lastNow + 0.002)) < EPS);
          if (++fired === 2) w.stop();
        });
        p.start();
        assert.ok(calls.length >= 1, "reschedule is consulted on start");
        assert.equal(calls[0]![0], p);
        assert.ok(Math.abs(calls[0]![1] - loop.now()) < EPS);
        assert.ok(Math.abs(p.at() - (loop.now() + 0.002)) < EPS);
        loop.run();
        assert.equal(fired, 2);
        assert.ok(calls.length >= 3, "reschedule is consulted after each firing");
      });
    });

    it("offset, interval and reschedule are writable fields; again() applies them", () => {
      withLoop(backend, (loop) => {
        let fired = 0;
        const p = new Periodic(loop, loop.now() + 1000, 0, null, () => fired++);
        p.start();
        assert.equal(p.interval, 0);
        assert.equal(p.reschedule, null);
        p.offset = loop.now() - 1;
        assert.ok(p.at() > loop.now() + 999, "a field write alone does not reschedule");
        p.again();
        assert.ok(Math.abs(p.at() - p.offset) < EPS);
        loop.run();
        assert.equal(fired, 1);
      });
    });

    it("set() is refused while active and takes effect after stop", () => {
      withLoop(backend, (loop) => {
        const p = new Periodic(loop, loop.now() + 1000, 0, null, () => {});
        p.start();
        assert.throws(() => p.set(0, 5, null), Error);
        p.stop();
        p.set(0, 5, null);
        p.start();
        assert.ok(isMultiple(p.at(), 5));
        p.stop();
      });
    });

    it("periodics that expired together run earliest first", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const now = loop.now();
        new Periodic(loop, now - 2, 0, null, () => log.push("p-2")).start();
        new Periodic(loop, now - 5, 0, null, () => log.push("p-5")).start();
        new Periodic(loop, now - 3, 0, null, () => log.push("p-3")).start();
        loop.run(RUN.ONCE);
        assert.deepEqual(log, ["p-5", "p-3", "p-2"]);
      });
    });
  });
}
