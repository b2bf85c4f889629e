/**
 * `evnet serve [DIR]`: serves a directory over HTTP/1.1 like a small nginx. With
 * `--workers N`, N processes share the port through SO_REUSEPORT (the kernel spreads the
 * connections), each optionally pinned to its own CPU (`--pin`, what the notes do with
 * taskset); the master restarts a worker that dies and passes SIGINT/SIGTERM on for a
 * graceful stop.
 */
import { type ChildProcess, fork } from "node:child_process";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const USAGE = `usage: evnet serve [DIR] [options]

Serves DIR (default: the current directory) over HTTP/1.1.

options:
  -p, --port PORT         port to listen on (default 8080; 0 picks a free one)
  -H, --host ADDR         numeric address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)
      --list              list directories that have no index.html
      --follow-symlinks   serve symlinks that lead outside DIR
      --workers N         N worker processes sharing the port (SO_REUSEPORT)
      --pin               pin worker i to CPU i (sched_setaffinity)
  -q, --quiet             no access log
  -h, --help              show this help
`;

interface ServeArgs {
  root: string;
  port: number;
  host: string;
  list: boolean;
  followSymlinks: boolean;
  workers: number;
  pin: boolean;
  quiet: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): ServeArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: "string", short: "p", default: "8080" },
      host: { type: "string", short: "H", default: "127.0.0.1" },
      list: { type: "boolean", default: false },
      "follow-symlinks": { type: "boolean", default: false },
      workers: { type: "string", default: "0" },
      pin: { type: "boolean", default: false },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  if (positionals.length > 1)
    throw new UsageError(`one directory expected, got ${positionals.length}`);
  const root = resolve(positionals[0] ?? ".");
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`not a directory: ${root}`);
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535)
    throw new UsageError(`invalid port: ${values.port}`);
  const workers = Number(values.workers);
  if (!/^\d+$/.test(values.workers) || workers > 1024) {
    throw new UsageError(`invalid worker count: ${values.workers}`);
  }
  return {
    root,
    port,
    host: values.host,
    list: values.list,
    followSymlinks: values["follow-symlinks"],
    workers,
    pin: values.pin,
    quiet: values.quiet,
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: ServeArgs | "help";
  try {
    args = parse(argv);
  } catch (err) {
    process.stderr.write(`evnet serve: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const worker = process.env.EVNET_SERVE_WORKER;
  if (worker !== undefined) return runWorker(args, Number(worker));
  if (args.workers > 0) return runMaster(args);
  return runWorker(args, -1);
}

/** One serving process; `index` >= 0 for a worker of a master. */
async function runWorker(args: ServeArgs, index: number): Promise<number> {
  const { createServer } = await import("../http/server/server.js");
  const { serveStatic } = await import("../http/serve-static.js");
  if (args.pin && index >= 0) {
    // The i-th of the CPUs this process may use (under taskset that is not 0..n-1).
    const { getCpuAffinity, setCpuAffinity } = await import("../sys/index.js");
    const allowed = getCpuAffinity();
    setCpuAffinity([allowed[index % allowed.length]!]);
  }
  const handler = serveStatic({
    root: args.root,
    listDirectories: args.list,
    followSymlinks: args.followSymlinks,
    accessLog: args.quiet ? null : (line) => process.stdout.write(`${line}\n`),
  });
  const server = createServer(handler);
  try {
    server.listen({ host: args.host, port: args.port, reusePort: index >= 0 });
  } catch (err) {
    process.stderr.write(
      `evnet serve: cannot listen on ${args.host}:${args.port}: ${(err as Error).message}\n`,
    );
    return 1;
  }
  const { address, port, family } = server.address();
  const shown = family === "IPv6" ? `[${address}]` : address;
  if (index < 0)
    process.stderr.write(`evnet serve: serving ${args.root} on http://${shown}:${port}/\n`);
  else process.send?.({ listening: port, pid: process.pid, index });
  await new Promise<void>((done) => {
    // Ctrl-C reaches the whole process group and the master then sends SIGTERM: the
    // handlers stay installed (a second signal must not kill the worker mid-shutdown).
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      server.close().then(done, done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}

/** The master: starts the workers, restarts the ones that die, stops them on a signal. */
async function runMaster(args: ServeArgs): Promise<number> {
  let port = args.port;
  // Port 0 and several workers: they must agree on one port. A bound (not listening)
  // SO_REUSEPORT socket holds a free port that the workers then join.
  let holder: { close(): void } | null = null;
  if (port === 0) {
    const sys = await import("../sys/index.js");
    const fd = sys.socket(sys.familyOf(args.host), sys.SOCK_STREAM);
    sys.setIntOption(fd, sys.SOL_SOCKET, sys.SO_REUSEPORT, 1);
    sys.bind(fd, sys.encodeAddress(args.host, 0));
    port = sys.localAddress(fd).port;
    holder = { close: () => sys.close(fd) };
  }
  const script = process.argv[1]!;
  const workerArgs = process.argv.slice(2);
  const portAt = workerArgs.findIndex((a) => a === "--port" || a === "-p");
  if (portAt >= 0) workerArgs[portAt + 1] = String(port);
  else workerArgs.push("--port", String(port));
  const children = new Map<number, ChildProcess>();
  let stopping = false;
  let failed = false;
  let allExited: () => void = () => {};
  let announced = 0;
  const restarts: number[] = [];

  const start = (index: number) => {
    const child = fork(script, workerArgs, {
      env: { ...process.env, EVNET_SERVE_WORKER: String(index) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.set(index, child);
    child.on("message", (msg: { listening?: number; pid?: number }) => {
      if (msg.listening === undefined) return;
      process.stderr.write(`evnet serve: worker ${index} (pid ${msg.pid}) listening\n`);
      if (++announced === args.workers) {
        const shown = args.host.includes(":") ? `[${args.host}]` : args.host;
        process.stderr.write(
          `evnet serve: serving ${args.root} on http://${shown}:${port}/ with ${args.workers} workers\n`,
        );
      }
    });
    child.on("exit", (code, signal) => {
      children.delete(index);
      if (stopping) {
        if (children.size === 0) allExited();
        return;
      }
      // A worker died: restart it, unless workers die in a tight loop (then give up).
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 10_000) restarts.shift();
      process.stderr.write(`evnet serve: worker ${index} exited (${signal ?? code}); restarting\n`);
      if (restarts.length > 5 * args.workers) {
        process.stderr.write("evnet serve: workers keep dying; stopping\n");
        failed = true;
        stop();
        return;
      }
      start(index);
    });
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (children.size === 0) allExited();
    for (const child of children.values()) child.kill("SIGTERM");
  };
  for (let i = 0; i < args.workers; i++) start(i);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await new Promise<void>((done) => {
    allExited = done;
  });
  holder?.close();
  return failed ? 1 : 0;
}
