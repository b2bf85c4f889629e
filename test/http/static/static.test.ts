import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  etagFor,
  httpDate,
  StaticFiles,
  type StaticOptions,
  type StaticResponse,
} from "../../../src/http/static/index.js";
import { header, openFdCount, parseMultipart, request, wireBody } from "./_helpers.js";

const MTIME_S = 1_700_000_000; // 2023-11-14T22:13:20Z
const SECRET = "TOP-SECRET outside the root";
const HELLO = "hello, world\n";
const BIG = randomBytes(10_000);

let tmp = "";
let root = "";
let fdsBefore = 0;

function write(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data);
  utimesSync(path, MTIME_S, MTIME_S);
}

before(() => {
  fdsBefore = openFdCount();
  tmp = mkdtempSync(join(tmpdir(), "evnet-static-"));
  root = join(tmp, "root");
  write(join(tmp, "secret.txt"), SECRET);
  mkdirSync(join(tmp, "outside"));
  write(join(tmp, "outside", "x.txt"), SECRET);
  mkdirSync(root);
  write(join(root, "a.txt"), HELLO);
  write(join(root, "big.bin"), BIG);
  write(join(root, "empty.txt"), "");
  write(join(root, ".hidden"), "dotfile");
  mkdirSync(join(root, "sub"));
  write(join(root, "sub", "index.html"), "<h1>sub</h1>");
  write(join(root, "sub", "inner.txt"), "inner");
  mkdirSync(join(root, "a b"));
  write(join(root, "a b", "index.html"), "spaced");
  mkdirSync(join(root, "example.com"));
  mkdirSync(join(root, "idx"));
  mkdirSync(join(root, "idx", "index.html"));
  write(join(root, "idx", "default.txt"), "default");
  mkdirSync(join(root, "list"));
  write(join(root, "list", "<b>&.txt"), "x");
  write(join(root, "list", "a b.txt"), "xy");
  write(join(root, "list", ".secret"), "hidden");
  mkdirSync(join(root, "list", "zdir"));
  symlinkSync("../a.txt", join(root, "list", "inlink.txt"));
  symlinkSync(join(tmp, "secret.txt"), join(root, "list", "outlink.txt"));
  symlinkSync("a.txt", join(root, "inlink.txt"));
  symlinkSync("a.txt", join(root, "link.bin"));
  symlinkSync(join(tmp, "secret.txt"), join(root, "outlink.txt"));
  symlinkSync("../outside", join(root, "outdir"));
  symlinkSync("sub", join(root, "sublink"));
  symlinkSync("nowhere", join(root, "dangling"));
  symlinkSync("loop2", join(root, "loop1"));
  symlinkSync("loop1", join(root, "loop2"));
  execFileSync("mkfifo", [join(root, "fifo")]);
});

after(() => {
  rmSync(tmp, { recursive: true, force: true });
  assert.equal(openFdCount(), fdsBefore, "no descriptor left open");
});

function files(options: Partial<StaticOptions> = {}): StaticFiles {
  return new StaticFiles({ root, ...options });
}

