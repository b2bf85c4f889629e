import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Check, EV, Io, Prepare, RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, testPipe, withLoop, withLoopAsync } from "./_util.js";

class Boom extends Error {}

for (const backend of BACKENDS) {
  describe(`${backend}: callbacks that throw`, () => {
    expectNoFdLeak();

    it("the error propagates out of run() unchanged and the loop can run again", () => {
      withLoop(backend, (loop) => {
        const boom = new Boom("boom");
        const t = new Timer(loop, 0.001, 0, () => {
          throw boom;
        });
        t.start();
        assert.throws(
          () => loop.run(),
          (err) => err === boom,
        );
        assert.equal(loop.depth, 0);
        assert.equal(t.active, false);
        assert.equal(t.pending, false);
        assert.equal(loop.pendingCount, 0);
        loop.verify();
        let fired = false;
        new Timer(loop, 0.001, 0, () => {
          fired = true;
        }).start();
        assert.equal(loop.run(), false);
        assert.equal(fired, true);
      });
    });

    it("events queued behind the throwing callback stay pending and run next time", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const a = new Check(loop, () => log.push("A"));
        const b = new Check(loop, () => {
          log.push("B");
          throw new Boom("B");
        });
        loop.feedEvent(a, EV.CUSTOM);
        loop.feedEvent(b, EV.CUSTOM);
        assert.throws(() => loop.run(RUN.NOWAIT), Boom);
        assert.deepEqual(log, ["B"]);
        assert.equal(b.pending, false);
        assert.equal(a.pending, true);
        assert.equal(loop.pendingCount, 1);
        loop.verify();
        loop.run(RUN.NOWAIT);
        assert.deepEqual(log, ["B", "A"]);
        assert.equal(loop.pendingCount, 0);
      });
    });

    it("a repeating timer that throws stays active and fires again on the next run", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        const t = new Timer(loop, 0.001, 0.001, (w) => {
          if (++calls === 1) throw new Boom("first");
          w.stop();
        });
        t.start();
        assert.throws(() => loop.run(), Boom);
        assert.equal(t.active, true);
        assert.equal(loop.run(), false);
        assert.equal(calls, 2);
      });
    });

    it("an error thrown in a nested run() unwinds both runs and resets depth", () => {
      withLoop(backend, (loop) => {
        const inner = new Timer(loop, 0, 0, () => {
          throw new Boom("inner");
        });
        new Timer(loop, 0, 0, () => {
          inner.start();
          loop.run();
        }).start();
        assert.throws(() => loop.run(), Boom);
        assert.equal(loop.depth, 0);
        assert.equal(loop.run(), false);
      });
    });

    it("errors from prepare and io callbacks propagate too", () => {
      withLoop(backend, (loop) => {
        const prepare = new Prepare(loop, () => {
          throw new Boom("prepare");
        });
        prepare.start();
        assert.throws(() => loop.run(), /prepare/);
        prepare.stop();
        const p = testPipe(true);
        try {
          const io = new Io(loop, p.r, EV.READ, () => {
            throw new Boom("io");
          });
          io.start();
          assert.throws(() => loop.run(), /io/);
          assert.equal(io.active, true);
          io.stop();
          assert.equal(loop.run(), false);
        } finally {
          p.close();
        }
      });
    });

    it("hosted: the error rejects host() and the loop can be hosted again", async () => {
      await withLoopAsync(backend, async (loop) => {
        const boom = new Boom("hosted boom");
        new Timer(loop, 0.001, 0, () => {
          throw boom;
        }).start();
        await assert.rejects(loop.host(), (err) => err === boom);
        assert.equal(loop.depth, 0);
        let fired = false;
        new Timer(loop, 0.001, 0, () => {
          fired = true;
        }).start();
        assert.equal(await loop.host(), false);
        assert.equal(fired, true);
      });
    });
  });
}
