/**
 * The client's address for rate limits ([SV5], [AU1]).
 *
 * Without `TRUST_PROXY` it is the socket's peer address, and `X-Forwarded-For` is
 * ignored (anyone can send one). With `TRUST_PROXY` (addresses and CIDR ranges of the
 * reverse proxies in front of the server), a request whose socket comes from a trusted
 * proxy is attributed to the right-most `X-Forwarded-For` entry that is not itself a
 * trusted proxy: each proxy appends the address it saw, so entries to the left of the
 * first untrusted one may be forged by the client and are never used.
 */
import net from 'node:net';
import type { IncomingMessage } from 'node:http';

export type ClientAddress = (req: IncomingMessage) => string;

/** One `TRUST_PROXY` entry: an IP address or a CIDR range. Null when it is neither. */
function parseEntry(
	entry: string
): { address: string; prefix?: number; type: 'ipv4' | 'ipv6' } | null {
	const [address, bits, extra] = entry.split('/');
	const version = net.isIP(address);
	if (version === 0 || extra !== undefined) return null;
	const type = version === 4 ? 'ipv4' : 'ipv6';
	if (bits === undefined) return { address, type };
	const max = version === 4 ? 32 : 128;
	if (!/^[0-9]{1,3}$/.test(bits) || Number(bits) > max) return null;
	return { address, prefix: Number(bits), type };
}

/** The entries of a `TRUST_PROXY` value that are not an address or CIDR range. */
export function invalidProxyEntries(entries: readonly string[]): string[] {
	return entries.filter((e) => parseEntry(e) === null);
}

/** Without a port, brackets or zone; `::ffff:1.2.3.4` as `1.2.3.4`. Empty when unusable. */
function normalize(raw: string): string {
	let s = raw.trim();
	const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
	if (bracketed) s = bracketed[1];
	else if (/^[0-9.]+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
	s = s.replace(/%.*$/, '');
	if (/^::ffff:[0-9.]+$/i.test(s)) s = s.slice(7);
	return net.isIP(s) ? s.toLowerCase() : '';
}

export function clientAddressResolver(trustProxy: readonly string[] = []): ClientAddress {
	const socketAddress = (req: IncomingMessage) => normalize(req.socket.remoteAddress ?? '');
	if (trustProxy.length === 0) return socketAddress;
	const trusted = new net.BlockList();
	for (const entry of trustProxy) {
		const e = parseEntry(entry);
		if (!e) throw new Error(`TRUST_PROXY: "${entry}" is not an IP address or CIDR range`);
		if (e.prefix === undefined) trusted.addAddress(e.address, e.type);
		else trusted.addSubnet(e.address, e.prefix, e.type);
	}
	const isTrusted = (address: string) =>
		trusted.check(address, net.isIP(address) === 4 ? 'ipv4' : 'ipv6');
	return (req) => {
		const peer = socketAddress(req);
		if (!peer || !isTrusted(peer)) return peer;
		const header = req.headers['x-forwarded-for'];
		const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
			.split(',')
			.map(normalize);
		for (let i = hops.length - 1; i >= 0; i--) {
			// An entry that is not an address was made up: what lies left of it is unknown.
			if (!hops[i]) return peer;
			if (!isTrusted(hops[i])) return hops[i];
		}
		return peer;
	};
}