/** Responds and reads the body the way the transport would, checking its framing. */
async function fetchStatic(
  sf: StaticFiles,
  method: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<{ res: StaticResponse; body: Buffer }> {
  const res = await sf.respond(request(method, target, headers));
  const body = await wireBody(res, method);
  return { res, body };
}

const ETAG_HELLO = etagFor(MTIME_S * 1000, HELLO.length);
const LAST_MODIFIED = httpDate(MTIME_S * 1000);

describe("StaticFiles: files", () => {
  it("serves a file with type, length, validators and Accept-Ranges", async () => {
    const { res, body } = await fetchStatic(files(), "GET", "/a.txt");
    assert.equal(res.status, 200);
    assert.equal(body.toString(), HELLO);
    assert.deepEqual(res.headers, [
      ["Content-Type", "text/plain; charset=utf-8"],
      ["Content-Length", String(HELLO.length)],
      ["Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT"],
      ["ETag", `"6553f100-d"`],
      ["Accept-Ranges", "bytes"],
    ]);
    assert.equal(res.body.kind, "file");
  });

  it("answers HEAD with the GET head and no body", async () => {
    const sf = files();
    const get = await fetchStatic(sf, "GET", "/big.bin");
    const head = await fetchStatic(sf, "HEAD", "/big.bin");
    assert.equal(head.res.status, 200);
    assert.deepEqual(head.res.headers, get.res.headers);
    assert.equal(head.res.body.kind, "none");
    assert.equal(head.res.contentLength, BIG.length);
    assert.ok(get.body.equals(BIG));
  });

  it("serves an empty file with Content-Length 0 and no body to send", async () => {
    const { res, body } = await fetchStatic(files(), "GET", "/empty.txt");
    assert.equal(res.status, 200);
    assert.equal(header(res, "content-length"), "0");
    assert.equal(body.length, 0);
  });

  it("serves dotfiles when asked by name, as nginx does", async () => {
    const { res, body } = await fetchStatic(files(), "GET", "/.hidden");
    assert.equal(res.status, 200);
    assert.equal(body.toString(), "dotfile");
  });

  it("takes the Content-Type from the requested name, and from mimeTypes first", async () => {
    const viaLink = await fetchStatic(files(), "GET", "/link.bin");
    assert.equal(header(viaLink.res, "content-type"), "application/octet-stream");
    const overridden = await fetchStatic(
      files({ mimeTypes: { txt: "text/x-custom" } }),
      "GET",
      "/a.txt",
    );
    assert.equal(header(overridden.res, "content-type"), "text/x-custom");
  });

  it("omits ETag when etag is false", async () => {
    const { res } = await fetchStatic(files({ etag: false }), "GET", "/a.txt");
    assert.equal(header(res, "etag"), undefined);
    assert.equal(header(res, "last-modified"), LAST_MODIFIED);
  });

  it("answers 404 for a missing file and for a file with a trailing slash", async () => {
    for (const target of ["/missing.txt", "/a.txt/", "/sub/missing/deeper", "/a.txt/x"]) {
      const { res, body } = await fetchStatic(files(), "GET", target);
      assert.equal(res.status, 404, target);
      assert.equal(header(res, "content-type"), "text/html; charset=utf-8");
      assert.match(body.toString(), /<title>404 Not Found<\/title>/);
    }
  });

  it("refuses a FIFO without opening it", async () => {
    const { res } = await fetchStatic(files(), "GET", "/fifo");
    assert.equal(res.status, 403);
  });

  it("resolves dot segments inside the root", async () => {
    for (const target of ["/sub/../a.txt", "/sub/%2e%2e/a.txt", "/./a.txt", "//a.txt"]) {
      const { res, body } = await fetchStatic(files(), "GET", target);
      assert.equal(res.status, 200, target);
      assert.equal(body.toString(), HELLO);
    }
  });

  it("decodes percent-escapes in names", async () => {
    const { res, body } = await fetchStatic(files(), "GET", "/a%20b/index.html?q=1");
    assert.equal(res.status, 200);
    assert.equal(body.toString(), "spaced");
  });
});

describe("StaticFiles: methods and bad requests", () => {
  it("answers other methods with 405 and Allow", async () => {
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "get", "BREW"]) {
      const { res, body } = await fetchStatic(files(), method, "/a.txt");
      assert.equal(res.status, 405, method);
      assert.equal(header(res, "allow"), "GET, HEAD");
      assert.match(body.toString(), /405 Not Allowed/);
    }
  });

  it("answers 400 to bad escapes, bad UTF-8 and non-path targets", async () => {
    for (const target of ["/a%zz", "/a%2", "/%", "/%ff", "*", "a.txt", "/a#b"]) {
      const { res, body } = await fetchStatic(files(), "GET", target);
      assert.equal(res.status, 400, target);
      assert.match(body.toString(), /400 Bad Request/);
    }
  });

  it("gives HEAD the same error head with no body", async () => {
    const { res, body } = await fetchStatic(files(), "HEAD", "/missing");
    assert.equal(res.status, 404);
    assert.equal(body.length, 0);
    assert.ok(res.contentLength > 0);
  });
});

