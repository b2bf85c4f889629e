/**
 * bench/http peer: Bun.serve with a fetch handler, run by the `bun` binary (the npm package
 * `bun`, installed by run.mjs into bench/.build/bun, not a project dependency).
 *
 *   PORT=8080 [DOCROOT=dir] bun servers/bun.mjs
 *
 * GET / answers "Hello, World!" (text/plain); GET /1m.bin answers Bun.file(DOCROOT/1m.bin),
 * which Bun sends with sendfile. The path is compared on the end of req.url (a full URL in
 * Bun) rather than parsed with new URL(), the cheapest check a Bun app would write. Idle
 * connections are kept for 255 s, Bun's maximum (its default is 10 s).
 */
/* global Bun */
const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`bun: set PORT to a TCP port (got ${process.env.PORT})`);
  process.exit(2);
}
const docroot = process.env.DOCROOT;
const bigFile = docroot ? `${docroot}/1m.bin` : undefined;
const HELLO_HEADERS = { "Content-Type": "text/plain" };

Bun.serve({
  hostname: "127.0.0.1",
  port,
  idleTimeout: 255,
  fetch(req) {
    const url = req.url;
    if (bigFile && url.endsWith("/1m.bin")) return new Response(Bun.file(bigFile));
    if (!url.endsWith("/")) return new Response("not found\n", { status: 404 });
    return new Response("Hello, World!", { headers: HELLO_HEADERS });
  },
});
process.on("SIGTERM", () => process.exit(0));
