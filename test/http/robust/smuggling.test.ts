/**
 * Request smuggling: each stream hides a second request (`/smuggled`) that only a parser
 * disagreeing with a strict front-end about where the first message ends would see. The
 * server must refuse the ambiguous framing (4xx/5xx + close, nothing after it read) or frame
 * it exactly as RFC 9112 says, and its handler must never see `/smuggled`.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { HttpServer } from "../../../src/http/index.js";
import { startServer } from "../server/_util.js";
import { exchange, GET, readResponses, saysClose } from "./_helpers.js";

const H = "Host: t\r\n";
const SMUGGLED = `GET /smuggled HTTP/1.1\r\n${H}\r\n`;

interface Refused {
  name: string;
  bytes: string;
  status: number;
}

/** Streams whose framing is ambiguous or invalid: refused, nothing after them is read. */
const REFUSED: Refused[] = [
  {
    name: "CL.TE (Content-Length and chunked together)",
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "TE.CL (chunked first, Content-Length after)",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${(SMUGGLED.length + 2).toString(16)}\r\nxx${SMUGGLED}\r\n0\r\n\r\n`,
    status: 400,
  },
  {
    name: "Transfer-Encoding with a space before the colon",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "Transfer-Encoding value on an obs-fold line",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "Transfer-Encoding line indented (obs-fold of the Host line)",
    bytes: `POST / HTTP/1.1\r\n${H} Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "vertical tab before chunked",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "NUL after chunked",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\0\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "Transfer-Encoding: chunked, chunked",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "chunked on two Transfer-Encoding lines",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "chunked not last (chunked, identity)",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "Transfer-Encoding: identity with a Content-Length",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "an unknown coding that looks like chunked (xchunked)",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 501,
  },
  {
    name: "chunked in an HTTP/1.0 request",
    bytes: `POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "two different Content-Length lines",
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a Content-Length list that disagrees",
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 0, ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "an empty Content-Length",
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: \r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a hexadecimal Content-Length",
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 0x0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a Content-Length past 2^53 (would wrap or round)",
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 18446744073709551616\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a chunk size past 2^64 (wraps to 3 in a 64-bit parser)",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n10000000000000003\r\nabc\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a chunk size of 24 hex digits",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffffffff\r\nabc\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a negative chunk size",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a chunk size with a 0x prefix",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "whitespace after the chunk size",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "LF-only line endings in the head",
    bytes: `POST / HTTP/1.1\n${H.replace("\r", "")}Content-Length: 0\n\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "LF-only line endings in chunk lines",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a chunk extension hiding a bare LF",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;x\nabc\r\nabc\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "chunk data followed by LF only",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "the last chunk's empty line as a bare LF",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "a bare CR ending a field line",
    bytes: `POST / HTTP/1.1\r\n${H}Content-Length: 0\rX: y\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
  {
    name: "chunked with a parameter",
    bytes: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n${SMUGGLED}`,
    status: 400,
  },
];

interface Accepted {
  name: string;
  bytes: string;
  /** The requests the handler must see, "METHOD target body", in order. */
  seen: string[];
}

/** Unusual but unambiguous framing: parsed exactly as a strict front-end parses it. */
const ACCEPTED: Accepted[] = [
  {
    name: "transfer-encoding name and value in other cases",
    bytes: `POST /a HTTP/1.1\r\n${H}tRaNsFeR-eNcOdInG: ChUnKeD\r\n\r\n3\r\nabc\r\n0\r\n\r\n${GET("/b")}`,
    seen: ["POST /a abc", "GET /b "],
  },
  {
    name: "identical Content-Length lines",
    bytes: `POST /a HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc${GET("/b")}`,
    seen: ["POST /a abc", "GET /b "],
  },
  {
    name: "a Content-Length list of one value",
    bytes: `POST /a HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc${GET("/b")}`,
    seen: ["POST /a abc", "GET /b "],
  },
  {
    name: "a body that looks like a request is body",
    bytes: `POST /a HTTP/1.1\r\n${H}Content-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}${GET("/b")}`,
    seen: [`POST /a ${SMUGGLED}`, "GET /b "],
  },
  {
    name: "a chunk that contains a request is body",
    bytes: `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n${GET("/b")}`,
    seen: [`POST /a ${SMUGGLED}`, "GET /b "],
  },
  {
    name: "trailers that name Content-Length do not reframe",
    bytes: `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${GET("/b")}`,
    seen: ["POST /a ", "GET /b "],
  },
  {
    name: "chunk extensions are skipped",
    bytes: `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;name="v;\\"x"\r\nabc\r\n0\r\n\r\n${GET("/b")}`,
    seen: ["POST /a abc", "GET /b "],
  },
  {
    name: "a GET with a Content-Length body",
    bytes: `GET /a HTTP/1.1\r\n${H}Content-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}${GET("/b")}`,
    seen: [`GET /a ${SMUGGLED}`, "GET /b "],
  },
  {
    name: "Connection: close stops reading (the pipelined request after it is not served)",
    bytes: `GET /a HTTP/1.1\r\n${H}Connection: close\r\n\r\n${SMUGGLED}`,
    seen: ["GET /a "],
  },
];

describe("http server: request smuggling", () => {
  let server: HttpServer;
  let port: number;
  const seen: string[] = [];
  before(() => {
    ({ server, port } = startServer(async (req, res) => {
      const body = await req.body();
      seen.push(`${req.method} ${req.target} ${body.toString("latin1")}`);
      res.end(`seen ${req.target}`);
    }));
  });
  after(() => server.close());

  for (const c of REFUSED) {
    it(`refuses ${c.name} with ${c.status} and reads nothing after it`, async () => {
      seen.length = 0;
      const ex = await exchange(port, [Buffer.from(c.bytes, "latin1")]);
      const { responses, rest } = readResponses(ex.data, [], ex.closedByServer);
      assert.equal(rest.length, 0, "nothing but whole responses");
      const last = responses.at(-1);
      assert.ok(last, `a response: ${JSON.stringify(ex.data.toString("latin1"))}`);
      assert.equal(last.status, c.status);
      assert.ok(saysClose(last), "Connection: close on the refusal");
      assert.ok(ex.closedByServer, "the server closed the connection");
      assert.ok(!seen.some((s) => s.includes("/smuggled")), `seen: ${JSON.stringify(seen)}`);
      // No response for a request the handler saw after the refused one.
      assert.equal(responses.length, seen.length + 1);
    });
  }

  for (const c of ACCEPTED) {
    it(`frames ${c.name} as a strict parser does`, async () => {
      seen.length = 0;
      const ex = await exchange(port, [Buffer.from(c.bytes, "latin1")]);
      const { responses, rest } = readResponses(ex.data, [], ex.closedByServer);
      assert.equal(rest.length, 0);
      assert.deepEqual(seen, c.seen);
      assert.deepEqual(
        responses.map((r) => r.status),
        c.seen.map(() => 200),
      );
    });
  }

  it("after every attack a plain GET still gets 200", async () => {
    const ex = await exchange(port, [GET("/final", "Connection: close\r\n")]);
    const { responses } = readResponses(ex.data, [], ex.closedByServer);
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.status, 200);
    assert.equal(responses[0]!.body.toString(), "seen /final");
  });
});
