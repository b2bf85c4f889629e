import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Async,
  Check,
  EV,
  Idle,
  Io,
  MAXPRI,
  MINPRI,
  Periodic,
  Prepare,
  RUN,
  Signal,
  Timer,
} from "../../src/loop/index.js";
import { getpid, kill } from "../../src/sys/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, sleepMs, testPipe, withLoop } from "./_util.js";

const SIGUSR1 = 10;
const SIGUSR2 = 12;

for (const backend of BACKENDS) {
  describe(`${backend}: priorities and the order of one iteration`, () => {
    expectNoFdLeak();

    it("priorities run from -2 to 2", () => {
      assert.equal(MINPRI, -2);
      assert.equal(MAXPRI, 2);
    });

    it("at one priority the order is prepare | check, periodic, timer, io (start order)", () => {
      // Observed with libev 4.33 on epoll, poll and select alike.
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const watchers = [
            new Io(loop, p.r, EV.READ, () => log.push("ioA")),
            new Io(loop, p.r, EV.READ, () => log.push("ioB")),
            new Timer(loop, 0, 0, () => log.push("timer")),
            new Periodic(loop, loop.now() - 1, 0, null, () => log.push("periodic")),
            new Check(loop, () => log.push("check")),
            new Prepare(loop, () => log.push("prepare")),
            new Idle(loop, () => log.push("idle")),
          ];
          for (const w of watchers) w.start();
          loop.run(RUN.ONCE);
          // Idle is starved: events of its own priority are pending.
          assert.deepEqual(log, ["prepare", "check", "periodic", "timer", "ioA", "ioB"]);
          log.length = 0;
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["prepare", "check", "ioA", "ioB"]);
          watchers[0]!.stop();
          watchers[1]!.stop();
          log.length = 0;
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["prepare", "check", "idle"]);
          for (const w of watchers) w.stop();
        } finally {
          p.close();
        }
      });
    });

    it("higher priorities are invoked first, whatever the watcher type", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const timer = new Timer(loop, 0, 0, () => log.push("timer@-1"));
          timer.priority = -1;
          const io = new Io(loop, p.r, EV.READ, () => log.push("io@2"));
          io.priority = 2;
          const check = new Check(loop, () => log.push("check@0"));
          const periodic = new Periodic(loop, loop.now() - 1, 0, null, () =>
            log.push("periodic@-2"),
          );
          periodic.priority = -2;
          for (const w of [timer, io, check, periodic]) w.start();
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["io@2", "check@0", "timer@-1", "periodic@-2"]);
          io.stop();
          check.stop();
        } finally {
          p.close();
        }
      });
    });

    it("signal and async callbacks run at their own priority, not their carrier fd's", () => {
      // They arrive through an internal fd watcher of the highest priority whose callback
      // feeds them; feeding restarts the scan, so each runs where its priority puts it.
      // Observed with libev 4.33: sig@1 check@0 io@0 sig@-1 async@-2.
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, () => log.push("io@0"));
          const low = new Signal(loop, "SIGUSR2", () => log.push("sig@-1"));
          low.priority = -1;
          const high = new Signal(loop, "SIGUSR1", () => log.push("sig@1"));
          high.priority = 1;
          const async = new Async(loop, () => log.push("async@-2"));
          async.priority = -2;
          const check = new Check(loop, () => log.push("check@0"));
          const all = [io, low, high, async, check];
          for (const w of all) w.start();
          kill(getpid(), SIGUSR2);
          kill(getpid(), SIGUSR1);
          async.send();
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["sig@1", "check@0", "io@0", "sig@-1", "async@-2"]);
          for (const w of all) w.stop();
        } finally {
          p.close();
        }
      });
    });

    it("fed events: each priority's queue is popped from the end, highest priority first", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const make = (name: string, pri: number) => {
          const w = new Check(loop, () => log.push(name));
          w.priority = pri;
          return w;
        };
        const fed = [make("A", 0), make("B", 0), make("C", -1), make("D", 1), make("E", 1)];
        for (const w of fed) loop.feedEvent(w, EV.CUSTOM);
        assert.equal(loop.pendingCount, 5);
        loop.invokePending();
        assert.deepEqual(log, ["E", "D", "B", "A", "C"]);
        assert.equal(loop.pendingCount, 0);
      });
    });

    it("an event fed during invocation restarts the scan at the highest priority", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const x = new Check(loop, () => log.push("X"));
        const z = new Check(loop, () => log.push("Z"));
        z.priority = 2;
        const y = new Check(loop, () => {
          log.push("Y");
          loop.feedEvent(z, EV.CUSTOM);
        });
        loop.feedEvent(x, EV.CUSTOM);
        loop.feedEvent(y, EV.CUSTOM);
        loop.invokePending();
        assert.deepEqual(log, ["Y", "Z", "X"]);
      });
    });

    it("a watcher fed again while pending keeps its slot and ORs the revents", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const x = new Check(loop, (_w, revents) => log.push(`X ${revents}`));
        const y = new Check(loop, (_w, revents) => log.push(`Y ${revents}`));
        loop.feedEvent(x, EV.CUSTOM);
        loop.feedEvent(y, EV.CUSTOM);
        loop.feedEvent(x, EV.READ);
        assert.equal(loop.pendingCount, 2);
        loop.invokePending();
        assert.deepEqual(log, [`Y ${EV.CUSTOM}`, `X ${EV.CUSTOM | EV.READ}`]);
      });
    });

    it("a pending watcher stopped by an earlier callback of its iteration is not invoked", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const second = new Timer(loop, 0.002, 0, () => log.push("second"));
        const first = new Timer(loop, 0.001, 0, () => {
          log.push("first");
          assert.equal(second.pending, true);
          second.stop();
          assert.equal(second.pending, false);
        });
        first.start();
        second.start();
        sleepMs(5);
        loop.run();
        assert.deepEqual(log, ["first"]);
      });
    });

    it("a priority change takes effect at the next start", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const a = new Check(loop, () => log.push("a"));
        const b = new Check(loop, () => log.push("b"));
        a.start();
        b.start();
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["b", "a"]);
        a.stop();
        a.priority = 1;
        a.start();
        log.length = 0;
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["a", "b"]);
        assert.equal(a.priority, 1);
        a.stop();
        b.stop();
      });
    });

    it("the priority of an active watcher cannot change", () => {
      withLoop(backend, (loop) => {
        const w = new Check(loop, () => {});
        w.start();
        assert.throws(() => {
          w.priority = 1;
        }, Error);
        assert.equal(w.priority, 0);
        w.stop();
        w.priority = 1;
        assert.equal(w.priority, 1);
      });
    });
  });
}
