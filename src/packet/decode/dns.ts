/**
 * DNS messages (RFC 1035; AAAA RFC 3596; SRV RFC 2782; EDNS(0) OPT RFC 6891; AD/CD bits
 * RFC 4035) over UDP, and over TCP with its 2-byte length prefix (RFC 1035 4.2.2).
 *
 * Header, 12 bytes:
 *   bytes 0..1  id
 *   bytes 2..3  QR (1) | opcode (4) | AA | TC | RD | RA | Z | AD | CD | rcode (4)
 *   bytes 4..11 question, answer, authority and additional counts (2 each)
 * Question:  name | type (2) | class (2)
 * Record:    name | type (2) | class (2) | TTL (4) | rdlength (2) | rdata
 * Names are label sequences (length byte 1..63 then bytes) ended by a zero byte, or by a
 * compression pointer (two bytes, top bits 11, 14-bit offset from the message start). Every
 * pointer followed is remembered: revisiting one is a loop and is rejected, and at most
 * MAX_POINTER_HOPS are followed; a name longer than 255 bytes is rejected too.
 *
 * Only the header is decoded eagerly; the sections are decoded on first access to any of
 * `questions`, `answers`, `authority`, `additional` (or `truncated`/`malformed` through
 * `complete()`), because most packets in a capture are never looked at that closely.
 */
import { formatIPv4, formatIPv6, toHex } from "../../bytes/index.js";
import type { LayerCommon } from "./layer.js";

export const DNS_TYPE_A = 1;
export const DNS_TYPE_NS = 2;
export const DNS_TYPE_CNAME = 5;
export const DNS_TYPE_SOA = 6;
export const DNS_TYPE_PTR = 12;
export const DNS_TYPE_MX = 15;
export const DNS_TYPE_TXT = 16;
export const DNS_TYPE_AAAA = 28;
export const DNS_TYPE_SRV = 33;
export const DNS_TYPE_OPT = 41;

/** Pointers followed per name at most; real names need a handful. */
const MAX_POINTER_HOPS = 32;
/** RFC 1035 2.3.4: a name is at most 255 bytes on the wire. */
const MAX_NAME_LENGTH = 255;

const TYPE_NAMES: Record<number, string> = {
  1: "A",
  2: "NS",
  5: "CNAME",
  6: "SOA",
  12: "PTR",
  13: "HINFO",
  15: "MX",
  16: "TXT",
  28: "AAAA",
  33: "SRV",
  35: "NAPTR",
  39: "DNAME",
  41: "OPT",
  43: "DS",
  46: "RRSIG",
  47: "NSEC",
  48: "DNSKEY",
  50: "NSEC3",
  52: "TLSA",
  64: "SVCB",
  65: "HTTPS",
  99: "SPF",
  251: "IXFR",
  252: "AXFR",
  255: "ANY",
  257: "CAA",
};

/** "A", "AAAA", ... or "Type<N>" as tcpdump prints unknown types. */
export function dnsTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `Type${type}`;
}

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

/** EDNS option inside an OPT record. */
export interface EdnsOption {
  code: number;
  data: string;
}