describe("StaticFiles: path safety", () => {
  const traversals = [
    "/../secret.txt",
    "/..%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/sub/../../secret.txt",
    "/sub/%2e%2e/%2e%2e/secret.txt",
    "/./../secret.txt",
    "//../secret.txt",
    "/a.txt%00",
    "/a.txt%00.html",
    "/%00/../secret.txt",
    "/\\..\\secret.txt",
    "/..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/sub%2f..%2f..%2fsecret.txt",
    "/outdir/../../secret.txt",
    "http://localhost/../secret.txt",
    "/outlink.txt",
    "/outdir/x.txt",
    "/list/outlink.txt",
    "/dangling",
    "/loop1",
  ];
  for (const target of traversals) {
    it(`never serves what lies outside the root: ${JSON.stringify(target)}`, async () => {
      for (const method of ["GET", "HEAD"]) {
        const { res, body } = await fetchStatic(files(), method, target, { range: "bytes=0-" });
        assert.ok(res.status === 400 || res.status === 404, `${method} ${target} -> ${res.status}`);
        assert.ok(!body.toString().includes("SECRET"));
        assert.notEqual(res.body.kind, "file");
      }
    });
  }

  it("serves symlinks that stay inside the root", async () => {
    const file = await fetchStatic(files(), "GET", "/inlink.txt");
    assert.equal(file.res.status, 200);
    assert.equal(file.body.toString(), HELLO);
    const inList = await fetchStatic(files(), "GET", "/list/inlink.txt");
    assert.equal(inList.body.toString(), HELLO);
    const dir = await fetchStatic(files(), "GET", "/sublink/inner.txt");
    assert.equal(dir.body.toString(), "inner");
  });

  it("follows symlinks out of the root only with followSymlinks", async () => {
    const sf = files({ followSymlinks: true });
    const file = await fetchStatic(sf, "GET", "/outlink.txt");
    assert.equal(file.res.status, 200);
    assert.equal(file.body.toString(), SECRET);
    const dir = await fetchStatic(sf, "GET", "/outdir/x.txt");
    assert.equal(dir.body.toString(), SECRET);
    // ".." is still resolved against the URL, never against where a link led.
    const climb = await fetchStatic(sf, "GET", "/outdir/../secret.txt");
    assert.equal(climb.res.status, 404);
    const above = await fetchStatic(sf, "GET", "/../secret.txt");
    assert.equal(above.res.status, 400);
  });

  it("works with a root that is itself a symlink", async () => {
    const linkRoot = join(tmp, "rootlink");
    symlinkSync("root", linkRoot);
    const sf = new StaticFiles({ root: linkRoot });
    const ok = await fetchStatic(sf, "GET", "/a.txt");
    assert.equal(ok.body.toString(), HELLO);
    const out = await fetchStatic(sf, "GET", "/outlink.txt");
    assert.equal(out.res.status, 404);
  });
});

describe("StaticFiles: directories", () => {
  it("redirects a directory without its slash, keeping the query", async () => {
    const cases: Array<[string, string]> = [
      ["/sub", "/sub/"],
      ["/sub?x=1&y", "/sub/?x=1&y"],
      ["/sub?", "/sub/?"],
      ["/a%20b", "/a%20b/"],
      ["//example.com", "/example.com/"],
      ["/sub/../sub", "/sub/"],
      ["/sublink", "/sublink/"],
    ];
    for (const [target, location] of cases) {
      const { res, body } = await fetchStatic(files(), "GET", target);
      assert.equal(res.status, 301, target);
      assert.equal(header(res, "location"), location);
      assert.match(body.toString(), /301 Moved Permanently/);
    }
    const head = await fetchStatic(files(), "HEAD", "/sub");
    assert.equal(head.res.status, 301);
    assert.equal(head.body.length, 0);
  });

  it("serves the index file of a directory", async () => {
    const { res, body } = await fetchStatic(files(), "GET", "/sub/");
    assert.equal(res.status, 200);
    assert.equal(header(res, "content-type"), "text/html; charset=utf-8");
    assert.equal(body.toString(), "<h1>sub</h1>");
  });

  it("tries index names in order and skips one that is a directory", async () => {
    const sf = files({ index: ["index.html", "default.txt"] });
    const { res, body } = await fetchStatic(sf, "GET", "/idx/");
    assert.equal(res.status, 200);
    assert.equal(header(res, "content-type"), "text/plain; charset=utf-8");
    assert.equal(body.toString(), "default");
  });

  it("answers 403 for a directory without index when listing is off", async () => {
    for (const target of ["/list/", "/example.com/"]) {
      const { res } = await fetchStatic(files(), "GET", target);
      assert.equal(res.status, 403, target);
    }
  });

  it("lists a directory when listDirectories is on", async () => {
    const { res, body } = await fetchStatic(files({ listDirectories: true }), "GET", "/list/");
    assert.equal(res.status, 200);
    assert.equal(header(res, "content-type"), "text/html; charset=utf-8");
    const html = body.toString();
    assert.ok(html.includes("<title>Index of /list/</title>"));
    assert.ok(html.includes('<a href="../">../</a>'));
    assert.ok(html.includes('<a href="./zdir/">zdir/</a>'));
    assert.ok(html.includes('<a href="./%3Cb%3E%26.txt">&lt;b&gt;&amp;.txt</a>'));
    assert.ok(html.includes('<a href="./a%20b.txt">a b.txt</a>'));
    assert.ok(html.includes('<a href="./inlink.txt">inlink.txt</a>'));
    assert.ok(!html.includes(".secret"), "dotfiles are not listed");
    assert.ok(!html.includes("outlink"), "links leading out are not listed");
    assert.ok(html.indexOf("zdir/") < html.indexOf("a b.txt"), "directories first");
  });

  it("lists links leading out when followSymlinks is on", async () => {
    const sf = files({ listDirectories: true, followSymlinks: true });
    const { body } = await fetchStatic(sf, "GET", "/list/");
    assert.ok(body.toString().includes("outlink.txt"));
  });

  it("ignores Range and conditionals on a listing", async () => {
    const sf = files({ listDirectories: true });
    const { res } = await fetchStatic(sf, "GET", "/list/", {
      range: "bytes=0-1",
      "if-none-match": "*",
    });
    assert.equal(res.status, 200);
    assert.equal(header(res, "etag"), undefined);
  });

  it("lists the root without a parent link", async () => {
    const { res, body } = await fetchStatic(
      files({ listDirectories: true, index: [] }),
      "GET",
      "/",
    );
    assert.equal(res.status, 200);
    assert.ok(!body.toString().includes("../"));
    assert.ok(body.toString().includes("a.txt"));
  });
});

