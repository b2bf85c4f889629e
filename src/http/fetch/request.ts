/**
 * A web-standard Request over a {@link ServerRequest}, built lazily. Constructing Node's
 * Request (undici) for every request costs more than the rest of serving it, and most
 * handlers read only `method`, `url` and a header or two; those come straight from the parsed
 * head. Anything else (the body, clone(), ...) makes the real Request on first use and
 * delegates to it. The object's prototype chain includes Request.prototype, so
 * `req instanceof Request` holds.
 */
import type { ServerRequest } from "../server/request.js";
import { delegateRest } from "./_delegate.js";

const kServer = Symbol("evnet.serverRequest");
const kReal = Symbol("evnet.realRequest");
const kUrl = Symbol("evnet.url");
const kHeaders = Symbol("evnet.headers");

export interface LazyRequest extends Request {
  [kServer]: ServerRequest;
  [kReal]: Request | undefined;
  [kUrl]: string | undefined;
  [kHeaders]: Headers | undefined;
}

/**
 * The body of a server request as a web ReadableStream. It is collected whole first
 * (bounded by the server's maxBodySize) and enqueued as one chunk: simple, and what the
 * common `await request.json()` wants; a handler that must stream uploads uses the
 * low-level API's `req.ondata`.
 */
export function bodyStream(req: ServerRequest): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req
        .body()
        .then((body) => {
          if (body.byteLength > 0) controller.enqueue(new Uint8Array(body));
          controller.close();
        })
        .catch((err: unknown) => controller.error(err));
    },
  });
}

function real(self: LazyRequest): Request {
  let r = self[kReal];
  if (!r) {
    const sreq = self[kServer];
    const hasBody = sreq.hasBody && sreq.method !== "GET" && sreq.method !== "HEAD";
    r = new Request(self.url, {
      method: sreq.method,
      headers: self.headers,
      body: hasBody ? bodyStream(sreq) : null,
      signal: sreq.signal,
      // required by undici for a stream body
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    self[kReal] = r;
  }
  return r;
}

/** Builds the lazy Request for `sreq`; `origin` is `http://host[:port]` for absolute URLs. */
export function makeRequest(sreq: ServerRequest, origin: string): Request {
  const self = Object.create(LazyRequestPrototype) as LazyRequest;
  self[kServer] = sreq;
  self[kReal] = undefined;
  self[kHeaders] = undefined;
  const target = sreq.target;
  self[kUrl] =
    target.charCodeAt(0) === 0x2f /* / */
      ? origin + target
      : target === "*"
        ? `${origin}/`
        : undefined; // absolute-form: computed on demand below
  return self;
}

const LazyRequestPrototype: object = Object.create(Request.prototype, {
  method: {
    get(this: LazyRequest) {
      return this[kServer].method;
    },
  },
  url: {
    get(this: LazyRequest) {
      let url = this[kUrl];
      if (url === undefined) {
        url = new URL(this[kServer].target).href;
        this[kUrl] = url;
      }
      return url;
    },
  },
  headers: {
    get(this: LazyRequest) {
      let headers = this[kHeaders];
      if (!headers) {
        headers = new Headers();
        const raw = this[kServer].rawHeaders;
        for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
        this[kHeaders] = headers;
      }
      return headers;
    },
  },
  signal: {
    get(this: LazyRequest) {
      return this[kServer].signal;
    },
  },
});

// Everything else Request has (body, bodyUsed, text(), json(), clone(), cache, mode...) is
// delegated to the real Request, made on first use.
delegateRest(LazyRequestPrototype, Request.prototype, real);
