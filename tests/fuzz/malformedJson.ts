import { botActivity, postedActivity } from './activities';
import { bearer, clientHeaders, JSON_TYPE, postJson, type DraftRequest, type Gen } from './hostileRequest';

/**
 * Bodies that are not the JSON object they claim to be: cut short, padded, not JSON at all, JSON of the
 * wrong shape, or JSON in a charset or media type the parser does not expect. Sent to the Bot Framework
 * endpoint and, with a valid token, to the local Direct Line endpoint.
 */
export function malformedJson(g: Gen): DraftRequest {
  const toDirectLine = g.rng.chance(0.2);
  const valid = JSON.stringify(toDirectLine ? postedActivity(g) : botActivity(g));
  const { rng } = g;
  const variants: [string, () => string | Buffer][] = [
    ['truncated', () => valid.slice(0, rng.int(0, valid.length - 1))],
    ['trailing garbage', () => `${valid}${rng.pick(['}', ']]', ',', 'garbage', '\u0000', `{"x":"${g.canary()}"}`, '\n\n{}'])}`],
    ['NaN and Infinity', () => valid.replace(/"locale":"[^"]*"/, `"locale":${rng.pick(['NaN', 'Infinity', '-Infinity', 'undefined'])}`)],
    [
      'huge number',
      () => valid.replace(/^\{/, `{"n":${rng.pick(['1e999999', '9'.repeat(rng.int(400, 5000)), '-0', '0x10', '1.7976931348623157e309', '.5', '01'])},`),
    ],
    ['duplicate keys', () => valid.replace(/^\{/, `{"type":{"x":"${g.canary()}"},"text":["${g.canary()}"],"conversation":null,`)],
    ['byte-order mark', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid)])],
    [
      'non-UTF-8 bytes',
      () => {
        const at = valid.indexOf('"text":"') + 8;
        const bad = rng.pick([[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]]);
        return Buffer.concat([Buffer.from(valid.slice(0, at)), Buffer.from(bad), Buffer.from(valid.slice(at))]);
      },
    ],
    ['UTF-16 body', () => Buffer.from(valid, 'utf16le')],
    ['empty body', () => ''],
    ['whitespace only', () => ' \n\t\r '.repeat(rng.int(1, 500))],
    ['top-level array', () => `[${valid}]`],
    ['top-level string', () => JSON.stringify(g.canary())],
    ['top-level scalar', () => rng.pick(['null', 'true', 'false', '0', '-1', '1e308', '""'])],
    [
      'JavaScript, not JSON',
      () => rng.pick([`{type:'message',text:'${g.canary()}'}`, `{"type":"message"/*${g.canary()}*/}`, `{'type':'message'}`, `{"type":"message",}`]),
    ],
    ['unterminated string', () => `{"type":"message","text":"${g.canary()}`],
    ['control characters raw in a string', () => `{"type":"message","conversation":{"id":"c"},"text":"${g.canary()}\u0001\u0008\u001f\n"}`],
  ];
  const [variant, make] = rng.pick(variants);
  const contentType: [string, string] = rng.chance(0.8)
    ? JSON_TYPE
    : [
        'content-type',
        rng.pick([
          'application/json; charset=latin1',
          'application/json; charset=utf-16',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=' + g.canary(),
          '',
        ]),
      ];
  const headers: [string, string][] = [contentType, ...clientHeaders(g)];
  if (toDirectLine) {
    headers.push(bearer('{convToken}'));
    return postJson(`direct line: ${variant}`, '/directline/conversations/{conv}/activities', make(), headers);
  }
  return postJson(variant, '/api/messages', make(), headers);
}
