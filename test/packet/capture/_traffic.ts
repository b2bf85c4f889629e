/**
 * Loopback traffic for the capture tests: UDP datagrams between sockets bound to 127.0.0.1
 * on ports the kernel picks, so that filters naming both ports see no one else's packets
 * (other tests may be using loopback at the same time), and no ICMP "port unreachable"
 * comes back.
 */
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { readdirSync } from "node:fs";

export interface UdpPair {
  sender: Socket;
  receiver: Socket;
  senderPort: number;
  receiverPort: number;
  /** `udp and src port S and dst port R`: this pair's datagrams one way. */
  filter: string;
  /** Sends `count` datagrams of `size` bytes, waiting for each to leave. */
  send(count: number, size?: number): Promise<void>;
  close(): void;
}

async function bound(): Promise<Socket> {
  const socket = createSocket("udp4");
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return socket;
}

export async function udpPair(): Promise<UdpPair> {
  const sender = await bound();
  const receiver = await bound();
  receiver.on("message", () => {});
  const senderPort = sender.address().port;
  const receiverPort = receiver.address().port;
  return {
    sender,
    receiver,
    senderPort,
    receiverPort,
    filter: `udp and src port ${senderPort} and dst port ${receiverPort}`,
    async send(count, size = 32) {
      for (let i = 0; i < count; i++) {
        const payload = Buffer.alloc(size, 0x61 + (i % 26));
        await new Promise<void>((resolve, reject) =>
          sender.send(payload, receiverPort, "127.0.0.1", (err) => (err ? reject(err) : resolve())),
        );
      }
    },
    close() {
      sender.close();
      receiver.close();
    },
  };
}

/** Resolves once `done()` holds, checking every few milliseconds; rejects after `ms`. */
export async function waitFor(done: () => boolean, ms = 3000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** How many descriptors this process has open right now. */
export function openFdCount(): number {
  return readdirSync("/proc/self/fd").length;
}
