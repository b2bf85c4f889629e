#!/usr/bin/env node
/**
 * The `evnet` command. Each subcommand lives in its own module and is loaded only when asked
 * for, so `evnet --version` does not load koffi or the packet decoders.
 */
import { readFileSync } from "node:fs";

interface Command {
  summary: string;
  load: () => Promise<{ main(argv: string[]): Promise<number> }>;
}

/** Subcommands, each imported only when it runs. */
const commands: Record<string, Command> = {
  capture: { summary: "capture live packets like tcpdump -i", load: () => import("./capture.js") },
  read: {
    summary: "print or filter a pcap/pcapng capture like tcpdump -r",
    load: () => import("./read.js"),
  },
  serve: {
    summary: "serve a directory over HTTP/1.1 like a small nginx",
    load: () => import("./serve.js"),
  },
};

function version(): string {
  const pkg = JSON.parse(
    readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
  ) as {
    version: string;
  };
  return pkg.version;
}

function usage(): string {
  const lines = [
    "usage: evnet <command> [options]",
    "",
    "Event-driven network toolkit: a libev-style loop, TCP/UDP/HTTP, packet tools.",
    "",
    "commands:",
  ];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push(
    "",
    "options:",
    "  -h, --help     show this help",
    "  -V, --version  print the version",
  );
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    process.stdout.write(`${usage()}\n`);
    return first === undefined ? 1 : 0;
  }
  if (first === "-V" || first === "--version") {
    process.stdout.write(`evnet ${version()}\n`);
    return 0;
  }
  const command = commands[first];
  if (!command) {
    process.stderr.write(`evnet: unknown command "${first}"\n\n${usage()}\n`);
    return 2;
  }
  return (await command.load()).main(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`evnet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
