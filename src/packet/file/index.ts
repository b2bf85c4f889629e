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
export {
  CaptureFileReader,
  type ReadCaptureOptions,
  readCaptureBytes,
  readCaptureFile,
} from "./read.js";
export type {
  InterfaceInfo,
  NameResolutionEntry,
  PacketRecord,
  PcapHeader,
  SectionInfo,
} from "./record.js";
