/**
 * Helpers shared by the loop conformance tests: a loop that is always destroyed, pipes that
 * are always closed, a synchronous sleep, the process's open fd count, and a guard timer that
 * stops an owned-mode run which would otherwise block forever (node:test's own timeout cannot
 * fire while the thread sits in epoll_wait).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { after, before } from "node:test";
import { BREAK, Loop, RUN, Timer } from "../../src/loop/index.js";
import { close, pipe, read as readFd, write } from "../../src/sys/index.js";
import { BACKENDS, type BackendName } from "./_backends.js";

/** Blocks the thread for at least `ms` milliseconds without running Node's loop. */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** How many descriptors this process has open right now. */
export function openFdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/** Runs `fn` with a fresh loop and destroys the loop afterwards, whatever happens. */
export function withLoop(backend: BackendName, fn: (loop: Loop) => void): void {
  const loop = new Loop({ backend });
  try {
    fn(loop);
  } finally {
    loop.destroy();
  }
}

/** The promise-returning form of {@link withLoop}, for hosted-mode tests. */
export async function withLoopAsync(
  backend: BackendName,
  fn: (loop: Loop) => Promise<void>,
): Promise<void> {
  const loop = new Loop({ backend });
  try {
    await fn(loop);
  } finally {
    loop.destroy();
  }
}

export interface TestPipe {
  readonly r: number;
  readonly w: number;
  /** Writes one byte, making the read end readable. */
  fill(): void;
  /** Reads everything buffered, making the read end not readable. */
  drain(): void;
  close(): void;
}

/** A non-blocking pipe; `readable` puts one byte in it straight away. */
export function testPipe(readable = false): TestPipe {
  const [r, w] = pipe();
  const one = new Uint8Array([0x78]);
  const sink = new Uint8Array(4096);
  let open = true;
  const p: TestPipe = {
    r,
    w,
    fill() {
      assert.equal(write(w, one), 1);
    },
    drain() {
      // The read end is non-blocking, so this stops at -1 (EAGAIN) once the pipe is empty.
      while (readFd(r, sink) > 0) {}
    },
    close() {
      if (!open) return;
      open = false;
      close(r);
      close(w);
    },
  };
  if (readable) p.fill();
  return p;
}

export interface Guard {
  /** True when the guard had to stop the run: the event the test waited for never came. */
  readonly fired: boolean;
  dispose(): void;
}

/**
 * An unreferenced timer that breaks out of every nested run after `seconds`, so a test of an
 * external event (signal, child, worker) fails instead of hanging when the event is lost.
 * Being unreferenced, it does not change what `run()` returns or how long it keeps going.
 */
export function guard(loop: Loop, seconds = 5): Guard {
  let fired = false;
  const timer = new Timer(loop, seconds, 0, () => {
    fired = true;
    // The loop already stopped this one-shot timer and dropped its reference; give back the
    // one taken away by unref() so the loop's count stays balanced.
    loop.ref();
    loop.break(BREAK.ALL);
  });
  timer.start();
  loop.unref();
  return {
    get fired() {
      return fired;
    },
    dispose() {
      if (timer.active) {
        loop.ref();
        timer.stop();
      }
    },
  };
}

/**
 * Asserts that `fn` throws a TypeError or RangeError whose message names `value` (or one of
 * the `spellings` given, such as a hex form), the way issue 2 asks bad arguments to be reported.
 */
export function assertBadArgument(fn: () => unknown, value: unknown, ...spellings: string[]): void {
  const names = [String(value), ...spellings];
  assert.throws(fn, (err: unknown) => {
    assert.ok(
      err instanceof TypeError || err instanceof RangeError,
      `expected a TypeError or RangeError, got ${String(err)}`,
    );
    assert.ok(
      names.some((name) => err.message.includes(name)),
      `the message should name the bad value ${names.join(" or ")}: ${err.message}`,
    );
    return true;
  });
}

/**
 * Creates and destroys one loop per backend, so that anything opened once per process on
 * first use (not per loop) is already open before a test starts counting descriptors.
 */
export function warmUpLoops(): void {
  for (const backend of BACKENDS) new Loop({ backend }).destroy();
}

/** Shorthand for a watcher callback that records `name` in `log`. */
export function recorder(log: string[], name: string): () => void {
  return () => {
    log.push(name);
  };
}

/**
 * Registers hooks on the enclosing describe that fail it if it leaves descriptors open: every
 * loop, pipe and watcher a test creates must be gone when the block ends. `warmUp` opens
 * whatever Node keeps open for the rest of the process once first used (the SIGCHLD pipe of
 * child_process, for one), so that it is not counted as a leak.
 */
export function expectNoFdLeak(warmUp?: () => void | Promise<void>): void {
  let baseline = 0;
  before(async () => {
    warmUpLoops();
    await warmUp?.();
    baseline = openFdCount();
  });
  after(() => {
    assert.equal(openFdCount(), baseline, "descriptors left open by this block");
  });
}

/** Warm-up for {@link expectNoFdLeak} in files that spawn processes. */
export async function warmUpChildProcess(): Promise<void> {
  const child = spawn("true", [], { stdio: "ignore" });
  await once(child, "exit");
}

/** Warm-up for {@link expectNoFdLeak} in files that host loops in Node's loop. */
export async function warmUpHosting(): Promise<void> {
  for (const backend of BACKENDS) {
    const loop = new Loop({ backend });
    await loop.host(RUN.NOWAIT);
    loop.destroy();
  }
}
