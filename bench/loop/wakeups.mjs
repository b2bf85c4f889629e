/**
 * Cost of one wake-up, owned vs hosted: a loop whose Io callback reads one byte from a pipe
 * and writes the byte that wakes it next, 100,000 times. Owned mode blocks in epoll_wait;
 * hosted mode is woken by Node's libuv and a koffi callback each time.
 *
 *   npm run build && node bench/loop/wakeups.mjs [owned|hosted] [--dist DIR]
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const distAt = args.indexOf("--dist");
const dist = path.resolve(
  distAt >= 0 ? args[distAt + 1] : path.join(import.meta.dirname, "../../dist"),
);
const { Loop, Io, EV } = await import(pathToFileURL(path.join(dist, "src/loop/index.js")).href);
const { pipe, read, write } = await import(pathToFileURL(path.join(dist, "src/sys/index.js")).href);

const N = 100_000;
for (const mode of args.filter((a) => a === "owned" || a === "hosted").length
  ? args.filter((a) => a === "owned" || a === "hosted")
  : ["owned", "hosted"]) {
  const loop = new Loop();
  const [r, w] = pipe();
  const buf = Buffer.alloc(16);
  const one = Buffer.from("x");
  let n = 0;
  const io = new Io(loop, r, EV.READ, () => {
    read(r, buf);
    if (++n < N) write(w, one);
    else io.stop();
  });
  io.start();
  write(w, one);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (mode === "owned") loop.run();
  else await loop.host();
  const wall = Number(process.hrtime.bigint() - t0) / 1e3 / N;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${mode}: ${wall.toFixed(2)} µs per wake-up (wall), ${((cpu.user + cpu.system) / N).toFixed(2)} µs CPU`,
  );
  loop.destroy();
}
