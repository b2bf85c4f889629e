/**
 * Runs the built `evnet` command and its peers for the CLI tests. The command is found next
 * to this file's build output (<out>/test/cli -> <out>/src/cli/main.js), so the tests run
 * the same way from dist/ and from a private build folder. Fixture paths are relative to
 * the repository root, where the tests are run from.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
export const LOOPBACK = "test/fixtures/packet/decode-loopback.pcap";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BinaryRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/** `evnet read ...args`, with `input` on stdin. */
export function evnetRead(args: readonly string[], input?: Uint8Array): Run {
  const r = spawnSync(process.execPath, [MAIN, "read", ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `evnet read ...args` when stdout carries a capture (`-w -`). */
export function evnetReadBinary(args: readonly string[]): BinaryRun {
  const r = spawnSync(process.execPath, [MAIN, "read", ...args], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

/** `evnet ...args` (the top-level command). */
export function evnet(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** tcpdump with `args`; never throws (bad filters and files are compared too). */
export function tcpdump(args: readonly string[]): Run {
  const r = spawnSync("tcpdump", args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The lines tcpdump prints for a capture, with evnet read's default options. */
export function tcpdumpLines(
  file: string,
  expression: string[] = [],
  extra: string[] = [],
): string[] {
  return lines(tcpdump(["-n", "-tt", "-S", ...extra, "-r", file, ...expression]).stdout);
}

/** How many packets tcpdump reads from a capture (it must be able to read it). */
export function tcpdumpCount(file: string): number {
  const text = execFileSync("tcpdump", ["-n", "-r", file], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 256 * 1024 * 1024,
  });
  return lines(text).length;
}

/** Non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}
