import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EV, RUN, Stat, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, guard, withLoop } from "./_util.js";

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "evnet-stat-"));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

// libev polls no faster than about every 0.1 s without inotify; ask for the minimum.
const INTERVAL = 0.01;

for (const backend of BACKENDS) {
  describe(`${backend}: Stat watchers`, () => {
    expectNoFdLeak();

    it("start() reads the current attributes; a size change is reported with attr and prev", () => {
      const path = join(dir, `${backend}-size`);
      writeFileSync(path, "");
      withLoop(backend, (loop) => {
        const g = guard(loop);
        const seen: Array<[number, number, number]> = [];
        const st = new Stat(loop, path, INTERVAL, (w, revents) => {
          assert.equal(w, st);
          seen.push([revents, w.prev.size, w.attr.size]);
          w.stop();
        });
        st.start();
        assert.equal(st.attr.nlink, 1);
        assert.equal(st.attr.size, 0);
        new Timer(loop, 0.01, 0, () => appendFileSync(path, "hello")).start();
        loop.run();
        g.dispose();
        assert.equal(g.fired, false);
        assert.deepEqual(seen, [[EV.STAT, 0, 5]]);
      });
    });

    it("a missing path has nlink 0, and its creation and removal are reported", () => {
      const path = join(dir, `${backend}-appears`);
      withLoop(backend, (loop) => {
        const g = guard(loop);
        const links: Array<[number, number]> = [];
        const st = new Stat(loop, path, INTERVAL, (w) => {
          links.push([w.prev.nlink, w.attr.nlink]);
          if (links.length === 1) {
            new Timer(loop, 0.01, 0, () => unlinkSync(path)).start();
          } else {
            w.stop();
          }
        });
        st.start();
        assert.equal(st.attr.nlink, 0);
        new Timer(loop, 0.01, 0, () => writeFileSync(path, "x")).start();
        loop.run();
        g.dispose();
        assert.equal(g.fired, false);
        assert.deepEqual(links, [
          [0, 1],
          [1, 0],
        ]);
      });
    });

    it("an untouched path is not reported", () => {
      const path = join(dir, `${backend}-quiet`);
      writeFileSync(path, "same");
      withLoop(backend, (loop) => {
        let calls = 0;
        const st = new Stat(loop, path, INTERVAL, () => calls++);
        st.start();
        // Long enough for a few polls at libev's minimum interval.
        new Timer(loop, 0.35, 0, () => st.stop()).start();
        loop.run();
        assert.equal(calls, 0);
      });
    });

    it("an active stat watcher keeps run() going; set() is refused while active", () => {
      const path = join(dir, `${backend}-ref`);
      withLoop(backend, (loop) => {
        const st = new Stat(loop, path, INTERVAL, () => {});
        st.start();
        assert.throws(() => st.set(path, 1), Error);
        assert.equal(loop.run(RUN.NOWAIT), true);
        st.stop();
        assert.equal(loop.run(RUN.NOWAIT), false);
      });
    });
  });
}
