import { connect } from 'node:net';
import type { HostileRequest } from './hostileRequest';

/**
 * An HTTP/1.1 client over a bare socket, because the requests must reach the server byte for byte: fetch
 * and node:http fix Content-Length, refuse invalid header values, and cannot trickle a body. One
 * connection per request (`Connection: close`), since a lie about the body leaves a connection unusable.
 */

export interface Target {
  host: string;
  port: number;
}

export interface Outcome {
  /** The final (non-1xx) status, when an answer came. */
  status?: number;
  /** The start of the answer's body, to tell documented refusals apart. */
  body: string;
  ms: number;
  /** Why there is no status. */
  failure?: 'timeout' | 'hang-up' | 'refused' | 'abandoned';
  detail?: string;
}

type WireRequest = Pick<HostileRequest, 'method' | 'path' | 'headers' | 'body' | 'trickle' | 'abandonAfterMs'>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The request's bytes: Host, Connection and Content-Length added unless the request sets its own (or lies). */
function wire(request: WireRequest, target: Target): { head: Buffer; body: Buffer } {
  const names = new Set(request.headers.map(([name]) => name.toLowerCase()));
  const headers: [string, string][] = [];
  if (!names.has('host')) headers.push(['Host', `${target.host}:${target.port}`]);
  headers.push(...request.headers);
  if (!names.has('connection')) headers.push(['Connection', 'close']);
  if (!names.has('content-length') && !names.has('transfer-encoding') && (request.body.length > 0 || BODY_METHODS.has(request.method))) {
    headers.push(['Content-Length', String(request.body.length)]);
  }
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return { head: Buffer.from(head, 'utf8'), body: request.body };
}

interface Answer {
  status: number;
  body: string;
  complete: boolean;
}

/** The first final answer in what has arrived, once its head is complete; 1xx interim answers are skipped. */
function parseAnswer(bytes: Buffer, method: string, bodyCap: number): Answer | undefined {
  let offset = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', offset);
    if (end < 0) return undefined;
    const head = bytes.subarray(offset, end).toString('latin1');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
    if (!status) return undefined;
    if (status < 200) {
      offset = end + 4;
      continue;
    }
    const body = bytes.subarray(end + 4);
    const declared = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const wanted = method === 'HEAD' || status === 204 || status === 304 ? 0 : Math.min(declared ? Number(declared[1]) : Infinity, bodyCap);
    return { status, body: body.subarray(0, bodyCap).toString('utf8'), complete: body.length >= wanted };
  }
}

/**
 * Sends the request and resolves with the answer, or why there was none. Never rejects, never waits
 * longer than `timeoutMs` (or the request's own `abandonAfterMs`).
 */
export function send(target: Target, request: WireRequest, timeoutMs: number, bodyCap = 4096): Promise<Outcome> {
  const started = performance.now();
  const { head, body } = wire(request, target);
  return new Promise((done) => {
    const socket = connect({ host: target.host, port: target.port });
    const received: Buffer[] = [];
    const signal = AbortSignal.timeout(request.abandonAfterMs ?? timeoutMs);
    let trickling: NodeJS.Timeout | undefined;
    let settled = false;

    const finish = (failure: Outcome['failure'], detail?: string) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      clearInterval(trickling);
      socket.destroy();
      const ms = performance.now() - started;
      const answer = parseAnswer(Buffer.concat(received), request.method, bodyCap);
      done(answer ? { status: answer.status, body: answer.body, ms } : { failure, detail, body: '', ms });
    };
    const onAbort = () => finish(request.abandonAfterMs === undefined ? 'timeout' : 'abandoned');
    signal.addEventListener('abort', onAbort);

    socket.on('connect', () => {
      const bytes = Buffer.concat([head, body]);
      if (!request.trickle) {
        socket.write(bytes);
        return;
      }
      const { from, bytes: slice, everyMs } = request.trickle;
      let sent = from === 'headers' ? head.indexOf('\r\n') + 2 : head.length;
      socket.write(bytes.subarray(0, sent));
      trickling = setInterval(() => {
        if (sent >= bytes.length) return clearInterval(trickling);
        socket.write(bytes.subarray(sent, sent + slice));
        sent += slice;
      }, everyMs);
    });
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (parseAnswer(Buffer.concat(received), request.method, bodyCap)?.complete) finish(undefined);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : 'hang-up', err.code));
    socket.on('close', () => finish('hang-up', 'closed without an answer'));
  });
}