/** One resource record; fields that do not apply to its type are -1, "" or empty. */
export class DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  rdLength: number;
  /** A and AAAA. */
  address: string;
  /** CNAME, NS, PTR target; MX exchange; SRV target; SOA primary name server. */
  target: string;
  /** MX preference, SRV priority. */
  preference: number;
  weight: number;
  port: number;
  texts: string[];
  /** SOA. */
  responsible: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
  /** OPT: the sender's UDP payload size is the class field; the TTL splits into these. */
  extendedRcode: number;
  ednsVersion: number;
  dnssecOk: boolean;
  ednsOptions: EdnsOption[];
  /** Unknown types, and known types whose rdata did not parse: the rdata as hex. */
  data: string;

  constructor(name: string, type: number, cls: number, ttl: number, rdLength: number) {
    this.name = name;
    this.type = type;
    this.class = cls;
    this.ttl = ttl;
    this.rdLength = rdLength;
    this.address = "";
    this.target = "";
    this.preference = -1;
    this.weight = -1;
    this.port = -1;
    this.texts = [];
    this.responsible = "";
    this.serial = -1;
    this.refresh = -1;
    this.retry = -1;
    this.expire = -1;
    this.minimum = -1;
    this.extendedRcode = -1;
    this.ednsVersion = -1;
    this.dnssecOk = false;
    this.ednsOptions = [];
    this.data = "";
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {
      name: this.name,
      type: this.type,
      typeName: dnsTypeName(this.type),
      class: this.class,
      ttl: this.ttl,
      rdLength: this.rdLength,
    };
    if (this.address !== "") o.address = this.address;
    if (this.target !== "") o.target = this.target;
    if (this.preference >= 0) o.preference = this.preference;
    if (this.type === DNS_TYPE_SRV && this.port >= 0) {
      o.weight = this.weight;
      o.port = this.port;
    }
    if (this.type === DNS_TYPE_TXT) o.texts = this.texts;
    if (this.type === DNS_TYPE_SOA && this.serial >= 0) {
      o.responsible = this.responsible;
      o.serial = this.serial;
      o.refresh = this.refresh;
      o.retry = this.retry;
      o.expire = this.expire;
      o.minimum = this.minimum;
    }
    if (this.type === DNS_TYPE_OPT) {
      o.udpPayloadSize = this.class;
      o.extendedRcode = this.extendedRcode;
      o.ednsVersion = this.ednsVersion;
      o.dnssecOk = this.dnssecOk;
      o.ednsOptions = this.ednsOptions;
    }
    if (this.data !== "") o.data = this.data;
    return o;
  }
}

/** Result of reading one name: the text and where the name ended in the original position. */
interface NameResult {
  name: string;
  next: number;
  error: string | null;
  truncated: boolean;
}

export class DnsLayer implements LayerCommon {
  readonly kind = "dns" as const;
  offset: number;
  headerLength: number;
  /** Header and lazily decoded parts together; read through the accessors below. */
  private t: boolean;
  private m: string | null;
  /** True when carried by TCP (the message is preceded by a length). */
  overTcp: boolean;
  /** The TCP length prefix, -1 over UDP. */
  tcpLength: number;
  id: number;
  /** The whole 16-bit flags word. */
  flags: number;
  qdCount: number;
  anCount: number;
  nsCount: number;
  arCount: number;
  /** Length of the message per UDP/TCP (may exceed what was captured). */
  messageLength: number;
  private readonly data: Uint8Array;
  /** Where the message itself starts (after the TCP length prefix); pointers count from it. */
  private readonly start: number;
  /** End of the captured message bytes. */
  private readonly end: number;
  private q: DnsQuestion[] | null;
  private an: DnsRecord[];
  private ns: DnsRecord[];
  private ar: DnsRecord[];

  constructor(data: Uint8Array, offset: number, end: number) {
    this.data = data;
    this.offset = offset;
    this.start = offset;
    this.end = end;
    this.headerLength = 12;
    this.t = false;
    this.m = null;
    this.overTcp = false;
    this.tcpLength = -1;
    this.id = -1;
    this.flags = 0;
    this.qdCount = 0;
    this.anCount = 0;
    this.nsCount = 0;
    this.arCount = 0;
    this.messageLength = 0;
    this.q = null;
    this.an = [];
    this.ns = [];
    this.ar = [];
  }

  /** True when the capture ends inside the message (decodes the lazy parts first). */
  get truncated(): boolean {
    this.complete();
    return this.t;
  }
  set truncated(v: boolean) {
    this.t = v;
  }

  /** Why the message is malformed, or null (decodes the lazy parts first). */
  get malformed(): string | null {
    this.complete();
    return this.m;
  }
  set malformed(v: string | null) {
    this.m = v;
  }

