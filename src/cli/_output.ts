/**
 * Text output for commands that print one line per packet: lines are gathered into large
 * chunks and each chunk goes out with one write system call, which is what makes printing a
 * million lines cheap (console.log costs a write per call). Writes are synchronous on the
 * raw descriptor, so output is never lost when the command returns.
 *
 * A reader that goes away (`evnet read big.pcap | head`) makes write fail with EPIPE; the
 * writer then turns `closed` on and drops the rest, so the command can stop quietly.
 */
import { writeSync } from "node:fs";

/** Bytes gathered before a write: large enough to amortise the call, small enough for cache. */
const DEFAULT_CHUNK = 256 * 1024;

/** A 1 ms sleep for a descriptor another process left non-blocking (EAGAIN). */
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export class ChunkedOutput {
  /** True once the reader of the descriptor has gone (EPIPE). */
  closed = false;
  private pending = "";
  private readonly fd: number;
  private readonly chunkChars: number;

  /** `chunkChars` 0 writes on every call (line-buffered, like tcpdump -l). */
  constructor(fd: number, chunkChars = DEFAULT_CHUNK) {
    this.fd = fd;
    this.chunkChars = chunkChars;
  }

  /** Appends text; writes the chunk out once it is large enough. */
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= this.chunkChars) this.flush();
  }

  /** Writes out everything gathered so far. */
  flush(): void {
    if (this.pending === "") return;
    const bytes = Buffer.from(this.pending, "utf8");
    this.pending = "";
    if (!this.closed) this.closed = !writeFully(this.fd, bytes);
  }
}

/**
 * Writes all of `bytes`, retrying partial writes and EAGAIN. Returns false when the reader
 * has gone (EPIPE); other errors are thrown.
 */
export function writeFully(fd: number, bytes: Uint8Array): boolean {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return false;
      if (code !== "EAGAIN") throw err;
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
  return true;
}

/** Writes a message to stderr at once (notices and errors are few; no buffering). */
export function writeStderr(text: string): void {
  writeFully(2, Buffer.from(text, "utf8"));
}
