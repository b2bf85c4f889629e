/** What the capture-file readers deliver and the writers accept. */

/**
 * One captured packet.
 *
 * `data` is a view, not a copy: by default it points into the reader's buffer (or into the
 * bytes given to `readCaptureBytes`), and a streaming reader reuses that buffer when it
 * refills it. Use the record before asking for the next one, or pass `{ copy: true }` to
 * the reader to give every record its own bytes.
 */
export interface PacketRecord {
  /** Index of the interface in its pcapng section; 0 for pcap. */
  interfaceId: number;
  /** LINKTYPE_* of the interface (see linktype.ts). */
  linkType: number;
  /** Timestamp: whole seconds since the epoch (if_tsoffset already added). */
  seconds: number;
  /** Fractional part of the timestamp in nanoseconds, 0..999_999_999. */
  nanos: number;
  /** Bytes present in `data`. */
  capturedLength: number;
  /** Length of the packet on the wire. */
  originalLength: number;
  /** The captured bytes (a view: see above). */
  data: Uint8Array;
  /** The packet's comments (pcapng opt_comment), joined with "\n" when there are several. */
  comment?: string;
  /** pcapng epb_flags (direction, reception type, FCS length), when present. */
  flags?: number;
}

/** An interface described by a pcapng IDB, or the single interface of a pcap file. */
export interface InterfaceInfo {
  linkType: number;
  /** The link type field exactly as stored in the file (see canonicalLinkType). */
  fileLinkType: number;
  /** Maximum captured length per packet; 0 means no limit. */
  snaplen: number;
  /** The if_tsresol byte: 6 means microseconds, 9 nanoseconds, 0x80|n means 2^-n seconds. */
  tsresol: number;
  /** Seconds added to every timestamp of this interface (if_tsoffset). */
  tsoffset: number;
  name?: string;
  description?: string;
  comment?: string;
  filter?: string;
  os?: string;
  hardware?: string;
  /** Bits per second (if_speed). */
  speed?: number;
  /** Length of the frame check sequence at the end of each packet, in bytes (if_fcslen). */
  fcsLength?: number;
}

/** A pcapng section, opened by its Section Header Block. */
export interface SectionInfo {
  littleEndian: boolean;
  majorVersion: number;
  minorVersion: number;
  /** Length of the section in bytes, or -1 when the writer did not know it. */
  sectionLength: number;
  hardware?: string;
  os?: string;
  userApplication?: string;
  comment?: string;
  interfaces: InterfaceInfo[];
}

/** One address-to-names record of a pcapng Name Resolution Block. */
export interface NameResolutionEntry {
  /** "127.0.0.1" or "::1" (RFC 5952 form). */
  address: string;
  names: string[];
}

/** The global header of a classic pcap file. */
export interface PcapHeader {
  littleEndian: boolean;
  nanosecond: boolean;
  majorVersion: number;
  minorVersion: number;
  snaplen: number;
  linkType: number;
  /** Length of the FCS included at the end of each packet, when the header says so. */
  fcsLength?: number;
}

/**
 * What the writers accept: a PacketRecord, or any object with a timestamp and bytes.
 * `capturedLength` (default `data.length`) may cut the data; `originalLength` defaults to
 * `data.length`. Writers cut the data to their snaplen and keep the original length.
 */
export interface WritableRecord {
  seconds: number;
  nanos: number;
  data: Uint8Array;
  capturedLength?: number;
  originalLength?: number;
  /** pcapng only: which interface (as returned by addInterface); default 0. */
  interfaceId?: number;
  /** pcapng only: written as opt_comment (one per line is not implied; written as given). */
  comment?: string;
  /** pcapng only: written as epb_flags. */
  flags?: number;
}

/**
 * A pcapng Interface Statistics Block: counters an interface reported at some time. The
 * timestamp is read in the interface's resolution, as the format says; dumpcap 4.0 writes
 * it in microseconds whatever if_tsresol is, so its ISB times come out scaled down.
 */
export interface InterfaceStatistics {
  /** Index of the section (in `sections`) the block belongs to. */
  section: number;
  interfaceId: number;
  seconds: number;
  nanos: number;
  /** Packets the interface received (isb_ifrecv). */
  received?: number;
  /** Packets the interface dropped for lack of resources (isb_ifdrop). */
  dropped?: number;
  /** Packets the capture filter accepted (isb_filteraccept). */
  filterAccepted?: number;
  /** Packets the OS dropped (isb_osdrop). */
  osDropped?: number;
  /** Packets delivered to the user (isb_usrdeliv). */
  delivered?: number;
  comment?: string;
}