  get qr(): boolean {
    return (this.flags & 0x8000) !== 0;
  }
  get opcode(): number {
    return (this.flags >> 11) & 15;
  }
  get aa(): boolean {
    return (this.flags & 0x0400) !== 0;
  }
  get tc(): boolean {
    return (this.flags & 0x0200) !== 0;
  }
  get rd(): boolean {
    return (this.flags & 0x0100) !== 0;
  }
  get ra(): boolean {
    return (this.flags & 0x0080) !== 0;
  }
  get z(): boolean {
    return (this.flags & 0x0040) !== 0;
  }
  get ad(): boolean {
    return (this.flags & 0x0020) !== 0;
  }
  get cd(): boolean {
    return (this.flags & 0x0010) !== 0;
  }
  get rcode(): number {
    return this.flags & 15;
  }

  get questions(): DnsQuestion[] {
    this.complete();
    return this.q!;
  }
  get answers(): DnsRecord[] {
    this.complete();
    return this.an;
  }
  get authority(): DnsRecord[] {
    this.complete();
    return this.ns;
  }
  get additional(): DnsRecord[] {
    this.complete();
    return this.ar;
  }

  /** The EDNS OPT record from the additional section, or null. */
  get edns(): DnsRecord | null {
    for (const r of this.additional) if (r.type === DNS_TYPE_OPT) return r;
    return null;
  }

