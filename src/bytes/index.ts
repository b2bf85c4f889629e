/**
 * evnet/bytes: pure helpers every parser shares. No imports outside this folder.
 *
 * - bounds-checked reads ({@link ByteReader}, `readU16BE`...) and unchecked reads for
 *   already-checked fixed headers (`getU16BE`...)
 * - a growable {@link ByteWriter}
 * - hex, MAC, IPv4 and IPv6 (RFC 5952) text
 * - the internet checksum (RFC 1071) with IPv4/IPv6 pseudo-header sums
 */
export {
  adjustChecksum,
  foldChecksum,
  internetChecksum,
  ipv4PseudoHeaderSum,
  ipv6PseudoHeaderSum,
  onesComplementSum,
  verifyChecksum,
} from "./checksum.js";
export { byteToHex, fromHex, toHex } from "./hex.js";
export { formatIPv4, formatIPv4Number, formatIPv6, parseIPv4, parseIPv6 } from "./ip.js";
export { formatMac, isBroadcastMac, isMulticastMac, parseMac } from "./mac.js";
export {
  ByteReader,
  getU16BE,
  getU16LE,
  getU24BE,
  getU32BE,
  getU32LE,
  readU8,
  readU16BE,
  readU16LE,
  readU24BE,
  readU32BE,
  readU32LE,
} from "./reader.js";
export { ByteWriter } from "./writer.js";
