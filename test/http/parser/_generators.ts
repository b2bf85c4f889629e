/**
 * fast-check generators of valid HTTP/1.1 streams, each with the messages a correct parser
 * must report for it.
 */
import fc from "fast-check";
import type { Kind, Message } from "./_helpers.js";

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const VCHARS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
  String.fromCharCode(0x21 + i),
).join("");

const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

/** Methods llhttp also knows, so that the llhttp comparison can use the same streams. */
export const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] as const;

const method = fc.constantFrom(...METHODS);
const target = fc.tuple(chars(VCHARS, 0, 30)).map(([rest]) => `/${rest}`);
const token = chars(TCHARS, 1, 12);
const ows = fc.constantFrom("", " ", "\t", "  ", " \t");
/** A field value without surrounding whitespace: visible chars with single spaces or tabs between. */
const fieldValue = fc
  .array(chars(`${VCHARS}\x80\xe9\xff`, 1, 8), { minLength: 0, maxLength: 4 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(" ", "\t"), { minLength: words.length, maxLength: words.length })
      .map((seps) => words.map((w, i) => (i === 0 ? w : seps[i] + w)).join("")),
  );
/** Extension fields named X-*, so that none is a field the parser interprets. */
const field = fc.record({
  name: token.map((t) => `X-${t}`),
  value: fieldValue,
  before: ows,
  after: ows,
});
const fields = fc.array(field, { maxLength: 8 });
const bodyBytes = (max: number) =>
  chars(Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join(""), 0, max);

const chunkExt = fc.oneof(
  fc.constant(""),
  token.map((n) => `;${n}`),
  fc.tuple(token, token).map(([n, v]) => `;${n}=${v}`),
  fc.tuple(token, chars(`${VCHARS.replace(/["\\]/g, "")} `, 0, 10)).map(([n, v]) => `;${n}="${v}"`),
);

type Framing =
  | { kind: "none" }
  | { kind: "length"; body: string }
  | {
      kind: "chunked";
      chunks: { data: string; ext: string; hex: string }[];
      lastExt: string;
      trailers: { name: string; value: string; before: string; after: string }[];
    };

const framing: fc.Arbitrary<Framing> = fc.oneof(
  fc.constant<Framing>({ kind: "none" }),
  bodyBytes(40).map<Framing>((body) => ({ kind: "length", body })),
  fc
    .record({
      chunks: fc.array(
        fc.record({
          data: bodyBytes(20).filter((d) => d.length > 0),
          ext: chunkExt,
          upper: fc.boolean(),
          zeros: fc.nat(2),
        }),
        { maxLength: 4 },
      ),
      lastExt: chunkExt,
      trailers: fc.array(field, { maxLength: 3 }),
    })
    .map<Framing>(({ chunks, lastExt, trailers }) => ({
      kind: "chunked",
      chunks: chunks.map(({ data, ext, upper, zeros }) => {
        const hex = "0".repeat(zeros) + data.length.toString(16);
        return { data, ext, hex: upper ? hex.toUpperCase() : hex };
      }),
      lastExt,
      trailers,
    })),
);

function fieldLines(
  list: { name: string; value: string; before: string; after: string }[],
): string {
  return list.map((f) => `${f.name}:${f.before}${f.value}${f.after}\r\n`).join("");
}

function flat(list: { name: string; value: string }[]): string[] {
  return list.flatMap((f) => [f.name, f.value]);
}

function frame(f: Framing): { fields: string; body: string; wire: string; trailers: string[] } {
  switch (f.kind) {
    case "none":
      return { fields: "", body: "", wire: "", trailers: [] };
    case "length":
      return {
        fields: `Content-Length: ${f.body.length}\r\n`,
        body: f.body,
        wire: f.body,
        trailers: [],
      };
    case "chunked": {
      const wire =
        f.chunks.map((c) => `${c.hex}${c.ext}\r\n${c.data}\r\n`).join("") +
        `0${f.lastExt}\r\n${fieldLines(f.trailers)}\r\n`;
      return {
        fields: "Transfer-Encoding: chunked\r\n",
        body: f.chunks.map((c) => c.data).join(""),
        wire,
        trailers: flat(f.trailers),
      };
    }
  }
}

function headOf(
  kind: Kind,
  line: { method: string; target: string; status: number; reason: string },
  headers: string[],
  framing: Framing,
): Message["head"] {
  return {
    method: kind === "request" ? line.method : "",
    target: kind === "request" ? line.target : "",
    versionMajor: 1,
    versionMinor: 1,
    status: kind === "request" ? 0 : line.status,
    reason: kind === "request" ? "" : line.reason,
    headers,
    contentLength: framing.kind === "length" ? framing.body.length : -1,
    chunked: framing.kind === "chunked",
    keepAlive: true,
    upgrade: false,
    expectContinue: false,
  };
}

export interface Stream {
  kind: Kind;
  wire: string;
  messages: Message[];
}

const requestMessage = fc
  .record({ method, target, fields, framing })
  .map(({ method, target, fields, framing }) => {
    const f = frame(framing);
    const head = `${method} ${target} HTTP/1.1\r\nHost: example.com\r\n${fieldLines(fields)}${f.fields}\r\n`;
    const headers = [
      "Host",
      "example.com",
      ...flat(fields),
      ...(f.fields ? splitField(f.fields) : []),
    ];
    return {
      wire: head + f.wire,
      message: {
        head: headOf("request", { method, target, status: 0, reason: "" }, headers, framing),
        body: f.body,
        trailers: f.trailers,
      },
    };
  });

const status = fc.constantFrom(200, 201, 206, 301, 404, 500, 599);
const reason = fc.constantFrom("OK", "", "Not Found", "Some Reason Phrase");

const responseMessage = fc
  .record({ status, reason, fields, framing })
  .map(({ status, reason, fields, framing }) => {
    const f = frame(framing);
    // Without framing, a response runs until the connection closes; mid-stream it declares 0.
    const fieldsText = framing.kind === "none" ? "Content-Length: 0\r\n" : f.fields;
    const head = `HTTP/1.1 ${status} ${reason}\r\n${fieldLines(fields)}${fieldsText}\r\n`;
    const headers = [...flat(fields), ...splitField(fieldsText)];
    const h = headOf("response", { method: "", target: "", status, reason }, headers, framing);
    if (framing.kind === "none") h.contentLength = 0;
    return { wire: head + f.wire, message: { head: h, body: f.body, trailers: f.trailers } };
  });

/** "Name: value\r\n" -> [name, value]. */
function splitField(line: string): string[] {
  const colon = line.indexOf(":");
  return [line.slice(0, colon), line.slice(colon + 1).trim()];
}

/** A stream of 1 to 3 messages of one kind, with the messages it must parse to. */
export const stream: fc.Arbitrary<Stream> = fc.oneof(
  fc.array(requestMessage, { minLength: 1, maxLength: 3 }).map((list) => ({
    kind: "request" as const,
    wire: list.map((m) => m.wire).join(""),
    messages: list.map((m) => m.message),
  })),
  fc.array(responseMessage, { minLength: 1, maxLength: 3 }).map((list) => ({
    kind: "response" as const,
    wire: list.map((m) => m.wire).join(""),
    messages: list.map((m) => m.message),
  })),
);

/** Ascending cut points for a string of length n. */
export const cutsFor = (n: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: 12 })
    .map((cuts) => cuts.sort((a, b) => a - b));