  /**
   * Decodes the sections if not done yet; afterwards `truncated` and `malformed` describe the
   * whole message.
   */
  complete(): void {
    if (this.q !== null) return;
    this.q = [];
    if (this.t) return;
    let p = this.start + 12;
    for (let i = 0; i < this.qdCount; i++) {
      const n = this.readName(p);
      if (n.error !== null) {
        this.fail(n);
        return;
      }
      p = n.next;
      if (p + 4 > this.end) {
        this.t = true;
        return;
      }
      this.q.push({ name: n.name, type: this.u16(p), class: this.u16(p + 2) });
      p += 4;
    }
    const counts = [this.anCount, this.nsCount, this.arCount];
    const lists = [this.an, this.ns, this.ar];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s]!; i++) {
        const n = this.readName(p);
        if (n.error !== null) {
          this.fail(n);
          return;
        }
        p = n.next;
        if (p + 10 > this.end) {
          this.t = true;
          return;
        }
        const type = this.u16(p);
        const cls = this.u16(p + 2);
        const ttl = this.u32(p + 4);
        const rdLength = this.u16(p + 8);
        p += 10;
        if (p + rdLength > this.end) {
          this.t = true;
          return;
        }
        const r = new DnsRecord(n.name, type, cls, ttl, rdLength);
        const err = this.decodeRdata(r, p, p + rdLength);
        if (err !== null) {
          this.m ??= err;
          r.data = toHex(this.data, "", p, p + rdLength);
        }
        lists[s]!.push(r);
        p += rdLength;
      }
    }
  }

  private fail(n: NameResult): void {
    if (n.truncated) this.t = true;
    else this.m ??= n.error;
  }

  private u16(p: number): number {
    return (this.data[p]! << 8) | this.data[p + 1]!;
  }
  private u32(p: number): number {
    const d = this.data;
    return ((d[p]! << 24) | (d[p + 1]! << 16) | (d[p + 2]! << 8) | d[p + 3]!) >>> 0;
  }

  /** Decodes rdata into `r`; returns an error message when it does not fit its type. */
  private decodeRdata(r: DnsRecord, p: number, end: number): string | null {
    const len = end - p;
    switch (r.type) {
      case DNS_TYPE_A:
        if (len !== 4) return `A record with rdlength ${len}`;
        r.address = formatIPv4(this.data, p);
        return null;
      case DNS_TYPE_AAAA:
        if (len !== 16) return `AAAA record with rdlength ${len}`;
        r.address = formatIPv6(this.data, p);
        return null;
      case DNS_TYPE_CNAME:
      case DNS_TYPE_NS:
      case DNS_TYPE_PTR: {
        const n = this.readName(p, end);
        if (n.error !== null) return n.error;
        r.target = n.name;
        return null;
      }
      case DNS_TYPE_MX: {
        if (len < 3) return `MX record with rdlength ${len}`;
        r.preference = this.u16(p);
        const n = this.readName(p + 2, end);
        if (n.error !== null) return n.error;
        r.target = n.name;
        return null;
      }
      case DNS_TYPE_SRV: {
        if (len < 7) return `SRV record with rdlength ${len}`;
        r.preference = this.u16(p);
        r.weight = this.u16(p + 2);
        r.port = this.u16(p + 4);
        const n = this.readName(p + 6, end);
        if (n.error !== null) return n.error;
        r.target = n.name;
        return null;
      }
      case DNS_TYPE_TXT: {
        let q = p;
        while (q < end) {
          const l = this.data[q]!;
          if (q + 1 + l > end) return "TXT string runs past its record";
          r.texts.push(latin1(this.data, q + 1, q + 1 + l));
          q += 1 + l;
        }
        return null;
      }
      case DNS_TYPE_SOA: {
        const m = this.readName(p, end);
        if (m.error !== null) return m.error;
        const rn = this.readName(m.next, end);
        if (rn.error !== null) return rn.error;
        if (rn.next + 20 !== end) return `SOA record with rdlength ${len}`;
        r.target = m.name;
        r.responsible = rn.name;
        r.serial = this.u32(rn.next);
        r.refresh = this.u32(rn.next + 4);
        r.retry = this.u32(rn.next + 8);
        r.expire = this.u32(rn.next + 12);
        r.minimum = this.u32(rn.next + 16);
        return null;
      }
      case DNS_TYPE_OPT: {
        r.extendedRcode = r.ttl >>> 24;
        r.ednsVersion = (r.ttl >>> 16) & 0xff;
        r.dnssecOk = (r.ttl & 0x8000) !== 0;
        let q = p;
        while (q < end) {
          if (q + 4 > end) return "EDNS option header runs past the OPT record";
          const code = this.u16(q);
          const l = this.u16(q + 2);
          if (q + 4 + l > end) return `EDNS option ${code} runs past the OPT record`;
          r.ednsOptions.push({ code, data: toHex(this.data, "", q + 4, q + 4 + l) });
          q += 4 + l;
        }
        return null;
      }
      default:
        r.data = toHex(this.data, "", p, end);
        return null;
    }
  }

  /**
   * Reads the name at `p`. `limit` bounds the uncompressed part (rdata names must not run
   * past their record); pointers may go anywhere in the captured message.
   */
  private readName(p: number, limit = this.end): NameResult {
    const d = this.data;
    const res: NameResult = { name: "", next: -1, error: null, truncated: false };
    const visited: number[] = [];
    let wire = 0;
    let name = "";
    let bound = limit;
    for (;;) {
      if (p >= bound) {
        res.error = "name runs past the end of the message";
        res.truncated = bound === this.end && this.end < this.start + this.messageLength;
        return res;
      }
      const l = d[p]!;
      if (l === 0) {
        if (res.next < 0) res.next = p + 1;
        res.name = name;
        return res;
      }
      const top = l & 0xc0;
      if (top === 0xc0) {
        if (p + 1 >= bound) {
          res.error = "compression pointer runs past the end of the message";
          res.truncated = bound === this.end && this.end < this.start + this.messageLength;
          return res;
        }
        const target = ((l & 0x3f) << 8) | d[p + 1]!;
        if (res.next < 0) res.next = p + 2;
        if (visited.includes(target)) {
          res.error = `compression pointer loop at offset ${target}`;
          return res;
        }
        if (visited.length >= MAX_POINTER_HOPS) {
          res.error = `more than ${MAX_POINTER_HOPS} compression pointers in one name`;
          return res;
        }
        visited.push(target);
        if (this.start + target >= this.end) {
          res.error = `compression pointer to offset ${target} beyond the message`;
          return res;
        }
        p = this.start + target;
        bound = this.end;
        continue;
      }
      if (top !== 0) {
        res.error = `label type 0x${top.toString(16)} is not supported`;
        return res;
      }
      wire += l + 1;
      if (wire + 1 > MAX_NAME_LENGTH) {
        res.error = "name longer than 255 bytes";
        return res;
      }
      if (p + 1 + l > bound) {
        res.error = "label runs past the end of the message";
        res.truncated = bound === this.end && this.end < this.start + this.messageLength;
        return res;
      }
      if (name !== "") name += ".";
      name += labelText(d, p + 1, p + 1 + l);
      p += 1 + l;
    }
  }

  toJSON(): Record<string, unknown> {
    this.complete();
    const o: Record<string, unknown> = {
      kind: this.kind,
      offset: this.offset,
      headerLength: this.headerLength,
      id: this.id,
      flags: this.flags,
      qr: this.qr,
      opcode: this.opcode,
      aa: this.aa,
      tc: this.tc,
      rd: this.rd,
      ra: this.ra,
      z: this.z,
      ad: this.ad,
      cd: this.cd,
      rcode: this.rcode,
      qdCount: this.qdCount,
      anCount: this.anCount,
      nsCount: this.nsCount,
      arCount: this.arCount,
      questions: this.q,
      answers: this.an.map((r) => r.toJSON()),
      authority: this.ns.map((r) => r.toJSON()),
      additional: this.ar.map((r) => r.toJSON()),
    };
    if (this.overTcp) o.tcpLength = this.tcpLength;
    if (this.t) o.truncated = true;
    if (this.m !== null) o.malformed = this.m;
    return o;
  }
}

