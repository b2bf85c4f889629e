import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { EV, RUN, Signal, Timer } from "../../src/loop/index.js";
import { getpid, kill } from "../../src/sys/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, guard, warmUpHosting, withLoop, withLoopAsync } from "./_util.js";

const SIGUSR1 = 10;
const SIGUSR2 = 12;

/**
 * Node installs its own SIGUSR1 handler (it starts the inspector) and SIGUSR2 kills the process
 * by default, so every test raises a signal only while a Signal watcher for it is active.
 */
for (const backend of BACKENDS) {
  describe(`${backend}: Signal watchers`, () => {
    expectNoFdLeak(warmUpHosting);

    it("owned: process.kill() of SIGUSR1 reaches the watcher with EV.SIGNAL", () => {
      withLoop(backend, (loop) => {
        const g = guard(loop);
        const seen: number[] = [];
        const sig = new Signal(loop, "SIGUSR1", (w, revents) => {
          assert.equal(w, sig);
          seen.push(revents);
          w.stop();
        });
        sig.start();
        process.kill(process.pid, "SIGUSR1");
        assert.equal(loop.run(), false);
        g.dispose();
        assert.equal(g.fired, false);
        assert.deepEqual(seen, [EV.SIGNAL]);
      });
    });

    it("owned: a signal sent by a separate process (kill -USR1 <pid>) reaches the watcher", () => {
      withLoop(backend, (loop) => {
        const g = guard(loop);
        let calls = 0;
        const sig = new Signal(loop, SIGUSR1, (w) => {
          calls++;
          w.stop();
        });
        sig.start();
        // spawnSync returns after kill(1) has exited, so the signal is already queued.
        const r = spawnSync("kill", ["-USR1", String(process.pid)]);
        assert.equal(r.status, 0);
        loop.run();
        g.dispose();
        assert.equal(g.fired, false);
        assert.equal(calls, 1);
      });
    });

    it("owned: a signal raised while run() blocks wakes it", () => {
      withLoop(backend, (loop) => {
        const g = guard(loop);
        let calls = 0;
        const sig = new Signal(loop, "SIGUSR2", (w) => {
          calls++;
          w.stop();
        });
        sig.start();
        new Timer(loop, 0.002, 0, () => kill(getpid(), SIGUSR2)).start();
        loop.run();
        g.dispose();
        assert.equal(g.fired, false);
        assert.equal(calls, 1);
      });
    });

    it("hosted: process.kill() during host() reaches the watcher", async () => {
      await withLoopAsync(backend, async (loop) => {
        let calls = 0;
        const sig = new Signal(loop, "SIGUSR1", (w, revents) => {
          assert.equal(revents, EV.SIGNAL);
          calls++;
          w.stop();
        });
        sig.start();
        setTimeout(() => process.kill(process.pid, "SIGUSR1"), 2);
        assert.equal(await loop.host(), false);
        assert.equal(calls, 1);
      });
    });

    it("hosted: a signal from a separate process during host() reaches the watcher", async () => {
      await withLoopAsync(backend, async (loop) => {
        let calls = 0;
        const sig = new Signal(loop, "SIGUSR1", (w) => {
          calls++;
          w.stop();
        });
        sig.start();
        const sender = spawn("kill", ["-USR1", String(process.pid)], { stdio: "ignore" });
        const [hosted, [code]] = await Promise.all([loop.host(), once(sender, "exit")]);
        assert.equal(code, 0);
        assert.equal(hosted, false);
        assert.equal(calls, 1);
      });
    });

    it("watchers of one signal, by number or name, all run, in start order", () => {
      // libev prepends to the signal's list and pops the pending queue from the end; observed
      // with libev 4.33 for both a raised and a fed signal.
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const byNumber = new Signal(loop, SIGUSR2, () => log.push("number"));
        const byName = new Signal(loop, "SIGUSR2", () => log.push("name"));
        const third = new Signal(loop, "SIGUSR2", () => log.push("third"));
        byNumber.start();
        byName.start();
        third.start();
        kill(getpid(), SIGUSR2);
        loop.run(RUN.ONCE);
        assert.deepEqual(log, ["number", "name", "third"]);
        log.length = 0;
        loop.feedSignalEvent(SIGUSR2);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["number", "name", "third"]);
        third.stop();
        byNumber.stop();
        byName.stop();
      });
    });

    it("two raises before the loop reads them coalesce into one callback", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        const sig = new Signal(loop, SIGUSR2, () => calls++);
        sig.start();
        kill(getpid(), SIGUSR2);
        kill(getpid(), SIGUSR2);
        loop.run(RUN.ONCE);
        loop.run(RUN.NOWAIT);
        assert.equal(calls, 1);
        sig.stop();
      });
    });

    it("feedSignalEvent() invokes the signal's watchers without a signal", () => {
      withLoop(backend, (loop) => {
        const seen: number[] = [];
        const sig = new Signal(loop, SIGUSR2, (_w, revents) => seen.push(revents));
        const other = new Signal(loop, SIGUSR1, () => seen.push(-1));
        sig.start();
        other.start();
        loop.feedSignalEvent(SIGUSR2);
        loop.run(RUN.NOWAIT);
        assert.deepEqual(seen, [EV.SIGNAL]);
        sig.stop();
        other.stop();
      });
    });

    it("an active signal watcher keeps run() going; stopped, it no longer does", () => {
      withLoop(backend, (loop) => {
        const sig = new Signal(loop, SIGUSR2, () => {});
        sig.start();
        assert.equal(loop.run(RUN.NOWAIT), true);
        sig.stop();
        assert.equal(loop.run(RUN.NOWAIT), false);
      });
    });

    it("a signal can be watched by one loop at a time, as in libev", () => {
      withLoop(backend, (loop) => {
        withLoop(backend, (other) => {
          const first = new Signal(loop, SIGUSR2, () => {});
          first.start();
          assert.throws(() => new Signal(other, SIGUSR2, () => {}).start(), /SIGUSR2|12/);
          first.stop();
          let calls = 0;
          const second = new Signal(other, SIGUSR2, (w) => {
            calls++;
            w.stop();
          });
          second.start();
          kill(getpid(), SIGUSR2);
          other.run();
          assert.equal(calls, 1);
        });
      });
    });

    it("after stop() the signal goes back to Node's own handler", async () => {
      await withLoopAsync(backend, async (loop) => {
        let nodeCalls = 0;
        const onNode = () => nodeCalls++;
        process.on("SIGUSR2", onNode);
        try {
          let loopCalls = 0;
          const sig = new Signal(loop, SIGUSR2, (w) => {
            loopCalls++;
            w.stop();
          });
          sig.start();
          kill(getpid(), SIGUSR2);
          loop.run();
          assert.equal(loopCalls, 1);
          const delivered = once(process, "SIGUSR2");
          // Node's signal handles do not keep its loop alive; this timer does, meanwhile.
          const keepAlive = setTimeout(() => {}, 10_000);
          kill(getpid(), SIGUSR2);
          await delivered;
          clearTimeout(keepAlive);
          assert.equal(loopCalls, 1);
          assert.equal(nodeCalls, 1);
        } finally {
          process.off("SIGUSR2", onNode);
        }
      });
    });
  });
}

describe("Signal: taking over SIGINT from Node", () => {
  it("a SIGINT watcher in a program without process.on('SIGINT') sees the signal and the program goes on", async () => {
    // Node installs a one-shot SIGINT handler (SA_RESETHAND) that restores the default and
    // re-raises; chaining to it from evnet's handler used to re-raise into evnet forever.
    const loopUrl = new URL("../../src/loop/index.js", import.meta.url).href;
    const script = `
      import { Loop, Signal, Timer } from ${JSON.stringify(loopUrl)};
      const loop = new Loop();
      let seen = 0;
      const sig = new Signal(loop, "SIGINT", () => { seen++; sig.stop(); stop.stop(); });
      sig.start();
      const stop = new Timer(loop, 10, 0, () => {});
      stop.start();
      process.stdout.write("ready\\n");
      loop.run();
      process.stdout.write("seen " + seen + "\\n");
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      out += d;
      if (out === "ready\n") child.kill("SIGINT");
    });
    const [code, signal] = (await once(child, "exit")) as [number | null, string | null];
    assert.equal(signal, null, "the process was not killed by the signal");
    assert.equal(code, 0);
    assert.equal(out, "ready\nseen 1\n");
  });
});
