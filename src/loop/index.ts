/**
 * evnet/loop: an event loop with libev's semantics on epoll, poll or select.
 * See DESIGN.md "The loop" and docs/loop.md.
 */

export { Async } from "./async.js";
export type { BackendName } from "./backend/backend.js";
export { Child } from "./child.js";
export { BREAK, EV, MAXPRI, MINPRI, RUN } from "./constants.js";
export { Check, Cleanup, Fork, Prepare } from "./hooks.js";
export { Idle } from "./idle.js";
export { Io } from "./io.js";
export { Loop, type LoopOptions } from "./loop.js";
export { Periodic, type Reschedule } from "./periodic.js";
export { Signal } from "./signal.js";
export { Stat, type StatAttr } from "./stat.js";
export { Timer } from "./timer.js";
export { Watcher, type WatcherCallback } from "./watcher.js";
