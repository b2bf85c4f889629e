/**
 * bench/http: evnet's web-standard API, serve({ fetch }), following the server protocol in
 * ../run.mjs. GET /1m.bin answers `new Response(file(path))`, which evnet sends with sendfile
 * (as bun.mjs does with `Bun.file`).
 *
 *   PORT=8080 DOCROOT=dir [EVNET_DIST=dist] node servers/evnet-fetch.mjs
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const dist = process.env.EVNET_DIST ?? path.resolve(import.meta.dirname, "../../../dist");
const { serve, file } = await import(pathToFileURL(path.join(dist, "src/http/index.js")).href);

const port = Number(process.env.PORT);
const docroot = process.env.DOCROOT;
const bigFile = docroot ? path.join(docroot, "1m.bin") : undefined;

serve({
  host: "127.0.0.1",
  port,
  keepAliveTimeout: 300_000,
  fetch(request) {
    if (bigFile && request.url.endsWith("/1m.bin")) {
      return new Response(file(bigFile, "application/octet-stream"));
    }
    return new Response("Hello, World!", { headers: { "Content-Type": "text/plain" } });
  },
});
process.on("SIGTERM", () => process.exit(0));
