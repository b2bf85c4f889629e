import assert from "node:assert/strict";
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
  Loop,
  Periodic,
  Prepare,
  RUN,
  Signal,
  Stat,
  Timer,
} from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { assertBadArgument, expectNoFdLeak, testPipe, withLoop } from "./_util.js";

/** Proves the loop still works: a timer fires and nothing is left pending. */
function assertUsable(loop: Loop): void {
  let fired = false;
  new Timer(loop, 0, 0, () => {
    fired = true;
  }).start();
  assert.equal(loop.run(), false);
  assert.equal(fired, true);
  assert.equal(loop.pendingCount, 0);
  assert.equal(loop.depth, 0);
}

describe("bad Loop options", () => {
  it("an unknown backend name is refused with an error naming it", () => {
    assertBadArgument(() => new Loop({ backend: "kqueue" as "epoll" }), "kqueue");
  });
});

for (const backend of BACKENDS) {
  describe(`${backend}: bad input is refused clearly and the loop stays usable`, () => {
    expectNoFdLeak();

    // Each bad value may be refused by the constructor or by start(): both count.
    const startWith = (make: () => { start(): void }) => () => make().start();

    for (const fd of [-1, 1.5, Number.NaN, "3" as unknown as number]) {
      it(`Io with fd ${String(fd)}`, () => {
        withLoop(backend, (loop) => {
          assertBadArgument(
            startWith(() => new Io(loop, fd, EV.READ, () => {})),
            fd,
          );
          assertUsable(loop);
        });
      });
    }

    for (const events of [EV.TIMER, -1, 0x1000000]) {
      it(`Io with event mask ${events}`, () => {
        withLoop(backend, (loop) => {
          const p = testPipe();
          try {
            assertBadArgument(
              startWith(() => new Io(loop, p.r, events, () => {})),
              events,
              `0x${(events >>> 0).toString(16)}`,
            );
            assertUsable(loop);
          } finally {
            p.close();
          }
        });
      });
    }

    for (const [after, repeat, bad] of [
      [Number.NaN, 0, Number.NaN],
      [-1, 0, -1],
      [Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY],
      [1, -0.5, -0.5],
      [1, Number.NaN, Number.NaN],
    ] as const) {
      it(`Timer(${after}, ${repeat})`, () => {
        withLoop(backend, (loop) => {
          assertBadArgument(
            startWith(() => new Timer(loop, after, repeat, () => {})),
            bad,
          );
          assertUsable(loop);
        });
      });
    }

    it("Timer.set and the repeat field refuse bad times", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 1, 0, () => {});
        assertBadArgument(() => t.set(Number.NaN, 0), Number.NaN);
        assertBadArgument(() => {
          t.repeat = -3;
          t.again();
        }, -3);
        assertUsable(loop);
      });
    });

    for (const [offset, interval, bad] of [
      [Number.NaN, 0, Number.NaN],
      [0, -1, -1],
      [0, Number.NaN, Number.NaN],
    ] as const) {
      it(`Periodic(${offset}, ${interval})`, () => {
        withLoop(backend, (loop) => {
          assertBadArgument(
            startWith(() => new Periodic(loop, offset, interval, null, () => {})),
            bad,
          );
          assertUsable(loop);
        });
      });
    }

    for (const bad of [Number.NaN, -1]) {
      it(`a Periodic reschedule callback returning ${bad === -1 ? "a time before now" : bad}`, () => {
        withLoop(backend, (loop) => {
          // libev asserts here; without the assert its periodic loop would spin forever.
          const p = new Periodic(
            loop,
            0,
            0,
            (_w, now) => (bad === -1 ? now - 1 : bad),
            () => {},
          );
          assert.throws(
            () => {
              p.start();
              loop.run(RUN.NOWAIT);
            },
            (err: unknown) => err instanceof RangeError && /reschedule/i.test(err.message),
          );
          p.stop();
          assertUsable(loop);
        });
      });
    }

    it("a reschedule callback that goes bad after firing leaves the loop consistent", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        const p = new Periodic(
          loop,
          0,
          0,
          (_w, now) => (++calls === 1 ? now + 0.001 : Number.NaN),
          () => {},
        );
        p.start();
        assert.throws(() => loop.run(), RangeError);
        assert.equal(loop.depth, 0);
        loop.verify();
        p.stop();
        assertUsable(loop);
      });
    });

    for (const sig of ["SIGFOO", "", "USR9"]) {
      it(`Signal with unknown name "${sig}"`, () => {
        withLoop(backend, (loop) => {
          assertBadArgument(
            startWith(() => new Signal(loop, sig, () => {})),
            sig,
          );
          assertUsable(loop);
        });
      });
    }

    for (const sig of [0, -1, 65, 1.5, Number.NaN]) {
      it(`Signal with number ${sig}`, () => {
        withLoop(backend, (loop) => {
          assertBadArgument(
            startWith(() => new Signal(loop, sig, () => {})),
            sig,
          );
          assertUsable(loop);
        });
      });
    }

    for (const pid of [-5, 1.5, Number.NaN]) {
      it(`Child with pid ${pid}`, () => {
        withLoop(backend, (loop) => {
          assertBadArgument(
            startWith(() => new Child(loop, pid, 0, () => {})),
            pid,
          );
          assertUsable(loop);
        });
      });
    }

    for (const interval of [-1, Number.NaN]) {
      it(`Stat with interval ${interval}`, () => {
        withLoop(backend, (loop) => {
          assertBadArgument(
            startWith(() => new Stat(loop, "/tmp", interval, () => {})),
            interval,
          );
          assertUsable(loop);
        });
      });
    }

    for (const pri of [3, -3, 0.5, Number.NaN]) {
      it(`priority ${pri}`, () => {
        withLoop(backend, (loop) => {
          const w = new Check(loop, () => {});
          assertBadArgument(() => {
            w.priority = pri;
          }, pri);
          assert.equal(w.priority, 0);
          assertUsable(loop);
        });
      });
    }

    it("set() on an active watcher is refused, naming the problem, and changes nothing", () => {
      withLoop(backend, (loop) => {
        const t = new Timer(loop, 100, 0, () => {});
        t.start();
        assert.throws(() => t.set(1, 0), /active/);
        assert.ok(t.remaining() > 99);
        t.stop();
        assertUsable(loop);
      });
    });

    it("every watcher type refuses set() while active and accepts it while inactive", () => {
      withLoop(backend, (loop) => {
        const p = testPipe();
        try {
          const noop = () => {};
          const cases: Array<[string, { start(): void; stop(): void }, () => void]> = [];
          const io = new Io(loop, p.r, EV.READ, noop);
          cases.push(["Io", io, () => io.set(p.r, EV.READ)]);
          const timer = new Timer(loop, 100, 0, noop);
          cases.push(["Timer", timer, () => timer.set(100, 0)]);
          const periodic = new Periodic(loop, 0, 100, null, noop);
          cases.push(["Periodic", periodic, () => periodic.set(0, 100, null)]);
          const signal = new Signal(loop, "SIGUSR2", noop);
          cases.push(["Signal", signal, () => signal.set("SIGUSR2")]);
          const child = new Child(loop, process.pid, 0, noop);
          cases.push(["Child", child, () => child.set(process.pid, 0)]);
          const stat = new Stat(loop, "/nonexistent/evnet", 100, noop);
          cases.push(["Stat", stat, () => stat.set("/nonexistent/evnet", 100)]);
          for (const W of [Idle, Prepare, Check, Fork, Cleanup, Async]) {
            const w = new W(loop, noop);
            cases.push([W.name, w, () => w.set()]);
          }
          for (const [name, w, set] of cases) {
            set();
            w.start();
            assert.throws(set, Error, `${name}.set() while active`);
            w.stop();
            set();
          }
          assertUsable(loop);
        } finally {
          p.close();
        }
      });
    });

    it("the collect intervals refuse negative and NaN values", () => {
      withLoop(backend, (loop) => {
        assertBadArgument(() => loop.setIoCollectInterval(-1), -1);
        assertBadArgument(() => loop.setTimeoutCollectInterval(Number.NaN), Number.NaN);
        assertUsable(loop);
      });
    });

    it("a watcher needs a callback function", () => {
      withLoop(backend, (loop) => {
        assert.throws(() => new Check(loop, undefined as unknown as () => void), TypeError);
        assertUsable(loop);
      });
    });
  });
}
