import assert from "node:assert/strict";
import { closeSync, openSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Check, EV, Io, type Loop, RUN, Timer } from "../../src/loop/index.js";
import { close, isOpen, pipe, socketpair, write } from "../../src/sys/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, guard, testPipe, withLoop } from "./_util.js";

/** Opens pipes until one has its read end at or above 1024, then closes all the others. */
function highPipe(): { r: number; w: number; close(): void } {
  const spare: number[] = [];
  for (;;) {
    const [r, w] = pipe();
    if (r >= 1024) {
      for (const fd of spare) close(fd);
      return {
        r,
        w,
        close() {
          close(r);
          close(w);
        },
      };
    }
    spare.push(r, w);
    // Bounded: each pipe takes two descriptors, so this ends after about 512 rounds.
    assert.ok(spare.length < 4096, "could not reach fd 1024");
  }
}

/** Runs the loop until `io` has been called once, then returns the revents it got. */
function firstEvents(loop: Loop, fd: number, events: number): number {
  let got = -1;
  const io = new Io(loop, fd, events, (w, revents) => {
    got = revents;
    w.stop();
  });
  io.start();
  assert.equal(loop.run(), false);
  return got;
}

for (const backend of BACKENDS) {
  describe(`${backend}: Io watchers`, () => {
    expectNoFdLeak();

    it("a readable pipe reports EV.READ and the watcher stays active", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          let calls = 0;
          const io = new Io(loop, p.r, EV.READ, (w, revents) => {
            calls++;
            assert.equal(w, io);
            assert.equal(revents, EV.READ);
            assert.equal(w.active, true);
            w.stop();
          });
          io.start();
          assert.equal(io.active, true);
          assert.equal(loop.run(), false);
          assert.equal(calls, 1);
          assert.equal(io.active, false);
        } finally {
          p.close();
        }
      });
    });

    it("a writable pipe end reports EV.WRITE", () => {
      withLoop(backend, (loop) => {
        const p = testPipe();
        try {
          assert.equal(firstEvents(loop, p.w, EV.WRITE), EV.WRITE);
        } finally {
          p.close();
        }
      });
    });

    it("a READ|WRITE watcher receives only the events that are ready", () => {
      withLoop(backend, (loop) => {
        const [a, b] = socketpair();
        try {
          assert.equal(firstEvents(loop, a, EV.READ | EV.WRITE), EV.WRITE);
          assert.equal(write(b, new Uint8Array([1])), 1);
          assert.equal(firstEvents(loop, a, EV.READ | EV.WRITE), EV.READ | EV.WRITE);
        } finally {
          close(a);
          close(b);
        }
      });
    });

    it("io is level-triggered: an undrained fd fires again every iteration", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const iterations: number[] = [];
          const io = new Io(loop, p.r, EV.READ, () => {
            iterations.push(loop.iteration);
            if (iterations.length === 3) {
              p.drain();
              // Nothing should arrive any more; this timer ends the run either way.
              new Timer(loop, 0.01, 0, () => io.stop()).start();
            }
          });
          io.start();
          loop.run();
          assert.equal(iterations.length, 3);
          assert.deepEqual(iterations, [iterations[0], iterations[0]! + 1, iterations[0]! + 2]);
        } finally {
          p.close();
        }
      });
    });

    it("a peer hang-up makes the fd readable (EOF)", () => {
      withLoop(backend, (loop) => {
        const [a, b] = socketpair();
        try {
          close(b);
          assert.equal(firstEvents(loop, a, EV.READ), EV.READ);
        } finally {
          close(a);
        }
      });
    });

    it("watchers on one fd are invoked in the order they were started", () => {
      // libev prepends each watcher to its fd's list and pops the pending array from the end,
      // so the two reversals cancel out.
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const names = ["A", "B", "C"];
          const watchers = names.map(
            (name) =>
              new Io(loop, p.r, EV.READ, () => {
                log.push(name);
              }),
          );
          for (const w of watchers) w.start();
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["A", "B", "C"]);
          for (const w of watchers) w.stop();
        } finally {
          p.close();
        }
      });
    });

    it("two watchers with different masks on one fd each get only their own events", () => {
      withLoop(backend, (loop) => {
        const [a, b] = socketpair();
        try {
          assert.equal(write(b, new Uint8Array([1])), 1);
          const seen = new Map<string, number>();
          const reader = new Io(loop, a, EV.READ, (_w, revents) => seen.set("reader", revents));
          const writer = new Io(loop, a, EV.WRITE, (_w, revents) => seen.set("writer", revents));
          reader.start();
          writer.start();
          loop.run(RUN.ONCE);
          assert.equal(seen.get("reader"), EV.READ);
          assert.equal(seen.get("writer"), EV.WRITE);
          reader.stop();
          writer.stop();
        } finally {
          close(a);
          close(b);
        }
      });
    });

    it("a watcher stopped before the loop polls receives nothing", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          let calls = 0;
          const io = new Io(loop, p.r, EV.READ, () => calls++);
          io.start();
          io.stop();
          assert.equal(loop.run(), false);
          assert.equal(calls, 0);
        } finally {
          p.close();
        }
      });
    });

    it("stop and start again before the loop polls still delivers events", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          let calls = 0;
          const io = new Io(loop, p.r, EV.READ, (w) => {
            calls++;
            w.stop();
          });
          io.start();
          io.stop();
          io.start();
          loop.run();
          assert.equal(calls, 1);
        } finally {
          p.close();
        }
      });
    });

    it("an fd that becomes readable later wakes a blocked run", () => {
      withLoop(backend, (loop) => {
        const p = testPipe();
        try {
          let revents = 0;
          const io = new Io(loop, p.r, EV.READ, (w, ev) => {
            revents = ev;
            w.stop();
          });
          io.start();
          new Timer(loop, 0.002, 0, () => p.fill()).start();
          assert.equal(loop.run(), false);
          assert.equal(revents, EV.READ);
        } finally {
          p.close();
        }
      });
    });

    it("set() changes fd and events while inactive and is refused while active", () => {
      withLoop(backend, (loop) => {
        const quiet = testPipe();
        const ready = testPipe(true);
        try {
          let got = 0;
          const io = new Io(loop, quiet.r, EV.READ, (w, revents) => {
            got = revents;
            w.stop();
          });
          io.set(ready.w, EV.WRITE);
          io.start();
          assert.throws(() => io.set(ready.r, EV.READ), Error);
          loop.run();
          assert.equal(got, EV.WRITE);
          io.set(ready.r, EV.READ);
          io.start();
          loop.run();
          assert.equal(got, EV.READ);
        } finally {
          quiet.close();
          ready.close();
        }
      });
    });

    it("a watcher can move to another fd from its own callback", () => {
      withLoop(backend, (loop) => {
        const first = testPipe(true);
        const second = testPipe(true);
        const g = guard(loop);
        try {
          const log: string[] = [];
          const io = new Io(loop, first.r, EV.READ, (w) => {
            w.stop();
            if (log.length === 0) {
              log.push("first");
              first.drain();
              w.set(second.r, EV.READ);
              w.start();
            } else {
              log.push("second");
            }
          });
          io.start();
          loop.run();
          assert.equal(g.fired, false);
          assert.deepEqual(log, ["first", "second"]);
        } finally {
          g.dispose();
          first.close();
          second.close();
        }
      });
    });

    for (const pollBetween of [false, true]) {
      it(`an fd number closed and reopened ${pollBetween ? "after a poll" : "within one iteration"} is watched afresh`, () => {
        // The kernel drops a closed file from the epoll set; a watcher restarted on a new file
        // with the same number and mask must register it again (libev: MOD fails with ENOENT,
        // so it retries with ADD).
        withLoop(backend, (loop) => {
          const g = guard(loop);
          const old = testPipe(true);
          let calls = 0;
          const io = new Io(loop, old.r, EV.READ, () => calls++);
          io.start();
          loop.run(RUN.NOWAIT);
          assert.equal(calls, 1);
          io.stop();
          if (pollBetween) loop.run(RUN.NOWAIT);
          const oldFd = old.r;
          old.close();
          const fresh = testPipe(true);
          try {
            assert.equal(fresh.r, oldFd, "the lowest free descriptor number is reused");
            io.set(fresh.r, EV.READ);
            io.start();
            calls = 0;
            loop.run(RUN.ONCE);
            assert.equal(calls, 1);
            io.stop();
          } finally {
            g.dispose();
            fresh.close();
          }
        });
      });
    }

    it("an io watcher on a regular file is always ready (libev treats epoll's EPERM so)", () => {
      withLoop(backend, (loop) => {
        const fd = openSync(fileURLToPath(import.meta.url), "r");
        try {
          let calls = 0;
          const io = new Io(loop, fd, EV.READ, (w, revents) => {
            assert.equal(revents, EV.READ);
            if (++calls === 2) w.stop();
          });
          io.start();
          assert.equal(loop.run(), false);
          assert.equal(calls, 2);
        } finally {
          closeSync(fd);
        }
      });
    });

    it("a watcher on a closed fd is stopped with EV.ERROR or refused, and the loop goes on", () => {
      // libev 4.33 (NDEBUG) answers an fd the kernel rejects with fd_kill(): the watcher is
      // stopped and invoked with EV_ERROR | EV_READ | EV_WRITE. Refusing it with an error that
      // names the fd is an acceptable alternative; crashing or spinning is not.
      withLoop(backend, (loop) => {
        let fd = 900;
        while (isOpen(fd)) fd++;
        let revents = 0;
        const io = new Io(loop, fd, EV.READ, (_w, ev) => {
          revents = ev;
        });
        let thrown: unknown;
        try {
          io.start();
          loop.run(RUN.NOWAIT);
        } catch (err) {
          thrown = err;
        }
        if (thrown === undefined) {
          // EV.ERROR is bit 31, so `&` yields a negative number: compare with 0.
          assert.notEqual(revents & EV.ERROR, 0, `revents ${revents}`);
          assert.notEqual(revents & EV.READ, 0, `revents ${revents}`);
          assert.equal(io.active, false);
        } else {
          assert.ok(thrown instanceof Error);
          assert.match(thrown.message, new RegExp(`\\b${fd}\\b`));
          if (io.active) io.stop();
        }
        const p = testPipe(true);
        try {
          assert.equal(firstEvents(loop, p.r, EV.READ), EV.READ);
        } finally {
          p.close();
        }
      });
    });

    it(
      backend === "select"
        ? "select refuses an fd >= FD_SETSIZE (1024) with a clear error"
        : "an fd above 1024 works like any other",
      () => {
        withLoop(backend, (loop) => {
          const p = highPipe();
          try {
            write(p.w, new Uint8Array([1]));
            if (backend === "select") {
              const io = new Io(loop, p.r, EV.READ, () => {});
              assert.throws(
                () => {
                  io.start();
                  loop.run(RUN.NOWAIT);
                },
                (err: unknown) =>
                  err instanceof Error &&
                  /1024|FD_SETSIZE/.test(err.message) &&
                  err.message.includes(String(p.r)),
              );
              if (io.active) io.stop();
              const low = testPipe(true);
              try {
                assert.equal(firstEvents(loop, low.r, EV.READ), EV.READ);
              } finally {
                low.close();
              }
            } else {
              assert.equal(firstEvents(loop, p.r, EV.READ), EV.READ);
            }
          } finally {
            p.close();
          }
        });
      },
    );

    it("a check watcher sees io already handled in the same iteration", () => {
      withLoop(backend, (loop) => {
        const p = testPipe(true);
        try {
          const log: string[] = [];
          const io = new Io(loop, p.r, EV.READ, () => log.push("io"));
          const check = new Check(loop, () => log.push("check"));
          // Check at the lowest priority runs after io at the default priority.
          check.priority = -2;
          io.start();
          check.start();
          loop.run(RUN.ONCE);
          assert.deepEqual(log, ["io", "check"]);
          io.stop();
          check.stop();
        } finally {
          p.close();
        }
      });
    });
  });
}
