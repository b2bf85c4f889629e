/**
 * ARP and RARP (RFC 826, RFC 903).
 *
 *   0..1  hardware type (1 Ethernet)     2..3  protocol type (0x0800 IPv4)
 *   4     hardware address length (6)    5     protocol address length (4)
 *   6..7  operation (1 request, 2 reply, 3/4 RARP request/reply, 8/9 InARP)
 *   then  sender hardware address | sender protocol address
 *         target hardware address | target protocol address   (lengths from bytes 4 and 5)
 */
import { formatIPv4, toHex } from "../../bytes/index.js";
import type { LayerCommon } from "./layer.js";

export class ArpLayer implements LayerCommon {
  readonly kind = "arp" as const;
  offset: number;
  headerLength: number;
  truncated: boolean;
  malformed: string | null;
  hardwareType: number;
  protocolType: number;
  hardwareLength: number;
  protocolLength: number;
  operation: number;
  private readonly data: Uint8Array;

  constructor(data: Uint8Array, offset: number) {
    this.data = data;
    this.offset = offset;
    this.headerLength = 8;
    this.truncated = false;
    this.malformed = null;
    this.hardwareType = -1;
    this.protocolType = -1;
    this.hardwareLength = 0;
    this.protocolLength = 0;
    this.operation = -1;
  }

  private field(index: number): string {
    const hl = this.hardwareLength;
    const pl = this.protocolLength;
    const start = this.offset + 8 + (index >> 1) * (hl + pl) + (index & 1 ? hl : 0);
    const len = index & 1 ? pl : hl;
    if (start + len > this.data.length || this.truncated) return "";
    if (index & 1 && pl === 4) return formatIPv4(this.data, start);
    return toHex(this.data, ":", start, start + len);
  }

  get senderHardware(): string {
    return this.field(0);
  }
  get senderProtocol(): string {
    return this.field(1);
  }
  get targetHardware(): string {
    return this.field(2);
  }
  get targetProtocol(): string {
    return this.field(3);
  }

  /** True when the target hardware address is all zeros (the usual request). */
  get targetHardwareIsZero(): boolean {
    const start = this.offset + 8 + this.hardwareLength + this.protocolLength;
    for (let i = 0; i < this.hardwareLength; i++) if (this.data[start + i] !== 0) return false;
    return true;
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      hardwareType: this.hardwareType,
      protocolType: this.protocolType,
      hardwareLength: this.hardwareLength,
      protocolLength: this.protocolLength,
      operation: this.operation,
      senderHardware: this.senderHardware,
      senderProtocol: this.senderProtocol,
      targetHardware: this.targetHardware,
      targetProtocol: this.targetProtocol,
    };
    if (this.truncated) o.truncated = true;
    if (this.malformed !== null) o.malformed = this.malformed;
    return o;
  }
}

export function decodeArp(data: Uint8Array, offset: number): ArpLayer {
  const a = new ArpLayer(data, offset);
  const avail = data.length - offset;
  if (avail < 8) {
    a.truncated = true;
    a.headerLength = Math.max(0, avail);
    return a;
  }
  a.hardwareType = (data[offset]! << 8) | data[offset + 1]!;
  a.protocolType = (data[offset + 2]! << 8) | data[offset + 3]!;
  a.hardwareLength = data[offset + 4]!;
  a.protocolLength = data[offset + 5]!;
  a.operation = (data[offset + 6]! << 8) | data[offset + 7]!;
  const total = 8 + 2 * (a.hardwareLength + a.protocolLength);
  if (avail < total) {
    a.truncated = true;
    a.headerLength = avail;
    return a;
  }
  a.headerLength = total;
  return a;
}
