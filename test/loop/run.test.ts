import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BREAK, Check, EV, Idle, Io, Loop, Prepare, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, sleepMs, testPipe, withLoop } from "./_util.js";

describe("Loop construction", () => {
  it("the default backend is epoll", () => {
    const loop = new Loop();
    try {
      assert.equal(loop.backend, "epoll");
    } finally {
      loop.destroy();
    }
  });
});

for (const backend of BACKENDS) {
  describe(`${backend}: run, break and depth`, () => {
    expectNoFdLeak();

    it("reports the backend it was created with", () => {
      withLoop(backend, (loop) => assert.equal(loop.backend, backend));
    });

    it("run() with nothing active does exactly one iteration and returns false", () => {
      withLoop(backend, (loop) => {
        const start = loop.iteration;
        assert.equal(loop.run(), false);
        assert.equal(loop.iteration, start + 1);
      });
    });

    it("run() returns false once the last watcher stops itself", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        new Timer(loop, 0.001, 0.001, (w) => {
          if (++calls === 2) w.stop();
        }).start();
        assert.equal(loop.run(), false);
        assert.equal(calls, 2);
      });
    });

    it("run() returns true when break(ONE) stops it while watchers are still active", () => {
      withLoop(backend, (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        new Timer(loop, 0.001, 0, () => loop.break(BREAK.ONE)).start();
        assert.equal(loop.run(), true);
        assert.equal(far.active, true);
        far.stop();
      });
    });

    it("break() with no argument is BREAK.ONE", () => {
      withLoop(backend, (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const log: string[] = [];
        const inner = new Idle(loop, () => {
          log.push("inner");
          loop.break();
        });
        // Started only once the inner run is over, so that it cannot be pending before.
        const later = new Timer(loop, 0.001, 0, () => {
          log.push("outer goes on");
          far.stop();
        });
        new Timer(loop, 0, 0, () => {
          inner.start();
          loop.run();
          inner.stop();
          log.push("inner returned");
          later.start();
        }).start();
        assert.equal(loop.run(), false);
        assert.deepEqual(log, ["inner", "inner returned", "outer goes on"]);
      });
    });

    it("RUN.NOWAIT polls once without blocking and returns true while watchers remain", () => {
      withLoop(backend, (loop) => {
        const far = new Timer(loop, 100, 0, () => assert.fail("far timer fired"));
        far.start();
        const start = loop.iteration;
        assert.equal(loop.run(RUN.NOWAIT), true);
        assert.equal(loop.iteration, start + 1);
        far.stop();
      });
    });

    it("RUN.NOWAIT handles events that are ready", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          let revents = 0;
          const io = new Io(loop, p.r, EV.READ, (_w, ev) => {
            revents = ev;
          });
          io.start();
          assert.equal(loop.run(RUN.NOWAIT), true);
          assert.equal(revents, EV.READ);
          io.stop();
        } finally {
          p.close();
        }
      });
    });

    it("RUN.ONCE blocks until the first event, handles it and returns", () => {
      withLoop(backend, (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        let fired = 0;
        new Timer(loop, 0.005, 0, () => fired++).start();
        const start = loop.iteration;
        assert.equal(loop.run(RUN.ONCE), true);
        assert.equal(fired, 1);
        assert.equal(loop.iteration, start + 1);
        far.stop();
      });
    });

    it("RUN.ONCE returns false when the event it handled left nothing active", () => {
      withLoop(backend, (loop) => {
        new Timer(loop, 0.001, 0, () => {}).start();
        assert.equal(loop.run(RUN.ONCE), false);
      });
    });

    it("depth is 0 outside run(), 1 in its callbacks and 2 in a nested run()", () => {
      withLoop(backend, (loop) => {
        const depths: number[] = [loop.depth];
        const inner = new Timer(loop, 0, 0, () => depths.push(loop.depth));
        new Timer(loop, 0, 0, () => {
          depths.push(loop.depth);
          inner.start();
          loop.run();
          depths.push(loop.depth);
        }).start();
        loop.run();
        depths.push(loop.depth);
        assert.deepEqual(depths, [0, 1, 2, 1, 0]);
      });
    });

    it("break(ONE) in a nested run() ends only the inner run; the outer one goes on", () => {
      withLoop(backend, (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const log: string[] = [];
        let innerCalls = 0;
        const innerIdle = new Idle(loop, () => {
          log.push(`inner@${loop.depth}`);
          if (++innerCalls === 2) loop.break(BREAK.ONE);
        });
        const later = new Timer(loop, 0.001, 0, () => {
          log.push(`later timer@${loop.depth}`);
          far.stop();
        });
        new Timer(loop, 0, 0, () => {
          innerIdle.start();
          const innerResult = loop.run();
          innerIdle.stop();
          log.push(`inner returned ${innerResult}`);
          later.start();
        }).start();
        const outerResult = loop.run();
        assert.deepEqual(log, ["inner@2", "inner@2", "inner returned true", "later timer@1"]);
        assert.equal(outerResult, false);
        assert.equal(loop.depth, 0);
      });
    });

    it("break(ALL) in a nested run() ends the inner and the outer run", () => {
      withLoop(backend, (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        const log: string[] = [];
        const innerIdle = new Idle(loop, () => {
          log.push(`inner@${loop.depth}`);
          loop.break(BREAK.ALL);
        });
        const later = new Timer(loop, 0.001, 0, () => log.push("later timer"));
        new Timer(loop, 0, 0, () => {
          innerIdle.start();
          const innerResult = loop.run();
          innerIdle.stop();
          log.push(`inner returned ${innerResult}`);
          later.start();
        }).start();
        const outerResult = loop.run();
        assert.deepEqual(log, ["inner@2", "inner returned true"]);
        assert.equal(outerResult, true);
        assert.equal(loop.depth, 0);
        assert.equal(later.active, true);
        far.stop();
        later.stop();
      });
    });

    it("break(CANCEL) undoes a break called earlier in the same callback", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        new Timer(loop, 0.001, 0.001, (w) => {
          calls++;
          if (calls === 1) {
            loop.break(BREAK.ONE);
            loop.break(BREAK.CANCEL);
          }
          if (calls === 3) {
            loop.break(BREAK.ONE);
            w.stop();
          }
        }).start();
        loop.run();
        assert.equal(calls, 3);
      });
    });

    it("a break() called before run() is forgotten when run() starts", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        loop.break(BREAK.ALL);
        new Timer(loop, 0.001, 0, () => log.push("t1")).start();
        new Timer(loop, 0.004, 0, () => log.push("t2")).start();
        assert.equal(loop.run(), false);
        assert.deepEqual(log, ["t1", "t2"]);
      });
    });

    it("after a break(ALL) run, the next run() starts fresh", () => {
      withLoop(backend, (loop) => {
        const far = new Timer(loop, 100, 0, () => {});
        far.start();
        new Timer(loop, 0, 0, () => loop.break(BREAK.ALL)).start();
        assert.equal(loop.run(), true);
        let fired = false;
        new Timer(loop, 0.001, 0, () => {
          fired = true;
          far.stop();
        }).start();
        assert.equal(loop.run(), false);
        assert.equal(fired, true);
      });
    });

    it("break(ONE) from a prepare callback returns before polling: no iteration, no io", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const prepare = new Prepare(loop, () => {
            log.push("prepare");
            loop.break(BREAK.ONE);
          });
          const io = new Io(loop, p.r, EV.READ, () => log.push("io"));
          prepare.start();
          io.start();
          const start = loop.iteration;
          assert.equal(loop.run(), true);
          assert.deepEqual(log, ["prepare"]);
          assert.equal(loop.iteration, start);
          prepare.stop();
          io.stop();
        } finally {
          p.close();
        }
      });
    });

    it("events pending before run() are invoked before the first iteration's prepare", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const fed = new Check(loop, (_w, revents) => log.push(`fed ${revents}`));
        const prepare = new Prepare(loop, () => log.push("prepare"));
        prepare.start();
        loop.feedEvent(fed, EV.CUSTOM);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, [`fed ${EV.CUSTOM}`, "prepare"]);
        prepare.stop();
      });
    });

    it("a nested run() first invokes the rest of the outer iteration's pending watchers", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const a = new Check(loop, () => log.push("A"));
        const b = new Check(loop, () => log.push("B"));
        const c = new Check(loop, () => {
          log.push("C begins");
          loop.run(RUN.NOWAIT);
          log.push("C ends");
        });
        const prepare = new Prepare(loop, () => log.push("prepare"));
        prepare.start();
        loop.feedEvent(a, EV.CUSTOM);
        loop.feedEvent(b, EV.CUSTOM);
        loop.feedEvent(c, EV.CUSTOM);
        loop.invokePending();
        // B and A come before the nested run's first prepare, not after it.
        assert.deepEqual(log, ["C begins", "B", "A", "prepare", "C ends"]);
        prepare.stop();
      });
    });

    it("a callback may run another loop to completion", () => {
      withLoop(backend, (loop) => {
        withLoop(backend, (other) => {
          const log: string[] = [];
          new Timer(loop, 0, 0, () => {
            new Timer(other, 0.002, 0, () => log.push(`other depth ${other.depth}`)).start();
            log.push(`other returned ${other.run()}`);
            log.push(`depth ${loop.depth}`);
          }).start();
          loop.run();
          assert.deepEqual(log, ["other depth 1", "other returned false", "depth 1"]);
        });
      });
    });

    it("iteration counts polls, one per RUN.NOWAIT", () => {
      withLoop(backend, (loop) => {
        const start = loop.iteration;
        loop.run(RUN.NOWAIT);
        loop.run(RUN.NOWAIT);
        loop.run(RUN.NOWAIT);
        assert.equal(loop.iteration, start + 3);
      });
    });

    it("now() is cached for the iteration; updateNow() refreshes it", () => {
      withLoop(backend, (loop) => {
        const seen: number[] = [];
        new Timer(loop, 0, 0, () => {
          seen.push(loop.now());
          sleepMs(5);
          seen.push(loop.now());
          loop.updateNow();
          seen.push(loop.now());
        }).start();
        loop.run();
        assert.equal(seen[0], seen[1]);
        assert.ok(seen[2]! >= seen[1]! + 0.004, `now moved by ${seen[2]! - seen[1]!}`);
      });
    });

    it("the collect intervals are accepted and events still arrive", () => {
      withLoop(backend, (loop) => {
        loop.setIoCollectInterval(0.001);
        loop.setTimeoutCollectInterval(0.001);
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, (w) => {
            log.push("io");
            w.stop();
          });
          io.start();
          new Timer(loop, 0.002, 0, () => log.push("timer")).start();
          loop.run();
          assert.deepEqual([...log].sort(), ["io", "timer"]);
        } finally {
          p.close();
        }
        loop.setIoCollectInterval(0);
        loop.setTimeoutCollectInterval(0);
      });
    });

    it("a watcher may stop another, still-active watcher of the same iteration", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, () => log.push("io"));
          const timer = new Timer(loop, 0, 0, () => {
            log.push("timer");
            io.stop();
          });
          io.start();
          timer.start();
          loop.run();
          // Timer runs before io at one priority, so io's pending event is dropped.
          assert.deepEqual(log, ["timer"]);
        } finally {
          p.close();
        }
      });
    });
  });
}
