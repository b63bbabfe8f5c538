import { BlockList, SocketAddress, isIP } from 'node:net';

/**
 * Addresses a fetch on behalf of a client may never reach: loopback, private, link-local
 * (cloud metadata services live there: 169.254.169.254, fd00:ec2::254), shared, reserved,
 * documentation and multicast ranges. IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are
 * refused whole (BlockList would match an ::ffff:0:0/96 rule against every IPv4 address,
 * so they are recognised by their normalised form); the tunnelling and translation
 * prefixes that embed an IPv4 address some other way are refused whole too.
 */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier NAT; Alibaba's metadata service)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback (::1) and IPv4-compatible addresses
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: embeds an IPv4 address
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local (fd00:ec2::254, the AWS metadata service, is here)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

function isMapped(address: string): boolean {
  return new SocketAddress({ address, family: 'ipv6' }).address.startsWith('::ffff:');
}

/** True only for a well-formed IP address on the public internet. */
export function isPublicAddress(address: string): boolean {
  const type = family(address);
  if (type === undefined) return false;
  if (type === 'ipv6' && isMapped(address)) return false;
  return !NOT_PUBLIC.check(address, type);
}

/** True for 127.0.0.0/8 and ::1 (and their IPv4-mapped forms). */
export function isLoopbackAddress(address: string): boolean {
  const type = family(address);
  return type !== undefined && LOOPBACK.check(address, type);
}

/** The address in a URL's hostname when it is an IP literal (`[::1]` → `::1`), else undefined. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}
