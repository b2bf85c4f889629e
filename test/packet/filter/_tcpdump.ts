/**
 * tcpdump as the oracle of the filter tests: which packets of a capture does
 * `tcpdump -r FILE EXPR` select? tcpdump writes the selected packets (`-w -`), and they are
 * matched back to their indices in the original file by timestamp and bytes, in order.
 */
import { execFile } from "node:child_process";
import { readCaptureBytes, readCaptureFile } from "../../../src/packet/file/index.js";

export interface CapturePacket {
  seconds: number;
  nanos: number;
  data: Uint8Array;
  originalLength: number;
}

export function loadCapture(path: string): { linkType: number; packets: CapturePacket[] } {
  let linkType = -1;
  const packets: CapturePacket[] = [];
  for (const r of readCaptureFile(path, { copy: true })) {
    linkType = r.linkType;
    packets.push({
      seconds: r.seconds,
      nanos: r.nanos,
      data: r.data,
      originalLength: r.originalLength,
    });
  }
  return { linkType, packets };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** tcpdump's verdict per packet, or its error message when it refuses the expression. */
export function tcpdumpVerdicts(
  path: string,
  packets: CapturePacket[],
  expression: string,
): Promise<{ verdicts: boolean[] } | { error: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "tcpdump",
      ["-r", path, "-w", "-", expression],
      { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          const message = stderr
            .toString()
            .split("\n")
            .find((l) => l.startsWith("tcpdump: "));
          if (message !== undefined) resolve({ error: message.slice("tcpdump: ".length) });
          else reject(err);
          return;
        }
        const selected = readCaptureBytes(new Uint8Array(stdout));
        const verdicts = packets.map(() => false);
        let i = 0;
        for (const s of selected) {
          while (
            i < packets.length &&
            !(
              packets[i]!.seconds === s.seconds &&
              packets[i]!.nanos === s.nanos &&
              sameBytes(packets[i]!.data, s.data)
            )
          ) {
            i++;
          }
          if (i === packets.length) {
            reject(new Error(`tcpdump returned a packet that is not in ${path}`));
            return;
          }
          verdicts[i++] = true;
        }
        resolve({ verdicts });
      },
    );
  });
}

/** `tcpdump -d` output for an expression on a capture's link type (its header line removed). */
export function tcpdumpDisassembly(path: string, expression: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("tcpdump", ["-d", "-r", path, expression], (err, stdout, stderr) => {
      if (err) reject(new Error(stderr));
      else resolve(stdout);
    });
  });
}
