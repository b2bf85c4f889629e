/**
 * The one error class of the filter compiler. `code` is stable and meant for programs;
 * `message` is for people and, where libpcap has a message for the same mistake, says the
 * same thing. `position` is the 0-based character offset in the expression of the token
 * the error is about, or -1 when the error concerns the whole expression.
 */
export class FilterError extends Error {
  override readonly name = "FilterError";
  readonly code: FilterErrorCode;
  readonly position: number;
  constructor(code: FilterErrorCode, message: string, position = -1) {
    super(message);
    this.code = code;
    this.position = position;
  }
}

export type FilterErrorCode =
  /** A character that starts no token. */
  | "FILTER_ILLEGAL_CHARACTER"
  /** The tokens do not form a filter expression. */
  | "FILTER_SYNTAX"
  /** A number that does not fit, or an octal number with an 8 or 9. */
  | "FILTER_BAD_NUMBER"
  /** A malformed address, or a network with host bits set. */
  | "FILTER_BAD_ADDRESS"
  /** A host, network, port or protocol name: this layer has no resolver. */
  | "FILTER_UNRESOLVED_NAME"
  /** A qualifier that does not apply to what follows (`tcp host`, `ip6 host 1.2.3.4`). */
  | "FILTER_BAD_QUALIFIER"
  /** A value out of its range (`port 99999`, `vlan 5000`, `ip[0:3]`). */
  | "FILTER_OUT_OF_RANGE"
  /** A primitive the capture's link type cannot have (`ether host` on raw IP). */
  | "FILTER_LINK_TYPE"
  /** A link type the compiler does not know. */
  | "FILTER_UNSUPPORTED_LINK_TYPE"
  /** A primitive of pcap-filter(7) this compiler does not implement. */
  | "FILTER_UNSUPPORTED"
  /** The optimised filter can never match (libpcap refuses these too). */
  | "FILTER_REJECTS_ALL"
  /** The arithmetic needs more than the 16 scratch memory words. */
  | "FILTER_TOO_COMPLEX";
