/**
 * bench/http: evnet's web-standard API, serve({ fetch }), following the server protocol in
 * ../run.mjs. GET /1m.bin answers a Response whose body streams the file (what a fetch-style
 * app does; the fetch API has no sendfile).
 *
 *   PORT=8080 DOCROOT=dir [EVNET_DIST=dist] node servers/evnet-fetch.mjs
 */
import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

const dist = process.env.EVNET_DIST ?? path.resolve(import.meta.dirname, "../../../dist");
const { serve } = await import(pathToFileURL(path.join(dist, "src/http/index.js")).href);

const port = Number(process.env.PORT);
const docroot = process.env.DOCROOT;
const bigFile = docroot ? path.join(docroot, "1m.bin") : undefined;
const bigSize = bigFile ? statSync(bigFile).size : 0;

serve({
  host: "127.0.0.1",
  port,
  keepAliveTimeout: 300_000,
  fetch(request) {
    if (bigFile && request.url.endsWith("/1m.bin")) {
      return new Response(Readable.toWeb(createReadStream(bigFile)), {
        headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bigSize) },
      });
    }
    return new Response("Hello, World!", { headers: { "Content-Type": "text/plain" } });
  },
});
process.on("SIGTERM", () => process.exit(0));
