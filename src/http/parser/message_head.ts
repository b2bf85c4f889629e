/** A request or response head as the parser delivers it to `onHead`. */
export interface MessageHead {
  /** Request method as sent (case-sensitive); "" for responses. */
  method: string;
  /** Request-target as sent; "" for responses. */
  target: string;
  versionMajor: number;
  versionMinor: number;
  /** Response status; 0 for requests. */
  status: number;
  /** Response reason phrase; "" for requests. */
  reason: string;
  /** Flat [name, value, name, value, ...]: names as received, values without surrounding whitespace. */
  headers: string[];
  /** The Content-Length, -1 when absent. */
  contentLength: number;
  /** The body is framed by the chunked transfer coding. */
  chunked: boolean;
  /** The connection may carry another message after this one (version and Connection options). */
  keepAlive: boolean;
  /** A request with `Upgrade` and `Connection: upgrade`, a CONNECT request, or a 101 response. */
  upgrade: boolean;
  /** A request with `Expect: 100-continue`. */
  expectContinue: boolean;
}

/** The parser's own MessageHead: one class, every field set in the constructor, so one shape. */
export class ParsedHead implements MessageHead {
  method = "";
  target = "";
  versionMajor = 1;
  versionMinor = 1;
  status = 0;
  reason = "";
  headers: string[];
  contentLength = -1;
  chunked = false;
  keepAlive = true;
  upgrade = false;
  expectContinue = false;

  constructor(headers: string[]) {
    this.headers = headers;
  }
}
