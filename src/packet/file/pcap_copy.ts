/**
 * Copying the selected records of a classic pcap file into a pcap writer without an object
 * per record: the path `evnet read FILE -w OUT EXPR` takes for pcap input, where building a
 * PacketRecord, a view of its bytes and a fresh header for each of a million packets cost
 * more than reading and filtering them.
 *
 * Records are walked where they lie in the reader's buffer (CaptureParser.nextPcapRaw), the
 * selector looks at them there, and a record the writer would write unchanged is not written
 * on its own: consecutive selected records form one run of bytes, handed to the writer in
 * one piece when the run breaks or the buffer is refilled. A record the writer would change
 * (a fraction of a second or more, more bytes than its snaplen, a 24-byte header of the
 * modified format) goes through PacketRecord and PcapWriter.write, so the output is the same
 * bytes the record-by-record path writes.
 *
 * @example
 * ```ts
 * const reader = new CaptureFileReader("in.pcap");
 * reader.next(); // reads the file header (and the first record, handled by the caller)
 * const writer = new PcapWriter("out.pcap", { linkType: reader.parser.pcapHeader!.linkType });
 * copyPcapRecords(reader, writer, null, Infinity);
 * writer.close();
 * reader.close();
 * ```
 */

import type { PcapWriter } from "./pcap_writer.js";
import type { CaptureFileReader } from "./read.js";

/**
 * Decides on the packet at `bytes[at, at + capturedLength)`: non-zero selects it. A compiled
 * BPF filter (compileBpfToJsAt) has this shape.
 */
export type RecordSelector = (
  bytes: Uint8Array,
  at: number,
  capturedLength: number,
  originalLength: number,
) => number;

/**
 * True when `copyPcapRecords` can copy from `reader` into `writer`: the reader is past the
 * header of a pcap file whose byte order and timestamp resolution the writer shares.
 */
export function canCopyPcapRecords(reader: CaptureFileReader, writer: PcapWriter): boolean {
  const header = reader.parser.pcapHeader;
  return (
    header !== null &&
    header.littleEndian === writer.littleEndian &&
    header.nanosecond === writer.nanosecond
  );
}

/**
 * Writes the records left in `reader` that `select` accepts (every one for null) to
 * `writer`, stopping after `limit` of them; returns how many were written. Errors in the
 * file are thrown as `reader.next()` throws them, after every record selected before the bad
 * one has reached the writer; a truncated last record goes to the reader's onWarning.
 */
export function copyPcapRecords(
  reader: CaptureFileReader,
  writer: PcapWriter,
  select: RecordSelector | null,
  limit: number,
): number {
  if (!canCopyPcapRecords(reader, writer)) {
    throw new TypeError("copyPcapRecords needs a pcap reader and a writer of the same kind");
  }
  const parser = reader.parser;
  const snaplen = writer.snaplen;
  let bytes = parser.rawBytes;
  let selected = 0;
  // The run of records waiting to be written: bytes[runStart, runEnd), runCount records.
  let runStart = 0;
  let runEnd = 0;
  let runCount = 0;
  try {
    while (selected < limit) {
      if (!parser.nextPcapRaw()) {
        if (runCount > 0) {
          const count = runCount;
          runCount = 0;
          writer.writeRecords(bytes, runStart, runEnd, count);
        }
        if (!reader.fill()) break;
        bytes = parser.rawBytes;
        continue;
      }
      if (
        select !== null &&
        select(bytes, parser.rawDataStart, parser.rawCapturedLength, parser.rawOriginalLength) === 0
      ) {
        continue;
      }
      selected++;
      if (parser.rawRecordIsCanonical(snaplen)) {
        if (runCount > 0 && parser.rawStart === runEnd) {
          runEnd = parser.rawEnd;
          runCount++;
          continue;
        }
        if (runCount > 0) {
          const count = runCount;
          runCount = 0;
          writer.writeRecords(bytes, runStart, runEnd, count);
        }
        runStart = parser.rawStart;
        runEnd = parser.rawEnd;
        runCount = 1;
        continue;
      }
      if (runCount > 0) {
        const count = runCount;
        runCount = 0;
        writer.writeRecords(bytes, runStart, runEnd, count);
      }
      writer.write(parser.rawRecord());
    }
  } finally {
    // Records selected before an error in the file still reach the output.
    if (runCount > 0) writer.writeRecords(bytes, runStart, runEnd, runCount);
  }
  return selected;
}
