/**
 * A compiled filter as the kernel must see it. The filter compiler writes programs for the
 * records a capture delivers; two things differ in the socket:
 *
 * - A cooked capture (SOCK_DGRAM) hands the filter the frame from its network header, while
 *   the records carry a cooked header in front. As libpcap's fix_program does, loads past
 *   the cooked header are moved back by its length, and loads of the header's protocol,
 *   packet type and interface index fields become the kernel's ancillary loads
 *   (SKF_AD_PROTOCOL, SKF_AD_PKTTYPE, SKF_AD_IFINDEX). A program that reads any other header
 *   byte cannot run in the kernel: `null` tells the capture to filter in user space instead.
 * - The kernel trims an accepted frame to the filter's return value, and recvfrom with
 *   MSG_TRUNC then reports the trimmed length instead of the length on the wire. So every
 *   accepting `ret #k` returns the largest value; the capture applies the snaplen itself.
 */
import {
  BPF_ABS,
  BPF_B,
  BPF_H,
  BPF_IND,
  BPF_K,
  BPF_LD,
  BPF_LDX,
  BPF_MSH,
  BPF_RET,
  BPF_W,
  type BpfInstruction,
  type BpfProgram,
  bpfClass,
  bpfMode,
  bpfRval,
  bpfSize,
} from "../bpf/index.js";
import { LINKTYPE } from "../file/linktype.js";
import { SLL_HEADER_LENGTH, SLL2_HEADER_LENGTH } from "./link.js";

/** Where the kernel's ancillary data starts (linux/filter.h: SKF_AD_OFF is -0x1000). */
const SKF_AD_OFF = 0xfffff000;
const SKF_AD_PROTOCOL = 0;
const SKF_AD_PKTTYPE = 4;
const SKF_AD_IFINDEX = 8;
/** What an accepting program returns in the kernel: keep the whole frame. */
const KEEP_ALL = 0xffffffff;

/** The cooked-header fields the kernel can supply: offset -> [load size, ancillary offset]. */
const SLL_FIELDS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [BPF_H, SKF_AD_PKTTYPE]],
  [14, [BPF_H, SKF_AD_PROTOCOL]],
]);
const SLL2_FIELDS: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [BPF_H, SKF_AD_PROTOCOL]],
  [4, [BPF_W, SKF_AD_IFINDEX]],
  [10, [BPF_B, SKF_AD_PKTTYPE]],
]);

/**
 * The program to attach with SO_ATTACH_FILTER for records of `linkType`, or null when it
 * reads cooked-header bytes the kernel does not provide.
 *
 * @example
 * const program = compileFilter("udp port 53", { linkType: LINKTYPE.LINUX_SLL2 });
 * kernelFilterProgram(program, LINKTYPE.LINUX_SLL2); // loads shifted by 20, `ret` kept whole
 */
export function kernelFilterProgram(program: BpfProgram, linkType: number): BpfProgram | null {
  const cooked =
    linkType === LINKTYPE.LINUX_SLL
      ? { length: SLL_HEADER_LENGTH, fields: SLL_FIELDS }
      : linkType === LINKTYPE.LINUX_SLL2
        ? { length: SLL2_HEADER_LENGTH, fields: SLL2_FIELDS }
        : null;
  const out: BpfInstruction[] = [];
  for (const ins of program) {
    const cls = bpfClass(ins.code);
    if (cls === BPF_RET) {
      const keep = bpfRval(ins.code) === BPF_K && ins.k !== 0;
      out.push(keep ? { ...ins, k: KEEP_ALL } : ins);
      continue;
    }
    const mode = bpfMode(ins.code);
    const readsPacket =
      (cls === BPF_LD || cls === BPF_LDX) &&
      (mode === BPF_ABS || mode === BPF_IND || mode === BPF_MSH);
    if (cooked === null || !readsPacket) {
      out.push(ins);
      continue;
    }
    if (ins.k >= cooked.length) {
      out.push({ ...ins, k: ins.k - cooked.length });
      continue;
    }
    const field = mode === BPF_ABS ? cooked.fields.get(ins.k) : undefined;
    if (field === undefined || field[0] !== bpfSize(ins.code)) return null;
    out.push({ ...ins, k: SKF_AD_OFF + field[1] });
  }
  return out;
}
