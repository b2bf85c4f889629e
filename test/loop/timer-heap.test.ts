/**
 * A model-based property test of the timer heap: random sequences of start, stop, again and
 * set on eight timers, checked against a plain model of libev's rules (stop keeps the time
 * left, start adds now back, again() restarts at `repeat` or stops). `now` never moves during
 * the commands, so every deadline is known exactly; then one non-blocking iteration must fire
 * exactly the expired timers, earliest deadline first.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { RUN, Timer } from "../../src/loop/index.js";
import { BACKENDS } from "./_backends.js";
import { expectNoFdLeak, sleepMs, withLoop } from "./_util.js";

const TIMERS = 8;
const US = 1e-6;

type Op = { op: "start" | "stop" | "again" | "set"; i: number };

interface Model {
  active: boolean;
  /** seconds left when inactive; seconds from `now` to the deadline when active */
  left: number;
  repeat: number;
}

const scenario = fc.record({
  // Distinct first timeouts of 1..2000 µs, so no two deadlines tie.
  afters: fc.uniqueArray(fc.integer({ min: 1, max: 2000 }), {
    minLength: TIMERS,
    maxLength: TIMERS,
  }),
  // 0 (one-shot) or a repeat long enough never to expire during the test.
  repeats: fc.array(fc.constantFrom(0, 1, 2), { minLength: TIMERS, maxLength: TIMERS }),
  ops: fc.array(
    fc.record({
      // Weighted towards start and again, which move nodes inside a populated heap.
      op: fc.constantFrom(
        "start",
        "start",
        "start",
        "again",
        "again",
        "stop",
        "set",
      ) as fc.Arbitrary<Op["op"]>,
      i: fc.nat(TIMERS - 1),
    }),
    { minLength: 5, maxLength: 60 },
  ),
});

for (const backend of BACKENDS) {
  describe(`${backend}: timer heap against a model`, () => {
    expectNoFdLeak();

    it("random start/stop/again/set keep the heap valid and fire expired timers in order", () => {
      fc.assert(
        fc.property(scenario, ({ afters, repeats, ops }) => {
          withLoop(backend, (loop) => {
            const fired: number[] = [];
            const model: Model[] = afters.map((a, i) => ({
              active: false,
              left: a * US,
              repeat: repeats[i]!,
            }));
            const timers = afters.map(
              (a, i) => new Timer(loop, a * US, repeats[i]!, () => fired.push(i)),
            );
            ops.forEach(({ op, i }, step) => {
              const t = timers[i]!;
              const m = model[i]!;
              switch (op) {
                case "start":
                  t.start();
                  m.active = true;
                  break;
                case "stop":
                  t.stop();
                  m.active = false;
                  break;
                case "again":
                  t.again();
                  if (m.active && m.repeat > 0) m.left = m.repeat;
                  else if (m.active) m.active = false;
                  else if (m.repeat > 0) {
                    m.left = m.repeat;
                    m.active = true;
                  }
                  break;
                case "set":
                  // Unique values above every first timeout, so deadlines still never tie.
                  if (!m.active) {
                    const after = (3000 + step) * US;
                    t.set(after, m.repeat);
                    m.left = after;
                  }
                  break;
              }
              loop.verify();
              assert.equal(t.active, m.active, `timer ${i} after ${op}`);
              assert.ok(Math.abs(t.remaining() - m.left) < 5e-7, `timer ${i} remaining`);
            });
            sleepMs(5);
            loop.run(RUN.NOWAIT);
            loop.verify();
            const expected = model
              .map((m, i) => ({ m, i }))
              .filter(({ m }) => m.active && m.left < 0.004)
              .sort((x, y) => x.m.left - y.m.left)
              .map(({ i }) => i);
            assert.deepEqual(fired, expected);
            for (const i of expected) {
              assert.equal(timers[i]!.active, model[i]!.repeat > 0, `timer ${i} after firing`);
            }
            for (const t of timers) t.stop();
          });
        }),
        { numRuns: 100 },
      );
    });
  });
}
