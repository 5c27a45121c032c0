import { stringify } from 'csv-stringify/sync';
import type { KnowledgeBase } from '../faq';
import { QNA_COLUMNS } from './qnaTsv';

/**
 * The knowledge base as a Custom Question Answering (and QnA Maker) TSV export: one row per question and
 * phrasing, the rows of an entry sharing its QnaId, related entries as follow-up prompts. The topic, id,
 * label and subject travel as metadata, so `npm run kb:import` brings the same entries back.
 */
export function exportQnaTsv(kb: KnowledgeBase): string {
  const qnaIdOf = new Map(kb.entries.map((entry, i) => [entry.id, i + 1]));
  const rows: string[][] = [[...QNA_COLUMNS]];
  for (const entry of kb.entries) {
    const metadata = JSON.stringify([
      { name: 'topic', value: entry.topic },
      { name: 'id', value: entry.id },
      { name: 'label', value: entry.label },
      { name: 'subject', value: entry.subject },
    ]);
    const prompts = JSON.stringify(
      entry.related.flatMap((id, i) => {
        const qnaId = qnaIdOf.get(id);
        const label = kb.entries.find((e) => e.id === id)?.label;
        return qnaId === undefined ? [] : [{ displayOrder: i + 1, qnaId, displayText: label }];
      }),
    );
    for (const question of [entry.question, ...entry.phrasings]) {
      rows.push([question, entry.answer, entry.source.url, metadata, '[]', 'False', prompts, String(qnaIdOf.get(entry.id)), entry.source.title]);
    }
  }
  // The services write these files without CSV quoting (metadata and prompts are bare JSON), so this does
  // too; a tab or line break, which the format cannot carry unquoted, becomes a space.
  const cells = rows.map((row) => row.map((cell) => cell.replace(/[\t\r\n]+/g, ' ')));
  return stringify(cells, { delimiter: '\t', record_delimiter: '\n', quote: false });
}
