#!/bin/sh
# Regenerates the real-traffic fixtures of the filter tests (run as root, from the repo root):
#   test/fixtures/packet/filter-veth.pcap  Ethernet frames between two network namespaces
#   test/fixtures/packet/filter-sll.pcap   the same kind of traffic on "any" (Linux cooked v1)
#   test/fixtures/packet/filter-sll2.pcap  ... and Linux cooked v2
#   test/fixtures/packet/filter-lo.pcap    loopback traffic (Ethernet with zero MACs)
# Traffic: ARP, ICMP and ICMPv6 echo (plus neighbour discovery), an ICMP broadcast ping,
# UDP to an open and a closed port (ICMP port unreachable), TCP to a closed port (RST) and
# a small HTTP exchange over IPv4 and IPv6. Only the namespaces created here are used.
set -eu
out=${1:-test/fixtures/packet}
A=evf-a B=evf-b
cleanup() { ip netns del $A 2>/dev/null || true; ip netns del $B 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $A
ip netns add $B
ip link add veth-a netns $A type veth peer name veth-b netns $B
ip -n $A link set veth-a address 02:00:00:00:00:0a
ip -n $B link set veth-b address 02:00:00:00:00:0b
ip -n $A addr add 10.99.0.1/24 brd 10.99.0.255 dev veth-a
ip -n $B addr add 10.99.0.2/24 brd 10.99.0.255 dev veth-b
ip -n $A -6 addr add fd00:99::1/64 dev veth-a nodad
ip -n $B -6 addr add fd00:99::2/64 dev veth-b nodad
for ns in $A $B; do ip -n $ns link set lo up; done
ip -n $A link set veth-a up
ip -n $B link set veth-b up
ip netns exec $B sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0

traffic() {
  ip netns exec $B node -e '
    const http = require("http"); const dgram = require("dgram");
    const s = http.createServer((q, r) => r.end("hi\n")).listen(8080, "::", () => {});
    const u = dgram.createSocket("udp4").bind(5353); u.on("message", (m, r) => u.send(m, r.port, r.address));
    setTimeout(() => { s.close(); u.close(); }, 2500);' &
  server=$!
  sleep 0.5
  ip netns exec $A ping -q -c 2 -i 0.2 10.99.0.2 >/dev/null
  ip netns exec $A ping -q -6 -c 2 -i 0.2 fd00:99::2 >/dev/null
  ip netns exec $A ping -q -b -c 1 10.99.0.255 >/dev/null 2>&1 || true
  ip netns exec $A node -e '
    const dgram = require("dgram"); const net = require("net");
    const u = dgram.createSocket("udp4");
    u.send("hello", 5353, "10.99.0.2", () => u.send("closed", 9999, "10.99.0.2", () => setTimeout(() => u.close(), 200)));
    const c = net.connect(7, "10.99.0.2"); c.on("error", () => {});
    const c6 = net.connect(7, "fd00:99::2"); c6.on("error", () => {});'
  ip netns exec $A curl -s -o /dev/null http://10.99.0.2:8080/
  ip netns exec $A curl -s -o /dev/null "http://[fd00:99::2]:8080/"
  wait $server
}

capture() { # file interface [tcpdump options]
  f=$1; i=$2; shift 2
  ip netns exec $A tcpdump -q -i "$i" -w "$f" "$@" 2>/dev/null &
  pid=$!
  sleep 1
  traffic
  sleep 0.5
  kill -INT $pid; wait $pid || true
  ip -n $A neigh flush all; ip -n $B neigh flush all
}

capture "$out/filter-veth.pcap" veth-a
capture "$out/filter-sll.pcap" any -y LINUX_SLL
capture "$out/filter-sll2.pcap" any -y LINUX_SLL2

# Loopback: plain loopback traffic inside namespace A.
ip netns exec $A tcpdump -q -i lo -w "$out/filter-lo.pcap" 2>/dev/null &
pid=$!
sleep 1
ip netns exec $A ping -q -c 2 -i 0.2 127.0.0.1 >/dev/null
ip netns exec $A ping -q -6 -c 2 -i 0.2 ::1 >/dev/null
ip netns exec $A node -e '
  const net = require("net"); const dgram = require("dgram");
  const s = net.createServer((c) => c.end("bye")).listen(4000, "127.0.0.1", () => {
    const c = net.connect(4000, "127.0.0.1", () => c.write("x")); c.on("data", () => {}); c.on("close", () => s.close());
  });
  const u = dgram.createSocket("udp6"); u.send("q", 53, "::1", () => u.close());
  const r = net.connect(4001, "::1"); r.on("error", () => {});'
sleep 0.5
kill -INT $pid; wait $pid || true
