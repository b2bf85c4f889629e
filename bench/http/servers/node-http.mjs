/**
 * bench/http peer: Node's own node:http, written the way its documentation shows, the
 * baseline every ratio in bench/http is taken against.
 *
 *   PORT=8080 [DOCROOT=dir] node servers/node-http.mjs
 *
 * GET / answers "Hello, World!" (text/plain) with keep-alive; GET /1m.bin streams
 * DOCROOT/1m.bin with fs.createReadStream (what a plain Node app does; Node has no sendfile).
 * Idle keep-alive connections are kept for 300 s instead of Node's default 5 s, so that the
 * idle-connection scenario measures memory rather than Node closing them.
 */
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`node-http: set PORT to a TCP port (got ${process.env.PORT})\n`);
  process.exit(2);
}
const docroot = process.env.DOCROOT;
const bigFile = docroot ? path.join(docroot, "1m.bin") : undefined;
const bigSize = bigFile ? statSync(bigFile).size : 0;
const HELLO = "Hello, World!";

const server = http.createServer((req, res) => {
  if (req.url === "/1m.bin" && bigFile) {
    res.writeHead(200, {
      "Content-Type": "application/octet-stream",
      "Content-Length": bigSize,
    });
    createReadStream(bigFile).pipe(res);
    return;
  }
  if (req.url !== "/") {
    res.writeHead(404, { "Content-Type": "text/plain", "Content-Length": 10 });
    res.end("not found\n");
    return;
  }
  res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": HELLO.length });
  res.end(HELLO);
});
server.keepAliveTimeout = 300_000;
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
