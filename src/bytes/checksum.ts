/**
 * The internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum
 * of the data taken as big-endian 16-bit words, an odd final byte padded with zero.
 *
 * The sum is kept unfolded in a plain number between calls: adding 16-bit words to a double
 * stays exact far beyond any packet size (2^53 / 2^16 words), so folding happens once, at the
 * end. To checksum discontiguous pieces, chain `onesComplementSum` calls through `initial`;
 * every piece but the last must have an even length (RFC 1071 section 2(A) byte-order
 * independence does not survive an odd split).
 *
 * @example
 * // Verify a TCP segment over IPv4: the folded sum over pseudo-header + segment is 0xffff.
 * let sum = ipv4PseudoHeaderSum(ip, 12, ip, 16, 6, segment.length);
 * sum = onesComplementSum(segment, 0, segment.length, sum);
 * foldChecksum(sum) === 0xffff; // valid
 */

/** Adds the 16-bit big-endian words of `data[start, end)` to `initial` (unfolded). */
export function onesComplementSum(
  data: Uint8Array,
  start = 0,
  end = data.length,
  initial = 0,
): number {
  if (end > data.length) end = data.length;
  let sum = initial;
  let i = start;
  const evenEnd = end - ((end - start) & 1);
  // Four words per iteration to cut loop overhead on full-size frames.
  for (; i + 8 <= evenEnd; i += 8) {
    sum +=
      ((data[i]! << 8) | data[i + 1]!) +
      ((data[i + 2]! << 8) | data[i + 3]!) +
      ((data[i + 4]! << 8) | data[i + 5]!) +
      ((data[i + 6]! << 8) | data[i + 7]!);
  }
  for (; i < evenEnd; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (i < end) sum += data[i]! << 8;
  return sum;
}

/** Folds an unfolded sum into 16 bits with end-around carry (not complemented). */
export function foldChecksum(sum: number): number {
  // Division rather than >>> because the unfolded sum may exceed 32 bits.
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * The checksum field value for `data[start, end)` (with the field itself zeroed), starting
 * from an optional unfolded pseudo-header sum.
 */
export function internetChecksum(
  data: Uint8Array,
  start = 0,
  end = data.length,
  initial = 0,
): number {
  return ~foldChecksum(onesComplementSum(data, start, end, initial)) & 0xffff;
}

/**
 * True when `data[start, end)`, which includes its checksum field, sums to 0xffff (a correct
 * checksum) after adding `initial`.
 */
export function verifyChecksum(
  data: Uint8Array,
  start = 0,
  end = data.length,
  initial = 0,
): boolean {
  return foldChecksum(onesComplementSum(data, start, end, initial)) === 0xffff;
}

/**
 * Unfolded sum of the IPv4 pseudo-header (RFC 793 / RFC 768): source, destination, zero,
 * protocol and upper-layer length. Addresses are read at the given offsets.
 */
export function ipv4PseudoHeaderSum(
  srcBytes: Uint8Array,
  srcOffset: number,
  dstBytes: Uint8Array,
  dstOffset: number,
  protocol: number,
  length: number,
): number {
  return (
    onesComplementSum(srcBytes, srcOffset, srcOffset + 4) +
    onesComplementSum(dstBytes, dstOffset, dstOffset + 4) +
    (protocol & 0xff) +
    (length & 0xffff)
  );
}

/**
 * Unfolded sum of the IPv6 pseudo-header (RFC 8200 section 8.1): source, destination, 32-bit
 * upper-layer length, three zero bytes and the next header value.
 */
export function ipv6PseudoHeaderSum(
  srcBytes: Uint8Array,
  srcOffset: number,
  dstBytes: Uint8Array,
  dstOffset: number,
  nextHeader: number,
  length: number,
): number {
  return (
    onesComplementSum(srcBytes, srcOffset, srcOffset + 16) +
    onesComplementSum(dstBytes, dstOffset, dstOffset + 16) +
    Math.floor(length / 0x10000) +
    (length & 0xffff) +
    (nextHeader & 0xff)
  );
}

/**
 * Updates a checksum field after one 16-bit word changed, without re-summing (RFC 1624
 * equation 3: HC' = ~(~HC + ~m + m')).
 */
export function adjustChecksum(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~foldChecksum(sum) & 0xffff;
}
