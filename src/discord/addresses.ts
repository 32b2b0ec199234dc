// What kind of address an IP is: public, or one a link handed to the proxy must not reach.
// Pure. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64) are judged by it.
import { isIPv4, isIPv6 } from "node:net";

export type AddressKind =
  /** Reachable on the internet: fine to hand on. */
  | "public"
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7: a LAN, allowed by the operator's switch. */
  | "private"
  /** 127/8, ::1: the proxy's own machine; allowed by the operator's switch as well. */
  | "loopback"
  /** 169.254/16 (cloud metadata at 169.254.169.254), fe80::/10: never. */
  | "link-local"
  /** 0/8, ::: never. */
  | "unspecified"
  /** Multicast, broadcast, documentation, benchmarking, 240/4 and other special ranges: never. */
  | "reserved";

type Range = [bigint, number, AddressKind];

const V4: [string, number, AddressKind][] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "private"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "reserved"],
  ["240.0.0.0", 4, "reserved"],
];

const V6: [string, number, AddressKind][] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["100::", 64, "reserved"],
  ["2001:db8::", 32, "reserved"],
  ["fc00::", 7, "private"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "reserved"],
  ["ff00::", 8, "reserved"],
];

/** IPv6 prefixes whose last 32 bits are an IPv4 address. */
const EMBEDDING: [string, number][] = [
  ["::ffff:0:0", 96], // IPv4-mapped
  ["::", 96], // IPv4-compatible (deprecated)
  ["64:ff9b::", 96], // NAT64
];

function v4Bits(ip: string): bigint {
  return ip.split(".").reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
}

function v6Bits(ip: string): bigint {
  let text = ip.toLowerCase();
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = v4Bits(dotted);
    text = `${text.slice(0, -dotted.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g || "0", 16)), 0n);
}

const ranges = (list: [string, number, AddressKind][], bits: (ip: string) => bigint): Range[] =>
  list.map(([base, prefix, kind]) => [bits(base), prefix, kind]);
const V4_RANGES = ranges(V4, v4Bits);
const V6_RANGES = ranges(V6, v6Bits);

function inRange(value: bigint, base: bigint, prefix: number, width: number): boolean {
  const shift = BigInt(width - prefix);
  return value >> shift === base >> shift;
}

function kindOf(value: bigint, list: Range[], width: number): AddressKind {
  // The longest matching prefix wins (::1 inside ::/96, for instance).
  let best: Range | undefined;
  for (const range of list) {
    if (inRange(value, range[0], range[1], width) && (!best || range[1] > best[1])) best = range;
  }
  return best?.[2] ?? "public";
}

/** The kind of an IP address (IPv6 with or without brackets); null when it is not one. */
export function addressKind(ip: string): AddressKind | null {
  const bare = ip.replace(/^\[(.*)\]$/, "$1");
  if (isIPv4(bare)) return kindOf(v4Bits(bare), V4_RANGES, 32);
  if (!isIPv6(bare)) return null;
  const value = v6Bits(bare);
  const own = kindOf(value, V6_RANGES, 128);
  if (own === "unspecified" || own === "loopback") return own;
  for (const [base, prefix] of EMBEDDING) {
    if (inRange(value, v6Bits(base), prefix, 128))
      return kindOf(value & 0xffffffffn, V4_RANGES, 32);
  }
  return own;
}