describe("StaticFiles: conditional requests", () => {
  it("answers a matching If-None-Match with 304, validators and no body", async () => {
    for (const value of [ETAG_HELLO, `W/${ETAG_HELLO}`, `"x", ${ETAG_HELLO}`, "*"]) {
      for (const method of ["GET", "HEAD"]) {
        const { res } = await fetchStatic(files(), method, "/a.txt", { "if-none-match": value });
        assert.equal(res.status, 304, value);
        assert.deepEqual(res.headers, [
          ["Last-Modified", LAST_MODIFIED],
          ["ETag", ETAG_HELLO],
        ]);
        assert.equal(res.body.kind, "none");
      }
    }
  });

  it("lets If-None-Match decide over If-Modified-Since", async () => {
    const { res } = await fetchStatic(files(), "GET", "/a.txt", {
      "if-none-match": '"stale"',
      "if-modified-since": LAST_MODIFIED,
    });
    assert.equal(res.status, 200);
  });

  it("answers If-Modified-Since at or after Last-Modified with 304", async () => {
    const at = await fetchStatic(files(), "GET", "/a.txt", { "if-modified-since": LAST_MODIFIED });
    assert.equal(at.res.status, 304);
    const before = httpDate((MTIME_S - 1) * 1000);
    const older = await fetchStatic(files(), "GET", "/a.txt", { "if-modified-since": before });
    assert.equal(older.res.status, 200);
    const bad = await fetchStatic(files(), "GET", "/a.txt", { "if-modified-since": "nonsense" });
    assert.equal(bad.res.status, 200);
  });

  it("answers failed If-Match and If-Unmodified-Since with 412", async () => {
    const cases: Array<Record<string, string>> = [
      { "if-match": '"other"' },
      { "if-match": `W/${ETAG_HELLO}` },
      { "if-unmodified-since": httpDate((MTIME_S - 1) * 1000) },
    ];
    for (const headers of cases) {
      const { res, body } = await fetchStatic(files(), "GET", "/a.txt", headers);
      assert.equal(res.status, 412, JSON.stringify(headers));
      assert.match(body.toString(), /412 Precondition Failed/);
    }
    const ok = await fetchStatic(files(), "GET", "/a.txt", { "if-match": ETAG_HELLO });
    assert.equal(ok.res.status, 200);
  });

  it("does not match entity-tags when etag is off", async () => {
    const sf = files({ etag: false });
    const res = await fetchStatic(sf, "GET", "/a.txt", { "if-none-match": ETAG_HELLO });
    assert.equal(res.res.status, 200);
    const ims = await fetchStatic(sf, "GET", "/a.txt", { "if-modified-since": LAST_MODIFIED });
    assert.equal(ims.res.status, 304);
    assert.deepEqual(ims.res.headers, [["Last-Modified", LAST_MODIFIED]]);
  });

  it("evaluates preconditions before Range", async () => {
    const { res } = await fetchStatic(files(), "GET", "/a.txt", {
      "if-none-match": ETAG_HELLO,
      range: "bytes=0-1",
    });
    assert.equal(res.status, 304);
  });
});

