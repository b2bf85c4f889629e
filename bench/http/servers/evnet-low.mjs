/**
 * bench/http: evnet's low-level API (createServer((req, res) => ...)), following the server
 * protocol in ../run.mjs. GET /1m.bin is served by serveStatic (sendfile from the page
 * cache, as nginx does); everything else is the hello-world answer.
 *
 *   PORT=8080 DOCROOT=dir [EVNET_DIST=dist] node servers/evnet-low.mjs
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = process.env.EVNET_DIST ?? path.resolve(import.meta.dirname, "../../../dist");
const { createServer, serveStatic } = await import(
  pathToFileURL(path.join(dist, "src/http/index.js")).href
);

const port = Number(process.env.PORT);
const docroot = process.env.DOCROOT;
const files = docroot ? serveStatic({ root: docroot }) : null;
const HELLO = Buffer.from("Hello, World!");

const server = createServer(
  (req, res) => {
    if (files && req.target === "/1m.bin") return files(req, res);
    res.setHeader("Content-Type", "text/plain");
    res.end(HELLO);
  },
  { keepAliveTimeout: 300_000 },
);
server.listen({ host: "127.0.0.1", port });
process.on("SIGTERM", () => process.exit(0));
