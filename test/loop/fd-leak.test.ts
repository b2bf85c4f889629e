import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import {
  Async,
  Child,
  Cleanup,
  EV,
  Idle,
  Io,
  Loop,
  Periodic,
  RUN,
  Signal,
  Timer,
} from "../../src/loop/index.js";
import { BACKENDS, type BackendName } from "./_backends.js";
import { openFdCount, type TestPipe, testPipe, warmUpLoops } from "./_util.js";

const LOOPS = 1000;

let sleeper: ReturnType<typeof spawn>;
let shared: TestPipe;

before(() => {
  // One long-lived child and one pipe serve every loop, so that only the loop's own
  // descriptors (epoll fd, signalfd, eventfds, pidfds, timerfd) come and go.
  sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
  shared = testPipe(true);
});

after(async () => {
  shared.close();
  sleeper.kill();
  await once(sleeper, "exit");
});

/** Starts one watcher of each kind that owns descriptors, plus a few that do not. */
function populate(loop: Loop): void {
  const noop = () => {};
  new Io(loop, shared.r, EV.READ, noop).start();
  new Timer(loop, 100, 0, noop).start();
  new Periodic(loop, 0, 100, null, noop).start();
  new Signal(loop, "SIGUSR2", noop).start();
  const a = new Async(loop, noop);
  a.start();
  a.send();
  new Child(loop, sleeper.pid!, 0, noop).start();
  new Idle(loop, noop).start();
  new Cleanup(loop, noop).start();
}

function churn(backend: BackendName, count: number): void {
  for (let i = 0; i < count; i++) {
    const loop = new Loop({ backend });
    populate(loop);
    loop.run(RUN.NOWAIT);
    loop.destroy();
  }
}

for (const backend of BACKENDS) {
  describe(`${backend}: no descriptor leaks`, () => {
    it(`creating and destroying ${LOOPS} loops with watchers leaves the fd count unchanged`, () => {
      warmUpLoops();
      churn(backend, 1);
      const before = openFdCount();
      churn(backend, LOOPS);
      assert.equal(openFdCount(), before);
    });

    it("destroying a loop with watchers still active and pending closes everything", () => {
      warmUpLoops();
      const before = openFdCount();
      for (let i = 0; i < 50; i++) {
        const loop = new Loop({ backend });
        populate(loop);
        loop.feedFdEvent(shared.r, EV.READ);
        loop.destroy();
      }
      assert.equal(openFdCount(), before);
    });

    it("hosted loops release their descriptors too", async () => {
      warmUpLoops();
      const warm = new Loop({ backend });
      await warm.host(RUN.NOWAIT);
      warm.destroy();
      const before = openFdCount();
      for (let i = 0; i < 50; i++) {
        const loop = new Loop({ backend });
        populate(loop);
        await loop.host(RUN.NOWAIT);
        loop.destroy();
      }
      assert.equal(openFdCount(), before);
    });
  });
}
