/** Event bits, as in libev's ev.h: what a watcher waits for and what its callback receives. */
export const EV = Object.freeze({
  NONE: 0x00,
  READ: 0x01,
  WRITE: 0x02,
  TIMER: 0x100,
  PERIODIC: 0x200,
  SIGNAL: 0x400,
  CHILD: 0x800,
  STAT: 0x1000,
  IDLE: 0x2000,
  PREPARE: 0x4000,
  CHECK: 0x8000,
  EMBED: 0x10000,
  FORK: 0x20000,
  CLEANUP: 0x40000,
  ASYNC: 0x80000,
  CUSTOM: 0x1000000,
  ERROR: 0x80000000,
});

/** Flags for `loop.run()` / `loop.host()` (ev_run's EVRUN_*). */
export const RUN = Object.freeze({ DEFAULT: 0, NOWAIT: 1, ONCE: 2 });

/** How far `loop.break()` unwinds (ev_break's EVBREAK_*). */
export const BREAK = Object.freeze({ CANCEL: 0, ONE: 1, ALL: 2 });

export const MINPRI = -2;
export const MAXPRI = 2;
export const NUMPRI = MAXPRI - MINPRI + 1;

/** libev's MAX_BLOCKTIME: the longest single wait, so clock jumps are noticed eventually. */
export const MAX_BLOCKTIME = 59.743;
/** A realtime/monotonic drift larger than this (seconds) is a time jump (libev's MIN_TIMEJUMP). */
export const MIN_TIMEJUMP = 1;
/** Smallest periodic interval libev honours (1/8192 s), so `at` always moves forward. */
export const MIN_INTERVAL = 0.0001220703125;
