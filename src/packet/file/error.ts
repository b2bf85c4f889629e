/**
 * Errors raised by the capture-file readers and writers.
 *
 * Every error carries a stable `code` so callers can branch on it without parsing messages,
 * and, for readers, the byte offset in the input where the problem was found.
 */
export type CaptureFileErrorCode =
  /** The input starts with neither a pcap nor a pcapng magic number. */
  | "BAD_MAGIC"
  /** The file header names a format version this reader does not understand. */
  | "UNSUPPORTED_VERSION"
  /** The input ends inside a file header, a record or a block. */
  | "TRUNCATED"
  /** A pcapng block length is too small, not a multiple of 4, too large, or its trailer differs. */
  | "BAD_BLOCK_LENGTH"
  /** A pcap record claims more captured bytes than any sane snapshot length. */
  | "BAD_RECORD_LENGTH"
  /** A pcapng section header's byte-order magic is neither 0x1A2B3C4D nor its swap. */
  | "BAD_BYTE_ORDER"
  /** A pcapng option runs past the end of its block, or has an impossible value. */
  | "BAD_OPTION"
  /** A pcapng packet block names an interface that no IDB in its section described. */
  | "UNKNOWN_INTERFACE"
  /** A pcapng name resolution record runs past its block or is malformed. */
  | "BAD_NAME_RECORD"
  /** A writer was asked to write something the format cannot hold. */
  | "UNWRITABLE";

export class CaptureFileError extends Error {
  override readonly name = "CaptureFileError";
  readonly code: CaptureFileErrorCode;
  /** Byte offset in the input where the offending header, record or block starts (-1: n/a). */
  readonly offset: number;

  constructor(code: CaptureFileErrorCode, message: string, offset = -1) {
    super(offset >= 0 ? `${message} (at byte ${offset})` : message);
    this.code = code;
    this.offset = offset;
  }
}
