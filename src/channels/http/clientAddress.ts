import type { Request } from 'restify';

/**
 * Who is asking, for per-client rate limits. With `trustProxy`, the last X-Forwarded-For entry: the one the
 * proxy in front of us appended, the only one a client cannot forge (App Service writes "address:port").
 */
export function clientAddress(req: Request, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((entry) => entry.trim());
    const last = entries.at(-1);
    if (last) return withoutPort(last);
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function withoutPort(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) return bracketed[1];
  const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  return ipv4WithPort?.[1] ?? address;
}