/** Label bytes as text; '.', '\\' and non-printable bytes escaped as in master files. */
function labelText(d: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) {
    const c = d[i]!;
    if (c === 0x2e || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c > 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\${c.toString().padStart(3, "0")}`;
  }
  return s;
}

function latin1(d: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(d[i]!);
  return s;
}

/**
 * Decodes a DNS message at `offset` (for TCP, `offset` is the 2-byte length prefix).
 *
 * @param length bytes the transport says the message has (defaults to the capture)
 *
 * @example
 * const dns = decodeDns(udpPayload, 0);
 * dns.questions[0]?.name; // "example.com"
 */
export function decodeDns(
  data: Uint8Array,
  offset: number,
  length = data.length - offset,
  overTcp = false,
): DnsLayer {
  let start = offset;
  let msgLength = length;
  let tcpLength = -1;
  if (overTcp) {
    if (data.length - offset >= 2) tcpLength = (data[offset]! << 8) | data[offset + 1]!;
    start = offset + 2;
    msgLength = Math.max(0, Math.min(length - 2, Math.max(tcpLength, 0)));
  }
  const end = Math.min(start + msgLength, data.length);
  const m = new DnsLayer(data, start, end);
  m.overTcp = overTcp;
  m.tcpLength = tcpLength;
  m.messageLength = msgLength;
  if (overTcp) {
    m.offset = offset;
    m.headerLength = 14;
  }
  if (end - start < 12) {
    m.truncated = end - start < msgLength;
    if (!m.truncated) m.malformed = `message length ${msgLength} is shorter than the header`;
    m.headerLength = Math.max(0, end - offset);
    if (end - start >= 2) m.id = (data[start]! << 8) | data[start + 1]!;
    if (end - start >= 4) m.flags = (data[start + 2]! << 8) | data[start + 3]!;
    return m;
  }
  m.id = (data[start]! << 8) | data[start + 1]!;
  m.flags = (data[start + 2]! << 8) | data[start + 3]!;
  m.qdCount = (data[start + 4]! << 8) | data[start + 5]!;
  m.anCount = (data[start + 6]! << 8) | data[start + 7]!;
  m.nsCount = (data[start + 8]! << 8) | data[start + 9]!;
  m.arCount = (data[start + 10]! << 8) | data[start + 11]!;
  return m;
}
