/**
 * What every decoded layer has in common, and the per-packet issue list.
 *
 * Each protocol is its own class with every field assigned in the constructor, so a decoder
 * always produces objects of one shape (the engine keeps property access monomorphic).
 * `truncated` means the capture ended inside the part of the header this layer decodes;
 * `malformed` holds a message when a field is impossible (a length shorter than the header,
 * an option running past its header). Neither ever throws.
 */

/** How a checksum compared: "unverified" when the covered bytes were not all captured. */
export type ChecksumStatus = "good" | "bad" | "unverified" | "none";

/** One problem found while decoding, in order of discovery. */
export interface PacketIssue {
  /** The layer's `kind`. */
  layer: string;
  /**
   * "truncated" when the capture ended too early, "malformed" when a value is impossible,
   * "unsupported" when decoding stopped at something this decoder does not know.
   */
  type: "truncated" | "malformed" | "unsupported";
  message: string;
}

/** The fields every layer class has. */
export interface LayerCommon {
  readonly kind: string;
  /** Where the layer starts in the frame. */
  offset: number;
  /** Bytes of header this layer covers (what a decoder would skip to reach its payload). */
  headerLength: number;
  truncated: boolean;
  /** Why the layer is malformed, or null. */
  malformed: string | null;
}
