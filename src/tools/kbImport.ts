import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { importQna } from '../curation/importQna';
import { formatRowProblem, QnaFileError, readQnaTsv } from '../curation/qnaTsv';
import { formatProblem, KnowledgeError, TOPICS } from '../faq';
import { PROJECT_ROOT } from '../shared/projectRoot';

const USAGE =
  'usage: npm run kb:import -- FILE.tsv --as-of YYYY-MM-DD [--topic governance|membership|offices] ' +
  '[--title "Supporter care FAQ, exported 2024-05-01"] [--url https://…] [--review-by YYYY-MM-DD] [--dir knowledge]';

const date = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });
const argsSchema = z.object({
  file: z.string().min(1),
  asOf: date,
  topic: z.enum(TOPICS).optional(),
  title: z.string().trim().min(1).optional(),
  url: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
  reviewBy: date.optional(),
  dir: z.string().min(1),
});

/** A year after the export: when its answers should be checked again unless the curator says otherwise. */
function aYearAfter(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * `npm run kb:import -- FILE.tsv …`: brings a QnA Maker or Custom Question Answering TSV export into
 * knowledge/, each answer as an entry with the export as its source, and lists every row it could not take.
 */
function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      topic: { type: 'string' },
      title: { type: 'string' },
      url: { type: 'string' },
      'as-of': { type: 'string' },
      'review-by': { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const args = argsSchema.safeParse({
    file: positionals[0],
    asOf: values['as-of'],
    topic: values.topic,
    title: values.title,
    url: values.url,
    reviewBy: values['review-by'],
    dir: values.dir ?? process.env.KNOWLEDGE_DIR ?? resolve(PROJECT_ROOT, 'knowledge'),
  });
  if (!args.success) {
    process.stderr.write(`${args.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('\n')}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { file, asOf, topic, dir } = args.data;
  const name = basename(file);
  try {
    const { pairs, problems: unread } = readQnaTsv(readFileSync(file, 'utf8'));
    const url = args.data.url ?? pairs.map((p) => p.source).find((s) => s.startsWith('https://'));
    if (!url) {
      process.stderr.write(`${name}: no row has an https Source, so give the answers' address with --url\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    const title = args.data.title ?? `${pairs[0]?.sourceDisplayName || basename(file, '.tsv')}, exported ${asOf}`;
    const result = importQna(resolve(dir), pairs, {
      ...(topic ? { topic } : {}),
      source: { title, url, asOf, reviewBy: args.data.reviewBy ?? aYearAfter(asOf) },
    });
    const problems = [...unread, ...result.problems].sort((a, b) => a.row - b.row);
    const byTopic = TOPICS.map((t) => [t, result.written.filter((w) => w.topic === t).length] as const).filter(([, n]) => n > 0);
    process.stdout.write(
      result.written.length > 0
        ? `Imported ${result.written.length} answers from ${name} (${byTopic.map(([t, n]) => `${t} ${n}`).join(', ')}), quoting ${result.sourceText}. ` +
            'Their labels and subjects are drafts made from their questions: read them before publishing.\n'
        : `Imported nothing from ${name}.\n`,
    );
    if (problems.length > 0) process.stdout.write(`Not taken, or taken in part:\n${problems.map((p) => `  - ${formatRowProblem(name, p)}`).join('\n')}\n`);
    if (result.written.length === 0) process.exitCode = 1;
  } catch (err) {
    if (err instanceof QnaFileError) process.stderr.write(`${name} ${err.message}\n`);
    else if (err instanceof KnowledgeError)
      process.stderr.write(`The knowledge base must load before an import:\n${err.problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}\n`);
    else throw err;
    process.exitCode = 1;
  }
}

main();
