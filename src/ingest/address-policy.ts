// Which IP addresses a feed may be fetched from: public ones only, unless the user allows the rest. A feed list is
// input from outside (OPML files, redirects chosen by feed servers), and without this a feed could make us read
// services on this machine or its network (a router page, a cloud metadata endpoint at 169.254.169.254) and store
// what they answer as articles.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Named after the option that lets these addresses through, so the message says how to get past it. */
const HOW_TO_ALLOW = 'pass --allow-private-addresses to allow';

/** A connection the policy refused before it was made; its message is meant for the person running Wirefold. */
export class AddressRefusedError extends Error {
  override name = 'AddressRefusedError';
}

/*
 * IPv4 ranges, with the IPv6 forms that carry an IPv4 address inside them: IPv4-mapped (::ffff:a.b.c.d, which
 * BlockList matches against IPv4 rules by itself), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d, which a
 * NAT64 gateway turns back into a.b.c.d) and 6to4 (2002:AABB:CCDD::). Order matters: the first kind that matches names
 * the address, so loopback (::1) is named before unspecified (::, inside ::/96).
 */
const kinds: { what: string; ipv4: string[]; ipv6: string[] }[] = [
  { what: 'a loopback address', ipv4: ['127.0.0.0/8'], ipv6: ['::1/128'] },
  { what: 'an unspecified address', ipv4: ['0.0.0.0/8'], ipv6: ['::/128'] }, // 0.0.0.0 reaches this host on Linux
  { what: 'a private address', ipv4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ipv6: ['fec0::/10'] },
  { what: 'a link-local address', ipv4: ['169.254.0.0/16'], ipv6: ['fe80::/10'] },
  { what: 'a unique-local address', ipv4: [], ipv6: ['fc00::/7'] },
  { what: 'a shared (carrier-grade NAT) address', ipv4: ['100.64.0.0/10'], ipv6: [] },
  { what: 'a multicast address', ipv4: ['224.0.0.0/4'], ipv6: ['ff00::/8'] },
  { what: 'a broadcast address', ipv4: ['255.255.255.255/32'], ipv6: [] },
  // IETF protocol assignments, documentation, benchmarking, future use; discard-only and local-use NAT64 in IPv6.
  { what: 'a reserved address', ipv4: ['192.0.0.0/24', '192.0.2.0/24', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4'],
    ipv6: ['100::/64', '2001:db8::/32', '64:ff9b:1::/48'] },
];

const lists = kinds.map(({ what, ipv4, ipv6 }) => {
  const list = new BlockList();
  for (const range of ipv4) {
    const [network, bits] = splitRange(range);
    list.addSubnet(network, bits, 'ipv4');
    list.addSubnet(`::${network}`, 96 + bits, 'ipv6');
    list.addSubnet(`64:ff9b::${network}`, 96 + bits, 'ipv6');
    list.addSubnet(`2002:${sixToFourGroups(network)}::`, 16 + bits, 'ipv6');
  }
  for (const range of ipv6) list.addSubnet(...splitRange(range), 'ipv6');
  return { what, list };
});

function splitRange(range: string): [string, number] {
  const [network, bits] = range.split('/');
  return [network!, Number(bits)];
}

/** a.b.c.d as the two hexadecimal groups 6to4 puts after 2002: */
function sixToFourGroups(ipv4: string): string {
  const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number];
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/**
 * What sort of non-public address this is, in words ("a private address", "a loopback address"), or null for an
 * address on the public internet. A pure function: nothing is resolved or connected. Throws a TypeError when the text
 * is not an IPv4 or IPv6 address.
 */
export function nonPublicAddressKind(address: string): string | null {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return lists.find(({ list }) => list.check(address, type))?.what ?? null;
}

/**
 * Throws AddressRefusedError when the URL's host is a literal non-public IP address (IPv6 in brackets, as URL gives
 * it). Needed because Node connects to a literal address without calling any lookup function; names are left to
 * `publicOnlyLookup`.
 */
export function refuseNonPublicLiteral(hostname: string): void {
  const address = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (isIP(address) === 0) return;
  const kind = nonPublicAddressKind(address);
  if (kind) throw new AddressRefusedError(`refused: ${address} is ${kind}; ${HOW_TO_ALLOW}`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/http connections that resolves the name and keeps only public addresses, so the address checked
 * is the address connected to: a name that resolves to a public address for one look-up and a private one for the
 * next (DNS rebinding) cannot get past a check made before the fetch. Answers in the shape asked for (one address, or
 * all of them when `options.all`); when every address is non-public it fails with AddressRefusedError naming the first.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const allowed = addresses.filter((entry) => nonPublicAddressKind(entry.address) === null);
    if (allowed.length === 0) {
      const first = addresses[0];
      const why = first ? `resolves to ${first.address}, ${nonPublicAddressKind(first.address)}` : 'resolves to no address';
      return callback(new AddressRefusedError(`refused: ${hostname} ${why}; ${HOW_TO_ALLOW}`), []);
    }
    if (options.all) return callback(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
}
