/**
 * evnet's system layer: typed wrappers over the libc calls the loop and the sockets need.
 * This folder is the only one that loads koffi.
 */
export * from "./affinity.js";
export * from "./epoll.js";
export * from "./errno.js";
export * from "./eventfd.js";
export * from "./fd.js";
export * from "./packet.js";
export * from "./poll.js";
export * from "./process.js";
export * from "./select.js";
export * from "./signal.js";
export * from "./socket.js";
export * from "./timerfd.js";
