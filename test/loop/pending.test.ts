import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Check, EV, Io, RUN, Timer } from "../../src/loop/index.js";
import { close, socketpair } from "../../src/sys/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, withLoop } from "./_util.js";

for (const backend of BACKENDS) {
  describe(`${backend}: feedEvent, clearPending, invoke, invokePending`, () => {
    expectNoFdLeak();

    it("feedEvent() queues even an inactive watcher; pending is cleared before its callback", () => {
      withLoop(backend, (loop) => {
        const seen: Array<[number, boolean, boolean]> = [];
        const w = new Timer(loop, 100, 0, (tw, revents) =>
          seen.push([revents, tw.pending, tw.active]),
        );
        loop.feedEvent(w, EV.CUSTOM | EV.TIMER);
        assert.equal(w.pending, true);
        assert.equal(w.active, false);
        assert.equal(loop.pendingCount, 1);
        loop.invokePending();
        assert.deepEqual(seen, [[EV.CUSTOM | EV.TIMER, false, false]]);
        assert.equal(w.pending, false);
        assert.equal(loop.pendingCount, 0);
      });
    });

    it("clearPending() returns the pending revents, and the watcher is not invoked", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        const w = new Check(loop, () => calls++);
        loop.feedEvent(w, EV.CUSTOM);
        loop.feedEvent(w, EV.READ);
        assert.equal(loop.clearPending(w), EV.CUSTOM | EV.READ);
        assert.equal(w.pending, false);
        assert.equal(loop.clearPending(w), 0);
        loop.invokePending();
        assert.equal(calls, 0);
      });
    });

    it("a cleared slot stays counted by pendingCount until the queue is invoked (libev)", () => {
      // ev_clear_pending neutralises the slot instead of removing it, and ev_pending_count
      // counts slots; observed with libev 4.33.
      withLoop(backend, (loop) => {
        const a = new Check(loop, () => {});
        const b = new Check(loop, () => {});
        loop.feedEvent(a, EV.CUSTOM);
        loop.feedEvent(b, EV.CUSTOM);
        loop.clearPending(a);
        assert.equal(loop.pendingCount, 2);
        loop.invokePending();
        assert.equal(loop.pendingCount, 0);
      });
    });

    it("a cleared watcher fed again takes a new slot at the end of its queue", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const a = new Check(loop, () => log.push("A"));
        const b = new Check(loop, () => log.push("B"));
        loop.feedEvent(a, EV.CUSTOM);
        loop.feedEvent(b, EV.CUSTOM);
        loop.clearPending(a);
        loop.feedEvent(a, EV.CUSTOM);
        loop.invokePending();
        assert.deepEqual(log, ["A", "B"]);
      });
    });

    it("stop() on an inactive but pending watcher clears its pending event", () => {
      withLoop(backend, (loop) => {
        let calls = 0;
        const w = new Check(loop, () => calls++);
        loop.feedEvent(w, EV.CUSTOM);
        w.stop();
        assert.equal(w.pending, false);
        loop.invokePending();
        assert.equal(calls, 0);
      });
    });

    it("invoke() calls the callback at once and leaves a pending event alone", () => {
      withLoop(backend, (loop) => {
        const log: number[] = [];
        const w = new Check(loop, (_w, revents) => log.push(revents));
        loop.feedEvent(w, EV.CUSTOM);
        loop.invoke(w, EV.WRITE);
        assert.deepEqual(log, [EV.WRITE]);
        assert.equal(w.pending, true);
        loop.invokePending();
        assert.deepEqual(log, [EV.WRITE, EV.CUSTOM]);
      });
    });

    it("invokePending() runs everything queued, including events fed meanwhile", () => {
      withLoop(backend, (loop) => {
        const log: string[] = [];
        const late = new Check(loop, () => log.push("late"));
        late.priority = -2;
        const first = new Check(loop, () => {
          log.push("first");
          loop.feedEvent(late, EV.CUSTOM);
        });
        loop.feedEvent(first, EV.CUSTOM);
        loop.invokePending();
        assert.deepEqual(log, ["first", "late"]);
        assert.equal(loop.pendingCount, 0);
      });
    });

    it("feedFdEvent() feeds the fd's active io watchers, each with the events it asked for", () => {
      withLoop(backend, (loop) => {
        const [a, b] = socketpair();
        try {
          const log: string[] = [];
          const reader = new Io(loop, a, EV.READ, (_w, ev) => log.push(`reader ${ev}`));
          const writer = new Io(loop, a, EV.WRITE, (_w, ev) => log.push(`writer ${ev}`));
          const idle = new Io(loop, a, EV.READ, () => log.push("inactive"));
          const other = new Io(loop, b, EV.READ, () => log.push("other fd"));
          reader.start();
          writer.start();
          other.start();
          loop.feedFdEvent(a, EV.READ);
          loop.invokePending();
          assert.deepEqual(log, [`reader ${EV.READ}`]);
          log.length = 0;
          loop.feedFdEvent(a, EV.READ | EV.WRITE);
          loop.invokePending();
          assert.deepEqual([...log].sort(), [`reader ${EV.READ}`, `writer ${EV.WRITE}`]);
          assert.equal(idle.active, false);
          reader.stop();
          writer.stop();
          other.stop();
        } finally {
          close(a);
          close(b);
        }
      });
    });

    it("a watcher carries any user data, and its callback receives the watcher itself", () => {
      withLoop(backend, (loop) => {
        const seen: unknown[] = [];
        const w = new Check(loop, (cw) => seen.push(cw.data));
        assert.equal(w.data, undefined);
        const data = { conn: 7 };
        w.data = data;
        loop.feedEvent(w, EV.CUSTOM);
        loop.invokePending();
        assert.deepEqual(seen, [data]);
        assert.equal(seen[0], data);
      });
    });

    it("fed events are invoked by run() like any other", () => {
      withLoop(backend, (loop) => {
        const log: number[] = [];
        const w = new Check(loop, (_w, revents) => log.push(revents));
        loop.feedEvent(w, EV.CUSTOM);
        assert.equal(loop.run(RUN.NOWAIT), false);
        assert.deepEqual(log, [EV.CUSTOM]);
      });
    });
  });
}
