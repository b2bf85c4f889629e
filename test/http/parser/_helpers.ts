import { Buffer } from "node:buffer";
import {
  HttpParseError,
  HttpParser,
  type MessageHead,
  type ParserLimits,
} from "../../../src/http/parser/index.js";

/** One message as the events described it; bodies are joined, so splits do not show. */
export interface Message {
  head: MessageHead;
  body: string;
  trailers: string[] | null;
}

/** Records events as messages; `log` keeps the raw event order for ordering checks. */
export class Recorder {
  readonly messages: Message[] = [];
  readonly log: string[] = [];

  readonly events = {
    onHead: (head: MessageHead) => {
      this.log.push("head");
      this.messages.push({
        head: { ...head, headers: [...head.headers] },
        body: "",
        trailers: null,
      });
    },
    onBody: (data: Uint8Array) => {
      this.log.push("body");
      const last = this.messages[this.messages.length - 1];
      // latin1 keeps one char per byte, so any byte sequence round-trips.
      last.body += Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");
    },
    onEnd: (trailers: string[]) => {
      this.log.push("end");
      this.messages[this.messages.length - 1].trailers = [...trailers];
    },
  };
}

export type Kind = "request" | "response";

export function bytes(text: string | Uint8Array): Uint8Array {
  return typeof text === "string" ? Buffer.from(text, "latin1") : text;
}

/** Feeds `input` in one call, then finish() when asked; returns the messages. */
export function parse(
  kind: Kind,
  input: string | Uint8Array,
  options: { limits?: Partial<ParserLimits>; finish?: boolean; noBody?: boolean } = {},
): Message[] {
  const rec = new Recorder();
  const parser = new HttpParser(kind, rec.events, options.limits);
  if (options.noBody) parser.noBody = true;
  const data = bytes(input);
  const used = parser.feed(data);
  if (used !== data.length) throw new Error(`feed consumed ${used} of ${data.length} bytes`);
  if (options.finish) parser.finish();
  return rec.messages;
}

/** Feeds `input` cut at the given positions (ascending), then finish() when asked. */
export function parseSplit(
  kind: Kind,
  input: string | Uint8Array,
  cuts: number[],
  options: { limits?: Partial<ParserLimits>; finish?: boolean } = {},
): Message[] {
  const rec = new Recorder();
  const parser = new HttpParser(kind, rec.events, options.limits);
  const data = bytes(input);
  let from = 0;
  for (const cut of [...cuts, data.length]) {
    // A copy per piece, so that no piece can see bytes beyond its end.
    const piece = data.slice(from, cut);
    const used = parser.feed(piece);
    if (used !== piece.length) throw new Error(`feed consumed ${used} of ${piece.length} bytes`);
    from = cut;
  }
  if (options.finish) parser.finish();
  return rec.messages;
}

/** The error parse() throws for `input`; fails the test if there is none or another kind. */
export function parseFailure(
  kind: Kind,
  input: string | Uint8Array,
  options: { limits?: Partial<ParserLimits>; finish?: boolean } = {},
): HttpParseError {
  try {
    parse(kind, input, options);
  } catch (err) {
    if (err instanceof HttpParseError) return err;
    throw err;
  }
  throw new Error(
    `no error for ${JSON.stringify(typeof input === "string" ? input.slice(0, 200) : "bytes")}`,
  );
}

/** The same, fed one byte at a time: the verdict must not depend on how bytes arrive. */
export function parseFailureBytewise(kind: Kind, input: string | Uint8Array): HttpParseError {
  const data = bytes(input);
  const cuts = Array.from({ length: Math.max(0, data.length - 1) }, (_, i) => i + 1);
  try {
    parseSplit(kind, data, cuts);
  } catch (err) {
    if (err instanceof HttpParseError) return err;
    throw err;
  }
  throw new Error("no error when fed byte by byte");
}
