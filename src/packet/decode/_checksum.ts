import { onesComplementSum } from "../../bytes/index.js";
import type { ChecksumStatus } from "./layer.js";

/**
 * Checks a checksum covering `data[offset, offset + length)` plus an unfolded pseudo-header
 * sum (0 when the protocol has none, -1 when the caller could not compute one). Bytes that
 * were not captured cannot be verified.
 */
export function checksumStatusOf(
  data: Uint8Array,
  offset: number,
  length: number,
  pseudoSum: number,
): ChecksumStatus {
  if (pseudoSum < 0 || offset + length > data.length || length < 0) return "unverified";
  let s = onesComplementSum(data, offset, offset + length, pseudoSum);
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s === 0xffff ? "good" : "bad";
}
