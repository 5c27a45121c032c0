import { clientHeaders, get, type DraftRequest, type Gen } from './hostileRequest';

/** Files outside public/ that a traversal would want. */
const TARGETS = ['package.json', '.env', 'src/app/main.ts', 'src/app/config.ts', 'data/state.sqlite', 'etc/passwd'] as const;

function traversal(g: Gen, target: string): string {
  const up = g.rng.int(1, 6);
  const encoded = target.replaceAll('/', g.rng.pick(['/', '%2f', '%2F', '%5c', '\\']));
  const styles = [
    () => `${'../'.repeat(up)}${encoded}`,
    () => `${'%2e%2e%2f'.repeat(up)}${encoded}`,
    () => `${'..%2f'.repeat(up)}${encoded}`,
    () => `${'%252e%252e%252f'.repeat(up)}${encoded}`,
    () => `${'....//'.repeat(up)}${encoded}`,
    () => `${'..\\'.repeat(up)}${encoded}`,
    () => `${'%c0%ae%c0%ae/'.repeat(up)}${encoded}`,
    () => `${'..%00/'.repeat(up)}${encoded}`,
    () => `/${encoded}`,
    () => `%2f${encoded}`,
    () => `chat.js/${'../'.repeat(up)}${encoded}`,
  ];
  return g.rng.pick(styles)();
}

/**
 * The page and static routes, other paths, and methods nobody should use: traversal out of public/ (plain,
 * percent-encoded, double-encoded, overlong UTF-8, backslashes, encoded NULs), names that are long, NUL or
 * unicode, unknown routes, odd methods, absolute-form request targets, and junk headers on the pages.
 */
export function pathsAndMethods(g: Gen): DraftRequest {
  const { rng } = g;
  const variants: [number, () => DraftRequest][] = [
    [40, () => ({ ...get('traversal out of /static', `/static/${traversal(g, rng.pick(TARGETS))}`, clientHeaders(g)), mustNotServe: true })],
    [
      15,
      () =>
        get(
          'odd /static name',
          '/static/' +
            rng.pick([
              `${g.canary()}`,
              'chat.js%00.txt',
              '%00',
              'chat.js%00',
              '',
              'webchat-0.0.0.js',
              'webchat-../../x.js',
              `${'n'.repeat(rng.int(1000, 12_000))}`,
              '%E3%8C%96'.repeat(500),
              'chat.css;.js',
              'CHAT.JS',
              'chat.js.',
              '.%2e',
              '%ff%fe',
            ]),
          [['accept-encoding', rng.pick(['gzip', 'br', 'gzip;q=0', '*', 'x'.repeat(10_000)])]],
        ),
    ],
    [
      15,
      () =>
        get(
          'unknown route',
          `/${rng.pick(['api', 'directline', 'admin', '.git', 'v3', 'api/messages/x'])}/${g.canary()}` +
            rng.pick(['', '/', '//', '?a=1', '#x', '%00', '/%2e%2e/%2e%2e']),
          clientHeaders(g),
        ),
    ],
    [
      15,
      () => {
        const method = rng.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'M-SEARCH', 'get', 'FOO']);
        const path = rng.pick(['/api/messages', '/healthz', '/', '/static/chat.js', '/api/directline/token', '/directline/conversations', `/${g.canary()}`]);
        return { variant: `${method} ${path.slice(0, 30)}`, method, path, headers: clientHeaders(g), body: Buffer.alloc(0), expect: 'answer' };
      },
    ],
    [5, () => get('absolute-form target', rng.pick([`http://192.0.2.1/${g.canary()}`, 'http://127.0.0.1/healthz', '*', `//${g.canary()}.invalid/healthz`]))],
    [
      10,
      () =>
        get(`junk headers on ${rng.pick(['/', '/healthz'])}`, rng.pick(['/', '/healthz', `/healthz?${g.canary()}`, `/?${g.canary()}=${'q'.repeat(2000)}`]), [
          ['host', rng.pick([`${g.canary()}.invalid`, '', '192.0.2.1:80', 'localhost:0', '[::1'])],
          ['x-forwarded-host', g.canary()],
          ['accept', '*/*'.repeat(rng.int(1, 1000))],
          ['if-none-match', g.canary()],
          ['range', rng.pick(['bytes=0-0,1-1,2-2', 'bytes=-1', `bytes=${g.canary()}`])],
        ]),
    ],
  ];
  return rng.weighted(variants)();
}
