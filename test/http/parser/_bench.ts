/**
 * Cost of parsing a typical request head, evnet's parser side by side with Node's llhttp
 * (through `_http_common`, the binding node:http itself uses), in the same process.
 *
 *   node /tmp/build-parser/test/http/parser/_bench.js [messages]
 *
 * It belongs in bench/ (the parser's folders are all this file's author may touch); it does
 * nothing when loaded by `node --test`.
 */
import { createRequire } from "node:module";
import { HttpParser, type MessageHead } from "../../../src/http/parser/index.js";

/** A 194-byte GET with 6 header fields, as curl or a browser's fetch sends it. */
export const TYPICAL_GET =
  "GET /api/v1/items?id=42&sort=asc HTTP/1.1\r\n" +
  "Host: example.com\r\n" +
  "User-Agent: curl/8.5.0\r\n" +
  "Accept: */*\r\n" +
  "Accept-Encoding: gzip, deflate, br\r\n" +
  "Connection: keep-alive\r\n" +
  "Cookie: session=abc123\r\n" +
  "\r\n";

/** The subset of node's internal HTTPParser used here. */
interface LlhttpParser {
  initialize(kind: number, resource: object): void;
  execute(data: Buffer): number | Error;
  [key: number]: unknown;
}
interface LlhttpModule {
  HTTPParser: {
    new (): LlhttpParser;
    REQUEST: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
}

function timeIt(label: string, messages: number, rounds: number, run: () => void): number {
  // CPU time rather than wall time: the machine is shared, and waiting for a core is not cost.
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    const us = (used.user + used.system) / messages;
    if (us < best) best = us;
  }
  console.log(`${label.padEnd(44)} ${best.toFixed(3)} CPU-µs/message (best of ${rounds})`);
  return best;
}

function main(): void {
  const count = Number(process.argv[2] ?? 200_000);
  const one = Buffer.from(TYPICAL_GET, "latin1");
  const batch = Buffer.from(TYPICAL_GET.repeat(16), "latin1");
  const half = one.length >> 1;
  let heads = 0;
  let last: MessageHead | null = null;
  const parser = new HttpParser("request", {
    onHead(head) {
      heads++;
      last = head;
    },
    onBody() {},
    onEnd() {},
  });
  console.log(`message: ${one.length} bytes, 6 header fields; node ${process.version}`);

  // A yardstick for the machine: one table lookup per byte of the message, the least any
  // validating scan can do. Compare ratios to it across machines, not raw numbers.
  const table = new Uint8Array(256).fill(1);
  let sink = 0;
  timeIt("yardstick: one table lookup per byte", count, 5, () => {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < one.length; j++) sink += table[one[j]];
    }
  });

  timeIt("evnet: one message per feed", count, 5, () => {
    for (let i = 0; i < count; i++) parser.feed(one);
  });
  timeIt("evnet: 16 pipelined messages per feed", count, 5, () => {
    for (let i = 0; i < count / 16; i++) parser.feed(batch);
  });
  timeIt("evnet: head split in two feeds", count, 5, () => {
    for (let i = 0; i < count; i++) {
      parser.feed(one, 0, half);
      parser.feed(one, half);
    }
  });

  const require = createRequire(import.meta.url);
  const { HTTPParser } = require("node:_http_common") as LlhttpModule;
  const ll = new HTTPParser();
  ll.initialize(HTTPParser.REQUEST, {});
  // llhttp hands raw header arrays to onHeadersComplete; node:http builds its objects later.
  ll[HTTPParser.kOnHeadersComplete] = () => {
    heads++;
  };
  ll[HTTPParser.kOnBody] = () => {};
  ll[HTTPParser.kOnMessageComplete] = () => {};
  timeIt("llhttp (node:_http_common): one per execute", count, 5, () => {
    for (let i = 0; i < count; i++) ll.execute(one);
  });
  timeIt("llhttp (node:_http_common): 16 per execute", count, 5, () => {
    for (let i = 0; i < count / 16; i++) ll.execute(batch);
  });
  console.log(
    `(${heads} heads, ${sink} bytes; last target ${(last as MessageHead | null)?.target})`,
  );
}

if (process.env.NODE_TEST_CONTEXT === undefined) main();