describe("StaticFiles: ranges", () => {
  const big = () => files();
  const single: Array<[string, number, number]> = [
    ["bytes=0-99", 0, 99],
    ["bytes=9990-", 9990, 9999],
    ["bytes=-25", 9975, 9999],
    ["bytes=9000-20000", 9000, 9999],
    ["bytes=-20000", 0, 9999],
    ["bytes=0-", 0, 9999],
    ["bytes=0-9,5-19,20-29", 0, 29],
    ["bytes=500-599,0-,100-200", 0, 9999],
    ["bytes=0-0,100000-", 0, 0],
  ];
  for (const [value, start, end] of single) {
    it(`${value} -> 206 bytes ${start}-${end}`, async () => {
      const { res, body } = await fetchStatic(big(), "GET", "/big.bin", { range: value });
      assert.equal(res.status, 206);
      assert.equal(header(res, "content-range"), `bytes ${start}-${end}/${BIG.length}`);
      assert.equal(header(res, "content-type"), "application/octet-stream");
      assert.equal(header(res, "accept-ranges"), "bytes");
      assert.ok(header(res, "etag"));
      assert.ok(body.equals(BIG.subarray(start, end + 1)));
    });
  }

  it("sends several ranges as multipart/byteranges, byte-exact and in order", async () => {
    const { res, body } = await fetchStatic(big(), "GET", "/big.bin", {
      range: "bytes=-10,0-1,4-5,100-199",
    });
    assert.equal(res.status, 206);
    assert.equal(header(res, "content-range"), undefined);
    const parts = parseMultipart(body, header(res, "content-type")!);
    assert.deepEqual(
      parts.map((p) => [p.start, p.end, p.total, p.contentType]),
      [
        [0, 1, 10000, "application/octet-stream"],
        [4, 5, 10000, "application/octet-stream"],
        [100, 199, 10000, "application/octet-stream"],
        [9990, 9999, 10000, "application/octet-stream"],
      ],
    );
    for (const p of parts) assert.ok(p.data.equals(BIG.subarray(p.start, p.end + 1)));
  });

  it("gives each multipart response its own boundary", async () => {
    const a = await fetchStatic(big(), "GET", "/big.bin", { range: "bytes=0-0,2-2" });
    const b = await fetchStatic(big(), "GET", "/big.bin", { range: "bytes=0-0,2-2" });
    assert.notEqual(header(a.res, "content-type"), header(b.res, "content-type"));
  });

  it("answers unsatisfiable ranges with 416 and bytes */length", async () => {
    for (const value of ["bytes=10000-", "bytes=20000-30000", "bytes=-0", "bytes=10000-,-0"]) {
      const { res, body } = await fetchStatic(big(), "GET", "/big.bin", { range: value });
      assert.equal(res.status, 416, value);
      assert.equal(header(res, "content-range"), "bytes */10000");
      assert.match(body.toString(), /416/);
    }
  });

  it("ignores Range with another unit or bad syntax", async () => {
    for (const value of ["items=0-5", "bytes=5-2", "bytes=abc", "bytes=", "0-5", "bytes=1-2-3"]) {
      const { res, body } = await fetchStatic(big(), "GET", "/big.bin", { range: value });
      assert.equal(res.status, 200, value);
      assert.ok(body.equals(BIG));
    }
  });

  it("serves an empty file whole even when a range is asked", async () => {
    for (const value of ["bytes=0-", "bytes=-1", "bytes=5-9"]) {
      const { res } = await fetchStatic(big(), "GET", "/empty.txt", { range: value });
      assert.equal(res.status, 200, value);
      assert.equal(res.contentLength, 0);
    }
  });

  it("does not amplify many overlapping ranges (CVE-2011-3192)", async () => {
    const value = `bytes=${Array.from({ length: 300 }, (_, i) => `${i}-`).join(",")}`;
    const { res, body } = await fetchStatic(big(), "GET", "/big.bin", { range: value });
    assert.equal(res.status, 206);
    assert.equal(res.contentLength, BIG.length);
    assert.ok(body.equals(BIG));
  });

  it("answers more disjoint ranges than maxRanges with the whole file", async () => {
    const ranges = Array.from({ length: 5 }, (_, i) => `${i * 10}-${i * 10}`);
    const within = await fetchStatic(files({ maxRanges: 5 }), "GET", "/big.bin", {
      range: `bytes=${ranges.join(",")}`,
    });
    assert.equal(within.res.status, 206);
    assert.equal(parseMultipart(within.body, header(within.res, "content-type")!).length, 5);
    const over = await fetchStatic(files({ maxRanges: 4 }), "GET", "/big.bin", {
      range: `bytes=${ranges.join(",")}`,
    });
    assert.equal(over.res.status, 200);
    assert.ok(over.body.equals(BIG));
  });

  it("turns ranges off with maxRanges 0", async () => {
    const { res } = await fetchStatic(files({ maxRanges: 0 }), "GET", "/big.bin", {
      range: "bytes=0-1",
    });
    assert.equal(res.status, 200);
    assert.equal(header(res, "accept-ranges"), "none");
  });

  it("ignores Range on HEAD", async () => {
    const { res } = await fetchStatic(big(), "HEAD", "/big.bin", { range: "bytes=0-1" });
    assert.equal(res.status, 200);
    assert.equal(res.contentLength, BIG.length);
  });

  it("ignores Range on error responses", async () => {
    const { res } = await fetchStatic(big(), "GET", "/missing", { range: "bytes=0-1" });
    assert.equal(res.status, 404);
    assert.equal(header(res, "content-range"), undefined);
  });

  it("honours If-Range only for a strong ETag match or the exact Last-Modified", async () => {
    const etag = etagFor(MTIME_S * 1000, BIG.length);
    const cases: Array<[string, number]> = [
      [etag, 206],
      [`W/${etag}`, 200],
      ['"other"', 200],
      [LAST_MODIFIED, 206],
      [httpDate((MTIME_S + 1) * 1000), 200],
      [httpDate((MTIME_S - 1) * 1000), 200],
      ["garbage", 200],
    ];
    for (const [ifRange, status] of cases) {
      const { res, body } = await fetchStatic(big(), "GET", "/big.bin", {
        range: "bytes=0-9",
        "if-range": ifRange,
      });
      assert.equal(res.status, status, ifRange);
      assert.equal(body.length, status === 206 ? 10 : BIG.length);
    }
    const noEtag = await fetchStatic(files({ etag: false }), "GET", "/big.bin", {
      range: "bytes=0-9",
      "if-range": etag,
    });
    assert.equal(noEtag.res.status, 200);
  });
});

