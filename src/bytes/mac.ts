/** IEEE 802 MAC (EUI-48) address text: "aa:bb:cc:dd:ee:ff". */
import { byteToHex } from "./hex.js";

/**
 * Formats the 6 bytes at `offset` as lowercase colon-separated hex, as tcpdump prints them.
 * Returns an empty string when fewer than 6 bytes are available.
 *
 * @example
 * formatMac(new Uint8Array([0, 0x1b, 0x21, 0xa, 0xb, 0xc])); // "00:1b:21:0a:0b:0c"
 */
export function formatMac(data: Uint8Array, offset = 0): string {
  if (offset < 0 || offset + 6 > data.length) return "";
  return (
    byteToHex(data[offset]!) +
    ":" +
    byteToHex(data[offset + 1]!) +
    ":" +
    byteToHex(data[offset + 2]!) +
    ":" +
    byteToHex(data[offset + 3]!) +
    ":" +
    byteToHex(data[offset + 4]!) +
    ":" +
    byteToHex(data[offset + 5]!)
  );
}

/**
 * Parses "aa:bb:cc:dd:ee:ff", "aa-bb-cc-dd-ee-ff", "aabb.ccdd.eeff" or 12 bare hex digits
 * (one or two digits per colon group, as tcpdump accepts). Returns null when malformed.
 */
export function parseMac(text: string): Uint8Array | null {
  const out = new Uint8Array(6);
  let groups: string[];
  if (text.includes(":") || text.includes("-")) {
    groups = text.split(/[:-]/);
    if (groups.length !== 6) return null;
    for (let i = 0; i < 6; i++) {
      const g = groups[i]!;
      if (!/^[0-9a-fA-F]{1,2}$/.test(g)) return null;
      out[i] = Number.parseInt(g, 16);
    }
    return out;
  }
  const bare = text.includes(".") ? text.split(".").join("") : text;
  if (text.includes(".") && !/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(text)) {
    return null;
  }
  if (!/^[0-9a-fA-F]{12}$/.test(bare)) return null;
  for (let i = 0; i < 6; i++) out[i] = Number.parseInt(bare.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** True when the group bit (least significant bit of the first byte) is set. */
export function isMulticastMac(data: Uint8Array, offset = 0): boolean {
  return offset >= 0 && offset < data.length && (data[offset]! & 1) === 1;
}

/** True for ff:ff:ff:ff:ff:ff. */
export function isBroadcastMac(data: Uint8Array, offset = 0): boolean {
  if (offset < 0 || offset + 6 > data.length) return false;
  for (let i = 0; i < 6; i++) if (data[offset + i] !== 0xff) return false;
  return true;
}
