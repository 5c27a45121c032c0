import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { botActivity, postedActivity } from './activities';
import { bearer, clientHeaders, JSON_TYPE, type DraftRequest, type Gen } from './hostileRequest';

/** 60 MB of spaces: about 60 KB compressed, so it is under the 64 KB body limit until inflated. */
const BOMB_BYTES = 60 * 1024 * 1024;

let bombs: { gzip: Buffer; deflate: Buffer; br: Buffer } | undefined;

/** Compressed once per process and reused: a canary-carrying member goes in front of each request's copy. */
function bomb(kind: 'gzip' | 'deflate' | 'br'): Buffer {
  if (!bombs) {
    const spaces = Buffer.alloc(BOMB_BYTES, 0x20);
    bombs = {
      gzip: gzipSync(spaces, { level: 9 }),
      deflate: deflateSync(spaces, { level: 9 }),
      br: brotliCompressSync(spaces, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
    };
  }
  return bombs[kind];
}

/**
 * Bodies whose headers lie about them: Content-Encoding gzip on bytes that are not gzip (a single "x"
 * once crashed the process), gzip cut short or followed by garbage, bombs that inflate 60 KB to 60 MB,
 * deflate, brotli and made-up encodings, and Content-Length or Transfer-Encoding that do not match the
 * bytes sent. The client writes these bytes exactly (no fetch), over its own socket.
 */
export function encodingLies(g: Gen): DraftRequest {
  const { rng } = g;
  const toDirectLine = rng.chance(0.15);
  const path = toDirectLine ? '/directline/conversations/{conv}/activities' : '/api/messages';
  const json = Buffer.from(JSON.stringify(toDirectLine ? postedActivity(g) : botActivity(g)));
  const headers: [string, string][] = [JSON_TYPE, ...clientHeaders(g), ...(toDirectLine ? [bearer('{convToken}')] : [])];
  const request = (variant: string, body: Buffer, extra: [string, string][], more: Partial<DraftRequest> = {}): DraftRequest => ({
    variant: toDirectLine ? `direct line: ${variant}` : variant,
    method: 'POST',
    path,
    headers: [...headers, ...extra],
    body,
    expect: 'answer',
    ...more,
  });
  const gzip = gzipSync(json);

  const variants: (() => DraftRequest)[] = [
    () => request('gzip lie: "x"', Buffer.from('x'), [['content-encoding', 'gzip']]),
    () => request('gzip lie: plain JSON', json, [['content-encoding', 'gzip']]),
    () => request('gzip lie: random bytes', rng.bytes(rng.int(1, 200)), [['content-encoding', 'gzip']]),
    () => request('gzip cut short', gzip.subarray(0, rng.int(1, gzip.length - 1)), [['content-encoding', 'gzip']]),
    () => request('gzip then garbage', Buffer.concat([gzip, rng.bytes(rng.int(1, 100))]), [['content-encoding', 'gzip']]),
    () => request('gzip twice, declared once', gzipSync(gzip), [['content-encoding', 'gzip']]),
    () => request('gzip, honest', gzip, [['content-encoding', 'gzip']]),
    () => request('gzip bomb (60 MB)', Buffer.concat([gzipSync(json.subarray(0, json.length - 1)), bomb('gzip')]), [['content-encoding', 'gzip']]),
    () => request('deflate bomb (60 MB)', bomb('deflate'), [['content-encoding', 'deflate']]),
    () => request('brotli bomb (60 MB)', bomb('br'), [['content-encoding', 'br']]),
    () => request('deflate lie', json, [['content-encoding', 'deflate']]),
    () => request('brotli lie', Buffer.from('x'), [['content-encoding', 'br']]),
    () =>
      request('unknown encoding', json, [
        ['content-encoding', rng.pick(['compress', 'zstd', 'x-gzip', 'identity', 'gzip, gzip', 'gzip, deflate', 'GZIP', '*', '', `x-${g.canary()}`])],
      ]),
    () =>
      request('two Content-Encoding headers', gzip, [
        ['content-encoding', 'gzip'],
        ['content-encoding', 'deflate'],
      ]),
    () => request('Content-Length too short', json, [['content-length', String(rng.int(0, json.length - 1))]]),
    () =>
      request('Content-Length not a number', json, [['content-length', rng.pick(['abc', '-1', '1.5', '0x10', '99999999999999999999', ' 12', '+12', '1,2'])]]),
    () =>
      request('two different Content-Lengths', json, [
        ['content-length', String(json.length)],
        ['content-length', String(json.length + 1)],
      ]),
    () =>
      request('Content-Length and chunked', json, [
        ['content-length', String(json.length)],
        ['transfer-encoding', 'chunked'],
      ]),
    () =>
      request('chunked, bad chunk size', Buffer.from(`${rng.pick(['zz', '-5', 'ffffffffffffffffff', '5;ext=' + 'x'.repeat(5000)])}\r\n${json}\r\n0\r\n\r\n`), [
        ['transfer-encoding', 'chunked'],
      ]),
    () =>
      request(
        'chunked, many small chunks',
        Buffer.concat([...[...json].map((byte) => Buffer.concat([Buffer.from('1\r\n'), Buffer.from([byte]), Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')]),
        [['transfer-encoding', 'chunked']],
      ),
    () => request('unknown Transfer-Encoding', json, [['transfer-encoding', rng.pick(['gzip', 'identity', 'chunked, gzip', 'xchunked'])]]),
    () =>
      request('Content-Length longer than the body', json, [['content-length', String(json.length + rng.int(1, 100_000))]], {
        expect: 'abandon',
        abandonAfterMs: 2000,
      }),
    () =>
      request('chunked without its last chunk', Buffer.from(`${json.length.toString(16)}\r\n${json}\r\n`), [['transfer-encoding', 'chunked']], {
        expect: 'abandon',
        abandonAfterMs: 2000,
      }),
  ];
  return rng.pick(variants)();
}
