/**
 * tcpdump -q's shorter line: for TCP and UDP over IPv4 or IPv6 the protocol details give
 * way to "tcp N" (N the TCP payload length) or "UDP, length N"; every other packet keeps
 * its normal line, as in tcpdump.
 */
import type { DecodedPacket } from "../packet/index.js";

/**
 * The -q form of `line`, the packet's normal one-line summary (without timestamp).
 *
 * @example
 * quietLine(pkt, "IP 127.0.0.1.51782 > 127.0.0.1.53: 12924+ A? example.test. (30)");
 * // "IP 127.0.0.1.51782 > 127.0.0.1.53: UDP, length 30"
 */
export function quietLine(pkt: DecodedPacket, line: string): string {
  const ip = pkt.network;
  const t = pkt.transport;
  if (ip === null || t === null || ip.kind === "arp" || ip.truncated) return line;
  if (t.kind !== "tcp" && t.kind !== "udp") return line;
  if (t.truncated || t.malformed !== null) return line;
  // IPv6 extension headers are named between the addresses and the ports: keep that line.
  if (ip.kind === "ipv6" && ip.extensions.length > 0) return line;
  const colon = line.indexOf(": ");
  if (colon < 0) return line;
  const head = line.slice(0, colon + 2);
  return t.kind === "tcp"
    ? `${head}tcp ${t.payloadLength}`
    : `${head}UDP, length ${t.payloadLength}`;
}
