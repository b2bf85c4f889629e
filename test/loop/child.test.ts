import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { Child, EV, Timer } from "../../src/loop/index.js";
import { close, pipe, setNonBlocking, write } from "../../src/sys/index.js";
import { BACKENDS } from "./_backends.js";
import {
  expectNoFdLeak,
  guard,
  warmUpChildProcess,
  warmUpHosting,
  withLoop,
  withLoopAsync,
} from "./_util.js";

/** Resolves with Node's own view of the child's end: [code, signal]. */
function nodeExit(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
}

function spawnSh(script: string): ChildProcess {
  const child = spawn("sh", ["-c", script], { stdio: "ignore" });
  assert.ok(child.pid !== undefined && child.pid > 0, "spawn failed");
  return child;
}

for (const backend of BACKENDS) {
  describe(`${backend}: Child watchers`, () => {
    expectNoFdLeak(async () => {
      await warmUpChildProcess();
      await warmUpHosting();
    });

    it("owned: an exited child is reported with its pid and status, and Node still sees it", async () => {
      const child = spawnSh("exit 3");
      const exited = nodeExit(child);
      const pid = child.pid!;
      withLoop(backend, (loop) => {
        const g = guard(loop);
        const seen: Array<[number, number, number]> = [];
        const w = new Child(loop, pid, 0, (cw, revents) => {
          seen.push([revents, cw.rpid, cw.rstatus]);
          cw.stop();
        });
        w.start();
        assert.equal(loop.run(), false);
        g.dispose();
        assert.equal(g.fired, false);
        assert.deepEqual(seen, [[EV.CHILD, pid, 3 << 8]]);
      });
      const [code, signal] = await exited;
      assert.equal(code, 3);
      assert.equal(signal, null);
    });

    it("owned: a child killed by a signal reports the signal number as its status", async () => {
      const child = spawnSh("kill -TERM $$");
      const exited = nodeExit(child);
      withLoop(backend, (loop) => {
        const g = guard(loop);
        let status = -2;
        new Child(loop, child.pid!, 0, (w) => {
          status = w.rstatus;
          w.stop();
        }).start();
        loop.run();
        g.dispose();
        assert.equal(status, 15);
      });
      const [code, signal] = await exited;
      assert.equal(code, null);
      assert.equal(signal, "SIGTERM");
    });

    it("owned: the watcher does not fire while the child runs, only once it exits", async () => {
      const [r, w] = pipe();
      // The child reads its stdin with a blocking read; O_NONBLOCK is shared with our end.
      setNonBlocking(r, false);
      const child = spawn("sh", ["-c", "read line; exit 5"], { stdio: [r, "ignore", "ignore"] });
      close(r);
      const exited = nodeExit(child);
      try {
        withLoop(backend, (loop) => {
          const g = guard(loop);
          const log: string[] = [];
          new Child(loop, child.pid!, 0, (cw) => {
            log.push(`child ${cw.rstatus >> 8}`);
            cw.stop();
          }).start();
          new Timer(loop, 0.01, 0, () => {
            log.push("release");
            write(w, new TextEncoder().encode("go\n"));
          }).start();
          loop.run();
          g.dispose();
          assert.deepEqual(log, ["release", "child 5"]);
        });
      } finally {
        close(w);
      }
      const [code] = await exited;
      assert.equal(code, 5);
    });

    it("owned: two watchers for one pid are both invoked", async () => {
      const child = spawnSh("exit 7");
      const exited = nodeExit(child);
      withLoop(backend, (loop) => {
        const g = guard(loop);
        const statuses: number[] = [];
        for (let i = 0; i < 2; i++) {
          new Child(loop, child.pid!, 0, (w) => {
            statuses.push(w.rstatus);
            w.stop();
          }).start();
        }
        loop.run();
        g.dispose();
        assert.deepEqual(statuses, [7 << 8, 7 << 8]);
      });
      assert.equal((await exited)[0], 7);
    });

    it("owned: SIGCHLD of a child nobody watches interrupts the poll harmlessly", async () => {
      // Node's SIGCHLD handler makes epoll_wait/poll/select fail with EINTR; the loop must
      // simply carry on and still fire its timer.
      const child = spawnSh("sleep 0.01");
      const exited = nodeExit(child);
      withLoop(backend, (loop) => {
        const g = guard(loop);
        let fired = false;
        new Timer(loop, 0.1, 0, () => {
          fired = true;
        }).start();
        assert.equal(loop.run(), false);
        g.dispose();
        assert.equal(g.fired, false);
        assert.equal(fired, true);
      });
      assert.equal((await exited)[0], 0);
    });

    it("hosted: an exited child is reported with its status, and Node still sees it", async () => {
      const child = spawnSh("exit 3");
      const exited = nodeExit(child);
      await withLoopAsync(backend, async (loop) => {
        const seen: Array<[number, number, number]> = [];
        new Child(loop, child.pid!, 0, (w, revents) => {
          seen.push([revents, w.rpid, w.rstatus]);
          w.stop();
        }).start();
        assert.equal(await loop.host(), false);
        assert.deepEqual(seen, [[EV.CHILD, child.pid!, 3 << 8]]);
      });
      const [code] = await exited;
      assert.equal(code, 3);
    });
  });
}
