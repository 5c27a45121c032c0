import { botActivity } from './activities';
import { clientHeaders, JSON_TYPE, postJson, type DraftRequest, type Gen } from './hostileRequest';

/**
 * serviceUrls a caller might hand the bot. The bot may try to POST its replies there, and nothing here may
 * reach a real host: every address is a TEST-NET documentation range (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24, never routed), an .invalid name (never resolvable), a scheme nothing will connect with,
 * or loopback on a port nothing listens on. Loopback ones always ask for expectReplies, so even a bot
 * that accepts them posts nothing; the others do half the time, and otherwise the server should refuse
 * them rather than try.
 */
function testNet(g: Gen): string {
  return `${g.rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${g.rng.int(1, 254)}`;
}

export function serviceUrls(g: Gen): DraftRequest {
  const { rng } = g;
  const port = g.around.closedPort;
  const elsewhere: [string, () => string][] = [
    ['TEST-NET http', () => `http://${testNet(g)}/${g.canary()}/`],
    ['TEST-NET https with port', () => `https://${testNet(g)}:${rng.int(1, 65535)}/api/${g.canary()}`],
    ['TEST-NET with credentials', () => `http://${g.canary()}:secret@${testNet(g)}/`],
    ['TEST-NET with query', () => `http://${testNet(g)}/?next=${g.canary()}`],
    ['.invalid host', () => `https://${g.canary()}.invalid/`],
    ['unicode .invalid host', () => `https://пример-${rng.letters(5)}.invalid/${g.canary()}`],
    ['ftp', () => `ftp://${testNet(g)}/${g.canary()}`],
    ['javascript:', () => `javascript:alert('${g.canary()}')`],
    ['file:', () => `file:///etc/passwd?${g.canary()}`],
    ['data:', () => `data:text/plain,${g.canary()}`],
    ['very long', () => `http://${testNet(g)}/${g.canary()}${'a'.repeat(rng.int(2000, 30_000))}`],
    ['not a URL', () => rng.pick(['', ' ', 'http://', '//', `:${g.canary()}`, `http:// ${g.canary()}`, `http://[${g.canary()}]/`])],
    ['TEST-NET after userinfo that looks like loopback', () => `http://127.0.0.1:${port}@${testNet(g)}/${g.canary()}`],
  ];
  const loopback: [string, () => string][] = [
    ['loopback, closed port', () => `http://127.0.0.1:${port}/${g.canary()}`],
    ['IPv6 loopback, closed port', () => `http://[::1]:${port}/${g.canary()}`],
    ['localhost, closed port', () => `http://localhost:${port}/${g.canary()}`],
    ['loopback in decimal, closed port', () => `http://2130706433:${port}/${g.canary()}`],
    ['loopback with TEST-NET userinfo, closed port', () => `http://${testNet(g)}@127.0.0.1:${port}/${g.canary()}`],
  ];
  const isLoopback = rng.chance(0.3);
  const [kind, make] = rng.pick(isLoopback ? loopback : elsewhere);
  const activity = botActivity(g, rng.pick(['message', 'message', 'conversationUpdate']));
  if (activity.type === 'conversationUpdate') activity.membersAdded = [{ id: g.canary(), name: g.canary() }];
  activity.serviceUrl = make();
  const expectReplies = isLoopback || rng.chance(0.5);
  if (!expectReplies) delete activity.deliveryMode;
  return postJson(`${kind}${expectReplies ? ', expectReplies' : ''}`, '/api/messages', JSON.stringify(activity), [JSON_TYPE, ...clientHeaders(g)]);
}
