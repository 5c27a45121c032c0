import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadKnowledge } from './src/faq';
import { probeConversation } from './src/tools/probe';
const kb = loadKnowledge('knowledge');
const doc = parse(readFileSync('docs/new-user-phrasings.yaml', 'utf8')) as { phrasings: { say: string; kind: string; expect: string }[] };
(async () => {
  for (const p of doc.phrasings) {
    const send = probeConversation(kb);
    const r = await send(p.say);
    const d = r.decision;
    const got = !d ? '-' : d.kind === 'answer' ? `ANSWER ${d.entry.id}` : d.kind === 'clarify' ? `DYM ${d.options.map((o) => o.id).join('/')}` : d.kind === 'partial' ? `PARTIAL ${d.entry.id}` : d.kind === 'smallTalk' ? `smalltalk ${d.smallTalk}` : d.kind;
    console.log(`${p.kind.padEnd(12)} ${got.padEnd(45)} ${p.say}  ||  ${p.expect.slice(0, 60)}`);
  }
})();