describe("StaticFiles: robustness", () => {
  it("answers 500 instead of throwing and tells onError", async () => {
    const errors: unknown[] = [];
    const sf = files({ onError: (e) => errors.push(e) });
    const res = await sf.respond({
      method: "GET",
      target: "/a.txt",
      header: () => {
        throw new Error("header lookup failed");
      },
    });
    await wireBody(res);
    assert.equal(res.status, 500);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /header lookup failed/);
  });

  it("answers 404 while the root is missing, and serves once it appears", async () => {
    const later = join(tmp, "later");
    const sf = new StaticFiles({ root: later });
    const missing = await fetchStatic(sf, "GET", "/x.txt");
    assert.equal(missing.res.status, 404);
    mkdirSync(later);
    write(join(later, "x.txt"), "here");
    const present = await fetchStatic(sf, "GET", "/x.txt");
    assert.equal(present.body.toString(), "here");
  });

  it("refuses bad options with a TypeError or RangeError naming them", () => {
    assert.throws(() => new StaticFiles({ root: "" }), TypeError);
    assert.throws(() => new StaticFiles({ root, index: ["../x"] }), /index name/);
    assert.throws(() => new StaticFiles({ root, index: [".."] }), TypeError);
    assert.throws(() => new StaticFiles({ root, maxRanges: -1 }), RangeError);
    assert.throws(() => new StaticFiles({ root, maxRanges: 1.5 }), RangeError);
    assert.throws(() => new StaticFiles({ root, mimeTypes: { x: "a\r\nb" } }), /mimeTypes/);
  });

  it("serves a file that changed since the last request with fresh validators", async () => {
    const path = join(root, "changing.txt");
    write(path, "one");
    const first = await fetchStatic(files(), "GET", "/changing.txt");
    writeFileSync(path, "three");
    utimesSync(path, MTIME_S + 10, MTIME_S + 10);
    const second = await fetchStatic(files(), "GET", "/changing.txt", {
      "if-none-match": header(first.res, "etag")!,
    });
    assert.equal(second.res.status, 200);
    assert.equal(second.body.toString(), "three");
    assert.equal(readFileSync(path, "utf8"), "three");
  });
});
