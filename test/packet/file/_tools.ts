// Running the real peers (tcpdump, dumpcap, tshark, capinfos, editcap) from tests, and
// making small live captures of loopback traffic the test generates itself.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import net from "node:net";

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

// tshark and dumpcap print this on every run as root; it says nothing about the file.
const ROOT_NOTICE = /^Running as user "root" and group "root"\. This could be dangerous\.\n?/m;

export function run(command: string, args: string[]): ToolResult {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 30_000 });
  if (result.error) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr.replace(ROOT_NOTICE, ""),
  };
}

/** `tshark -T fields` rows: interface id (0 when the format has none), len, cap_len, epoch. */
export function tsharkFrames(path: string): string[] {
  const r = run("tshark", [
    "-r",
    path,
    "-T",
    "fields",
    "-e",
    "frame.interface_id",
    "-e",
    "frame.len",
    "-e",
    "frame.cap_len",
    "-e",
    "frame.time_epoch",
  ]);
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [id, ...rest] = line.split("\t");
      return [id === "" ? "0" : id, ...rest].join("\t");
    });
}

/** A TCP echo exchange on 127.0.0.1: a handshake, three round trips, and the close. */
export async function loopbackExchange(port: number): Promise<void> {
  const client = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) =>
    client.once("connect", resolve).once("error", reject),
  );
  for (const message of ["one", "two", "x".repeat(1500)]) {
    client.write(message);
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= message.length) {
          client.off("data", onData);
          resolve();
        }
      };
      client.on("data", onData);
    });
  }
  client.end();
  await new Promise<void>((resolve) => client.once("close", () => resolve()));
}

export async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.on("data", (d) => socket.write(d));
    socket.on("end", () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts a capture tool, waits until its stderr says it is capturing, runs `traffic` until
 * the tool exits (it stops by itself after -c packets; killed after 15 s).
 */
export async function capture(
  command: string,
  args: string[],
  ready: RegExp,
  traffic: () => Promise<void>,
): Promise<ToolResult> {
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const guard = setTimeout(() => child.kill("SIGTERM"), 15_000);
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (ready.test(stderr)) resolve();
    });
    child.once("exit", () => reject(new Error(`${command} exited early: ${stderr}`)));
  });
  // A tool may announce itself a moment before its capture is armed: repeat the traffic
  // until it has seen its -c packets and exits (bounded).
  let done = false;
  void exited.then(() => (done = true));
  for (let round = 0; round < 20 && !done; round++) {
    await traffic();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const status = await exited;
  clearTimeout(guard);
  return { status, stdout, stderr: stderr.replace(ROOT_NOTICE, "") };
}
