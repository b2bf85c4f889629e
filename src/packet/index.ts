/**
 * evnet/packet: capture files, protocol decoders, tcpdump's filter language and the classic
 * BPF machine it compiles to, in one import.
 *
 * - `file/`: pcap and pcapng readers (streaming) and writers, link types.
 * - `decode/`: layered decoders from the link layer to DNS/DHCP, tcpdump-style one-line
 *   summaries, JSON.
 * - `filter/`: filter text -> AST -> classic BPF for a link type.
 * - `bpf/`: validator, interpreter, BPF -> JavaScript compiler, `tcpdump -d` disassembler.
 *
 * @example
 * import { compileFilter, compileBpfToJs, decodePacket, formatPacketLine, readCaptureFile } from "evnet/packet";
 * let match: ((data: Uint8Array, wireLength: number) => number) | null = null;
 * for (const rec of readCaptureFile("trace.pcap")) {
 *   match ??= compileBpfToJs(compileFilter("tcp port 80", { linkType: rec.linkType }));
 *   if (match(rec.data, rec.originalLength) === 0) continue;
 *   console.log(formatPacketLine(decodePacket(rec.linkType, rec.data, rec.originalLength), rec));
 * }
 */
export * from "./bpf/index.js";
export * from "./decode/index.js";
export * from "./file/index.js";
export * from "./filter/index.js";
