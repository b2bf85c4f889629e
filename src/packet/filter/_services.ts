/**
 * Well-known service names for `port NAME`, from IANA's registry as Debian's /etc/services
 * lists them. libpcap checks the protocol too when a name exists for only one of TCP and UDP
 * (`port http` is TCP port 80 only), so each entry says which protocols it has.
 */
export interface Service {
  port: number;
  tcp: boolean;
  udp: boolean;
}

const both = (port: number): Service => ({ port, tcp: true, udp: true });
const tcpOnly = (port: number): Service => ({ port, tcp: true, udp: false });
const udpOnly = (port: number): Service => ({ port, tcp: false, udp: true });

export const SERVICES: ReadonlyMap<string, Service> = new Map([
  ["ftp-data", tcpOnly(20)],
  ["ftp", tcpOnly(21)],
  ["ssh", tcpOnly(22)],
  ["telnet", tcpOnly(23)],
  ["smtp", tcpOnly(25)],
  ["domain", both(53)],
  ["bootps", udpOnly(67)],
  ["bootpc", udpOnly(68)],
  ["tftp", udpOnly(69)],
  ["http", tcpOnly(80)],
  ["www", tcpOnly(80)],
  ["kerberos", both(88)],
  ["pop3", tcpOnly(110)],
  ["ntp", udpOnly(123)],
  ["snmp", both(161)],
  ["ldap", both(389)],
  ["https", both(443)],
  ["syslog", udpOnly(514)],
  ["mysql", tcpOnly(3306)],
  ["postgresql", tcpOnly(5432)],
]);
