import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EV, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, sleepMs, withLoop } from "./_util.js";

/** Float noise allowed when comparing times computed as (now + x) - now. */
const EPS = 1e-6;

for (const backend of BACKENDS) {
  describe(`${backend}: Timer watchers`, () => {
    expectNoFdLeak();

    it("a one-shot timer fires once with EV.TIMER and is inactive in its callback", () => {
      withLoop(backend, (loop) => {
        const seen: Array<[number, boolean]> = [];
        const t = new Timer(loop, 0.001, 0, (w, revents) => {
          assert.equal(w, t);
          seen.push([revents, w.active]);
        });
        t.start();
        assert.equal(t.active, true);
        assert.equal(loop.run(), false);
        assert.deepEqual(seen, [[EV.TIMER, false]]);
        assert.equal(t.active, false);
      });
    });

    it("a timer with after = 0 fires in the first iteration", () => {
      withLoop(backend, (loop) => {
        const start = loop.iteration;
        let firedAt = -1;
        new Timer(loop, 0, 0, () => {
          firedAt = loop.iteration;
        }).start();
        loop.run();
        assert.equal(firedAt, start + 1);
      });
    });

    it("a pending timer keeps run() going until it fires", () => {
      withLoop(backend, (loop) => {
        let fired = false;
        new Timer(loop, 0.005, 0, () => {
          fired = true;
        }).start();
        loop.run();
        assert.equal(fired, true);
      });
    });

    it("a repeating timer fires until stopped and stays active in its callback", () => {
      withLoop(backend, (loop) => {
        const active: boolean[] = [];
        const t = new Timer(loop, 0.001, 0.001, (w) => {
          active.push(w.active);
          if (active.length === 3) w.stop();
        });
        t.start();
        assert.equal(loop.run(), false);
        assert.deepEqual(active, [true, true, true]);
        assert.equal(t.active, false);
      });
    });

    it("a late repeating timer fires at most once per iteration instead of catching up", () => {
      // libev: ev_at += repeat, and if that is still in the past, ev_at = now.
      withLoop(backend, (loop) => {
        const iterations: number[] = [];
        const remaining: number[] = [];
        new Timer(loop, 0.001, 0.001, (w) => {
          iterations.push(loop.iteration);
          remaining.push(w.remaining());
          if (iterations.length === 1) sleepMs(20);
          if (iterations.length === 4) w.stop();
        }).start();
        loop.run();
        assert.equal(new Set(iterations).size, iterations.length);
        // The firing after the stall was rescheduled to exactly `now`, not to a later slot of
        // the original 1 ms grid.
        assert.equal(remaining[1], 0);
      });
    });

    it("timers that expired together run earliest deadline first, whatever the start order", () => {
      withLoop(backend, (loop) => {
        const log: number[] = [];
        for (const after of [0.003, 0.001, 0.002]) {
          new Timer(loop, after, 0, () => log.push(after)).start();
        }
        sleepMs(10);
        loop.run(RUN.ONCE);
        assert.deepEqual(log, [0.001, 0.002, 0.003]);
      });
    });

    it("equal-deadline timers come out in libev's 4-heap order: first, then last to second", () => {
      // Observed with libev 4.33: N timers started with the same `after` at the same `now`
      // fire as T0, T(N-1), T(N-2), ..., T1.
      withLoop(backend, (loop) => {
        for (const n of [2, 3, 5, 9]) {
          const log: number[] = [];
          for (let i = 0; i < n; i++) new Timer(loop, 0.001, 0, () => log.push(i)).start();
          sleepMs(5);
          loop.run();
          const expected = [0];
          for (let i = n - 1; i >= 1; i--) expected.push(i);
          assert.deepEqual(log, expected, `${n} timers`);
        }
      });
    });

    it("remaining() of a new timer is its after value", () => {
      withLoop(backend, (loop) => {
        assert.equal(new Timer(loop, 5, 0, () => {}).remaining(), 5);
      });
    });

    it("remaining() of an active timer counts down as now moves", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 0, () => {});
        t.start();
        assert.ok(Math.abs(t.remaining() - 1) < EPS);
        sleepMs(20);
        loop.updateNow();
        assert.ok(t.remaining() < 0.99, `remaining ${t.remaining()}`);
        t.stop();
      });
    });

    it("a timer stopped and restarted without set() resumes with the time it had left", () => {
      // libev: ev_timer_stop stores ev_at - now, ev_timer_start adds now back.
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 0, () => {});
        t.start();
        sleepMs(30);
        loop.updateNow();
        t.stop();
        const left = t.remaining();
        assert.ok(left > 0 && left <= 0.975, `left ${left}`);
        t.start();
        assert.ok(Math.abs(t.remaining() - left) < EPS, `restarted with ${t.remaining()}`);
        t.stop();
        t.set(1, 0);
        t.start();
        assert.ok(Math.abs(t.remaining() - 1) < EPS);
        t.stop();
      });
    });

    it("a fired one-shot timer restarted without set() fires again on the next iteration", () => {
      // After firing, the stored remainder is <= 0, so a plain start() expires at once.
      withLoop(backend, (loop) => {
        const iterations: number[] = [];
        new Timer(loop, 0.003, 0, (w) => {
          iterations.push(loop.iteration);
          if (iterations.length < 3) w.start();
        }).start();
        loop.run();
        assert.equal(iterations.length, 3);
        assert.deepEqual(iterations, [iterations[0], iterations[0]! + 1, iterations[0]! + 2]);
      });
    });

    it("again() on an inactive timer without repeat does nothing", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 0, () => {});
        t.again();
        assert.equal(t.active, false);
      });
    });

    it("again() on an inactive repeating timer starts it with the repeat value", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 7, () => {});
        t.again();
        assert.equal(t.active, true);
        assert.ok(Math.abs(t.remaining() - 7) < EPS);
        t.stop();
      });
    });

    it("again() on an active timer whose repeat is 0 stops it", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 7, () => {});
        t.start();
        t.repeat = 0;
        t.again();
        assert.equal(t.active, false);
      });
    });

    it("again() on an active repeating timer restarts it at repeat from now", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 3, () => {});
        t.start();
        t.again();
        assert.equal(t.active, true);
        assert.ok(Math.abs(t.remaining() - 3) < EPS);
        t.stop();
      });
    });

    it("again() moves the earliest timer behind later ones", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const first = new Timer(loop, 0.001, 5, () => log.push("first"));
        const second = new Timer(loop, 0.002, 0, () => log.push("second"));
        const third = new Timer(loop, 0.003, 0, () => log.push("third"));
        first.start();
        second.start();
        third.start();
        first.again();
        sleepMs(5);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["second", "third"]);
        assert.equal(first.active, true);
        first.stop();
      });
    });

    it("again() clears a pending event of the timer", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        const t = new Timer(loop, 1, 3, () => calls++);
        t.start();
        loop.feedEvent(t, EV.TIMER);
        assert.equal(t.pending, true);
        t.again();
        assert.equal(t.pending, false);
        loop.invokePending();
        assert.equal(calls, 0);
        t.stop();
      });
    });

    it("again() as an inactivity timeout: each call pushes the expiry back", () => {
      // ev.pod, "Be smart about timeouts", method 2.
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const timeout = new Timer(loop, 0, 0.25, (w) => {
          log.push("timeout");
          w.stop();
        });
        timeout.again();
        let activity = 0;
        const busy = new Timer(loop, 0.002, 0.002, (w) => {
          log.push("activity");
          timeout.again();
          if (++activity === 5) w.stop();
        });
        busy.start();
        loop.run();
        assert.deepEqual(log, [
          "activity",
          "activity",
          "activity",
          "activity",
          "activity",
          "timeout",
        ]);
        timeout.stop();
      });
    });

    it("repeat is writable; setting it to 0 stops the timer at its next expiry", () => {
      // The firing that changed repeat was already rescheduled, so one more firing follows.
      withLoop(backend, (loop) => {
        const active: boolean[] = [];
        const t = new Timer(loop, 0.001, 0.001, (w) => {
          active.push(w.active);
          w.repeat = 0;
        });
        t.start();
        assert.equal(t.repeat, 0.001);
        loop.run();
        assert.deepEqual(active, [true, false]);
      });
    });

    it("set() is refused while the timer is active", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 0, () => {});
        t.start();
        assert.throws(() => t.set(2, 0), Error);
        assert.ok(Math.abs(t.remaining() - 1) < EPS);
        t.stop();
      });
    });

    it("a timer started in a callback of the same iteration waits for the next poll", () => {
      withLoop(backend, (loop) => {
        const iterations: number[] = [];
        new Timer(loop, 0, 0, () => {
          iterations.push(loop.iteration);
          new Timer(loop, 0, 0, () => iterations.push(loop.iteration)).start();
        }).start();
        loop.run();
        assert.equal(iterations.length, 2);
        assert.ok(iterations[1]! > iterations[0]!);
      });
    });
  });
}
