// Numbers that identify the two capture formats and their parts.
// pcap: the IETF draft "PCAP Capture File Format"; pcapng: draft-ietf-opsawg-pcapng.

export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
/** Alexey Kuznetzov's patched libpcap: 24-byte record headers (ifindex, protocol, type). */
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;
export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
export const PCAP_MODIFIED_RECORD_HEADER_LENGTH = 24;
/** libpcap refuses records longer than this unless the file's snaplen is larger. */
export const PCAP_MAX_SNAPLEN = 262144;

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_OPB = 0x00000002;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_NRB = 0x00000004;
export const BLOCK_ISB = 0x00000005;
export const BLOCK_EPB = 0x00000006;
export const BLOCK_CUSTOM = 0x00000bad;
export const BLOCK_CUSTOM_NOCOPY = 0x40000bad;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;
export const OPT_SHB_HARDWARE = 2;
export const OPT_SHB_OS = 3;
export const OPT_SHB_USERAPPL = 4;
export const OPT_IF_NAME = 2;
export const OPT_IF_DESCRIPTION = 3;
export const OPT_IF_SPEED = 8;
export const OPT_IF_TSRESOL = 9;
export const OPT_IF_FILTER = 11;
export const OPT_IF_OS = 12;
export const OPT_IF_FCSLEN = 13;
export const OPT_IF_TSOFFSET = 14;
export const OPT_IF_HARDWARE = 15;
export const OPT_EPB_FLAGS = 2;
export const OPT_ISB_IFRECV = 4;
export const OPT_ISB_IFDROP = 5;
export const OPT_ISB_FILTERACCEPT = 6;
export const OPT_ISB_OSDROP = 7;
export const OPT_ISB_USRDELIV = 8;

export const NRB_RECORD_END = 0;
export const NRB_RECORD_IPV4 = 1;
export const NRB_RECORD_IPV6 = 2;

/** The default for both readers: a block or record larger than this is taken as corrupt. */
export const DEFAULT_MAX_BLOCK_LENGTH = 64 * 1024 * 1024;

/** Bytes of padding that bring `length` to a multiple of 4. */
export function pad4(length: number): number {
  return (4 - (length & 3)) & 3;
}
