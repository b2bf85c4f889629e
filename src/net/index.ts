/**
 * evnet/net: TCP, unix stream and UDP sockets on the loop.
 */

export type { SocketAddress } from "../sys/index.js";
export { type ConnectOptions, connect } from "./connect.js";
export { type CloseReason, Connection, type ConnectionOptions } from "./connection.js";
export { type ConnectionFactory, Listener, type ListenOptions } from "./listener.js";
export { type UdpOptions, UdpSocket } from "./udp.js";
