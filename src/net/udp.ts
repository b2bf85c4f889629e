/**
 * UDP sockets on the loop: datagrams received through an Io watcher, sent with sendto. A
 * datagram is always whole; one that would block is reported (send returns false) rather
 * than queued, as UDP has no flow control to wait for.
 */
import { EV, Io, type Loop } from "../loop/index.js";
import {
  bind,
  close as closeFd,
  connect as connectFd,
  encodeAddress,
  familyOf,
  localAddress,
  recvFrom,
  SO_BROADCAST,
  SO_REUSEADDR,
  SO_REUSEPORT,
  SOCK_DGRAM,
  SOL_SOCKET,
  type SocketAddress,
  sendTo,
  setIntOption,
  socket,
} from "../sys/index.js";

export interface UdpOptions {
  /** Local address to bind (default "127.0.0.1"); its family decides the socket's. */
  host?: string;
  /** Local port (default 0: any). */
  port?: number;
  reuseAddr?: boolean;
  reusePort?: boolean;
  broadcast?: boolean;
  /** Largest datagram to receive (default 65535); longer ones are truncated by the kernel. */
  maxDatagram?: number;
}

export class UdpSocket {
  readonly loop: Loop;
  fd: number;
  /**
   * A datagram arrived: `data` is a view valid only during the call; `from` is null when
   * the kernel gave no sender address.
   */
  onMessage: (data: Uint8Array, from: SocketAddress | null) => void = () => {};
  /**
   * A receive failed, typically ECONNREFUSED on a connected socket after the peer's ICMP
   * port-unreachable. By default ignored: UDP promises no delivery, and the socket goes on.
   */
  onError: (err: Error) => void = () => {};
  private readonly io: Io;
  private readonly buffer: Uint8Array;

  constructor(loop: Loop, options: UdpOptions = {}) {
    this.loop = loop;
    const host = options.host ?? "127.0.0.1";
    this.fd = socket(familyOf(host), SOCK_DGRAM);
    try {
      if (options.reuseAddr) setIntOption(this.fd, SOL_SOCKET, SO_REUSEADDR, 1);
      if (options.reusePort) setIntOption(this.fd, SOL_SOCKET, SO_REUSEPORT, 1);
      if (options.broadcast) setIntOption(this.fd, SOL_SOCKET, SO_BROADCAST, 1);
      bind(this.fd, encodeAddress(host, options.port ?? 0));
    } catch (err) {
      closeFd(this.fd);
      throw err;
    }
    this.buffer = Buffer.allocUnsafe(options.maxDatagram ?? 65535);
    this.io = new Io(loop, this.fd, EV.READ, () => this.receive());
    this.io.start();
  }

  address(): SocketAddress {
    return localAddress(this.fd);
  }

  /** Fixes the peer: send() may then omit the address, and only its datagrams arrive. */
  connect(host: string, port: number): void {
    connectFd(this.fd, encodeAddress(host, port));
  }

  /** Sends one datagram; false when the socket buffer is full and it was not sent. */
  send(data: Uint8Array, host?: string, port?: number): boolean {
    const addr = host === undefined ? null : encodeAddress(host, port ?? 0);
    return sendTo(this.fd, data, addr) >= 0;
  }

  /** Stops receiving until resume(). */
  pause(): void {
    this.io.stop();
  }

  resume(): void {
    if (this.fd >= 0) this.io.start();
  }

  close(): void {
    if (this.fd < 0) return;
    this.io.stop();
    closeFd(this.fd);
    this.fd = -1;
  }

  private receive(): void {
    // A few datagrams per readiness, then other watchers get their turn.
    for (let i = 0; i < 32 && this.fd >= 0; i++) {
      let got: ReturnType<typeof recvFrom>;
      try {
        got = recvFrom(this.fd, this.buffer);
      } catch (err) {
        // ECONNREFUSED from an ICMP error on a connected socket, for instance
        this.onError(err as Error);
        return;
      }
      if (got.length < 0) return;
      this.onMessage(this.buffer.subarray(0, got.length), got.from);
    }
  }
}
