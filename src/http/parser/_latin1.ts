import { Buffer } from "node:buffer";

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/**
 * Node's Buffer has an undocumented `latin1Slice(start, end)` that decodes without making a
 * Buffer view first; it also accepts a plain Uint8Array as `this`. Runtimes without it get
 * the documented path.
 */
const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice })
  .latin1Slice;

/** Decodes bytes [start, end) as ISO-8859-1, each byte one UTF-16 code unit, as HTTP fields are. */
export const latin1: (buf: Uint8Array, start: number, end: number) => string =
  typeof nativeLatin1Slice === "function"
    ? (buf, start, end) => nativeLatin1Slice.call(buf, start, end)
    : (buf, start, end) =>
        Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
