// Public surface of evnet's capture-file support: pcap and pcapng readers and writers.
export { CaptureFileError, type CaptureFileErrorCode } from "./error.js";
export {
  canonicalLinkType,
  DLT,
  dltToLinkType,
  formatLinkType,
  LINKTYPE,
  linkTypeDescription,
  linkTypeFromName,
  linkTypeName,
  linkTypeToDlt,
} from "./linktype.js";
export { type CaptureFormat, CaptureParser, type CaptureParserOptions } from "./parser.js";
export { canCopyPcapRecords, copyPcapRecords, type RecordSelector } from "./pcap_copy.js";
export { PcapWriter, type PcapWriterOptions } from "./pcap_writer.js";
export {
  type PcapngInterfaceOptions,
  type PcapngSectionOptions,
  PcapngWriter,
} from "./pcapng_writer.js";
export {
  CaptureFileReader,
  type ReadCaptureOptions,
  readCaptureBytes,
  readCaptureFile,
} from "./read.js";
export type {
  InterfaceInfo,
  InterfaceStatistics,
  NameResolutionEntry,
  PacketRecord,
  PcapHeader,
  SectionInfo,
  WritableRecord,
} from "./record.js";
export { type CaptureSink, FileSink, type FileSinkOptions, MemorySink } from "./sink.js";
