import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { DraftDesk, EditOutcome, WorkingKnowledge } from '../../curation/draftDesk';
import { addEntry, addPhrasing, entryFields, markOutOfScope, moveReviewDate, updateEntry, type EntryFields } from '../../curation/knowledgeEdits';
import { sourceSentences } from '../../curation/sourceSentences';
import { formatProblem, MAX_MESSAGE_CHARS, TOPICS, type KnowledgeProblem, type Topic } from '../../faq';
import type { Logger } from '../../shared/logger';
import { sendError } from '../http/activityBody';
import type { Curator } from './curatorAuth';
import { signInPage } from './curatePages';
import { draftPage, editorPage, entriesPage, testPage, type EditorView, type FieldProblem } from './draftPages';

/** What the draft routes share with the rest of the workbench: who is signed in, CSRF, and how pages are sent. */
export interface WorkbenchKit {
  curator(req: Request): Curator | undefined;
  /** The curator of an API call or a change, or a 401 sent. */
  signedIn(req: Request, res: Response): Curator | undefined;
  csrfOf(who: Curator): string;
  csrfHolds(req: Request, who: Curator, field: string | undefined): boolean;
  isForm(req: Request): boolean;
  sendPage(res: Response, status: number, body: string): void;
  /** The overview and inbox page, with a message on what a change did. */
  sendWorkbench(res: Response, status: number, who: Curator, message: string): Promise<void>;
  desk: DraftDesk;
  logger: Logger;
}

const short = z.string().max(MAX_MESSAGE_CHARS);
/** A form's list: one value arrives as a string, several as an array, none as nothing. */
const list = (item: z.ZodString, max: number) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]), z.array(item).max(max));
/** The draft revision a page was drawn from: "" when there was no draft. */
const revision = z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.coerce.number().int().positive().optional());
const change = { csrf: z.string().max(200).optional(), revision };

const phrasingSchema = z.object({ ...change, question: short.trim().min(1), entryId: z.string().max(100) });
const outOfScopeSchema = z.object({ ...change, question: short.trim().min(1) });
const entrySchema = z.object({
  ...change,
  question: short,
  label: short,
  subject: short,
  // One phrasing a line, as the editor's text area has them.
  phrasings: z
    .string()
    .max(50_000)
    .transform((text) =>
      text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  answer: z
    .string()
    .max(5_000)
    .transform((text) => text.replace(/\s+/g, ' ').trim()),
  quotes: list(z.string().max(5_000), 100),
  related: list(z.string().max(100), 100),
});
const newEntrySchema = entrySchema.extend({ topic: z.enum(TOPICS), id: z.string().trim().max(100) });
const reviewedSchema = z.object({ ...change, url: z.string().max(2000), reviewBy: z.iso.date() });
const publishSchema = z.object({ csrf: z.string().max(200).optional(), revision: z.coerce.number().int().positive(), note: z.string().trim().min(1).max(200) });
const discardSchema = z.object({ csrf: z.string().max(200).optional(), revision: z.coerce.number().int().positive() });
const testSchema = z.object({ q: short.optional(), against: z.enum(['draft', 'served']).optional() });
const entryIdSchema = z.string().regex(/^[a-z0-9-]{1,100}$/);

/** The query string's fields; restify's query parser is not installed, so the text is read here. A repeated field keeps its last value. */
const queryOf = (req: Request): Record<string, string> => Object.fromEntries(new URLSearchParams(req.getQuery()));

const CONFLICT = 'Another curator changed the draft since this page was drawn. Nothing was saved: reload the page and make the change again.';

/** A problem of the entry being edited belongs by its field; any other is named in full. */
function problemsByField(problems: readonly KnowledgeProblem[], entryId: string): FieldProblem[] {
  return problems.map((p) =>
    p.entryId === entryId && p.field ? { field: p.field, message: p.message } : { field: 'knowledge base', message: formatProblem(p) },
  );
}

/**
 * The draft's routes: the inbox's actions, the entries and their editor, the test pane, and the draft's
 * review, publish and discard. Each change names the draft revision its page was drawn from and is refused
 * if another curator saved since; the ones a browser makes carry the page's CSRF token.
 */
export function registerDraftRoutes(server: Server, kit: WorkbenchKit): void {
  /** The signed-in curator of a page; anyone else gets the sign-in form, as at /curate. */
  const viewer = (req: Request, res: Response): Curator | undefined => {
    const who = kit.curator(req);
    if (!who) kit.sendPage(res, 200, signInPage());
    return who;
  };
  /** The body, parsed, from a curator whose CSRF token holds; or an error sent. */
  const changeBy = <T extends { csrf?: string | undefined }>(req: Request, res: Response, schema: z.ZodType<T>): { who: Curator; body: T } | undefined => {
    const who = kit.signedIn(req, res);
    if (!who) return undefined;
    const body = schema.safeParse(req.body ?? {});
    if (!body.success) {
      sendError(res, 400, 'invalid_form', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return undefined;
    }
    if (!kit.csrfHolds(req, who, body.data.csrf)) {
      sendError(res, 403, 'csrf', "the request lacks this page's CSRF token");
      return undefined;
    }
    return { who, body: body.data };
  };
  const statusOf = (outcome: EditOutcome) => ({ saved: 200, conflict: 409, refused: 422, invalid: 422 })[outcome.kind];
  /** A change's outcome as JSON, for a script: its problems as kb:check writes them. */
  const sendOutcome = (res: Response, outcome: EditOutcome) => {
    res.send(statusOf(outcome), outcome.kind === 'invalid' ? { kind: 'invalid', problems: outcome.problems.map(formatProblem) } : outcome);
  };
  /** An inbox action's outcome: back to the page for a form, as JSON for a script. */
  const inboxOutcome = async (req: Request, res: Response, who: Curator, outcome: EditOutcome, done: string) => {
    kit.logger.info('curate_draft_changed', { outcome: outcome.kind, via: who.via });
    if (kit.isForm(req)) {
      const message =
        outcome.kind === 'saved'
          ? `${done} It is in the draft (revision ${outcome.revision}); publish the draft for supporters to get it.`
          : outcome.kind === 'conflict'
            ? CONFLICT
            : outcome.kind === 'refused'
              ? `Not saved: ${outcome.message}`
              : `Not saved: ${outcome.problems.map(formatProblem).join('; ')}`;
      await kit.sendWorkbench(res, statusOf(outcome), who, message);
      return;
    }
    sendOutcome(res, outcome);
  };

  server.post('/curate/inbox/phrasing', async (req: Request, res: Response) => {
    const got = changeBy(req, res, phrasingSchema);
    if (!got) return;
    const { question, entryId } = got.body;
    const outcome = await kit.desk.edit(got.body.revision, (files) => addPhrasing(files, entryId, question));
    await inboxOutcome(req, res, got.who, outcome, `"${question}" is now a phrasing of ${entryId}.`);
  });

  server.post('/curate/inbox/out-of-scope', async (req: Request, res: Response) => {
    const got = changeBy(req, res, outOfScopeSchema);
    if (!got) return;
    const outcome = await kit.desk.edit(got.body.revision, (files) => markOutOfScope(files, got.body.question));
    await inboxOutcome(req, res, got.who, outcome, `"${got.body.question}" is marked out of scope.`);
  });

  server.post('/curate/sources/reviewed', async (req: Request, res: Response) => {
    const got = changeBy(req, res, reviewedSchema);
    if (!got) return;
    const { url, reviewBy } = got.body;
    const outcome = await kit.desk.edit(got.body.revision, (files) => moveReviewDate(files, url, reviewBy));
    await inboxOutcome(req, res, got.who, outcome, `The source ${url} is next due for review on ${reviewBy}.`);
  });

  server.get('/curate/entries', async (req: Request, res: Response) => {
    if (!viewer(req, res)) return;
    const { kb, draft } = await kit.desk.working();
    const entries = kb.entries.map((e) => ({ id: e.id, question: e.question, topic: e.topic }));
    kit.sendPage(res, 200, entriesPage(entries, TOPICS, draft));
  });

  /** The editor's view of an entry of the working version, naming the draft revision a save will be made on. */
  const editorView = ({ kb, files, draft }: WorkingKnowledge, topic: Topic, fields: EntryFields, entryId?: string): EditorView => {
    const source = kb.entries.find((e) => e.id === entryId)?.source ?? kb.topics.find((t) => t.topic === topic)?.source;
    return {
      topic,
      topics: TOPICS,
      fields,
      sentences: source ? sourceSentences(files[source.text] ?? '') : [],
      others: kb.entries.filter((e) => e.id !== entryId).map((e) => ({ id: e.id, question: e.question })),
      problems: [],
      ...(entryId ? { entryId } : {}),
      ...(draft ? { revision: draft.revision } : {}),
    };
  };

  server.get('/curate/entries/new', async (req: Request, res: Response) => {
    const who = viewer(req, res);
    if (!who) return;
    const query = z.object({ topic: z.enum(TOPICS).optional(), question: short.optional() }).safeParse(queryOf(req));
    const working = await kit.desk.working();
    const topic = (query.success ? query.data.topic : undefined) ?? TOPICS[0];
    const question = (query.success ? query.data.question : undefined) ?? '';
    const fields = { question, label: '', subject: '', phrasings: question ? [question] : [], answer: '', quotes: [], related: [] };
    kit.sendPage(res, 200, editorPage(editorView(working, topic, fields), kit.csrfOf(who)));
  });

  server.get('/curate/entries/:id', async (req: Request, res: Response) => {
    const who = viewer(req, res);
    if (!who) return;
    const id = entryIdSchema.safeParse((req.params as Record<string, unknown>).id);
    const saved = z.object({ saved: z.coerce.number().int().positive().optional() }).safeParse(queryOf(req));
    const working = await kit.desk.working();
    const found = id.success ? entryFields(working.files, id.data) : undefined;
    if (!id.success || !found) {
      sendError(res, 404, 'unknown_entry', 'no entry has that id');
      return;
    }
    const view = editorView(working, found.topic, found.fields, id.data);
    const revisionSaved = saved.success ? saved.data.saved : undefined;
    const status = revisionSaved ? { status: `Saved to the draft (revision ${revisionSaved}). Publish the draft for supporters to get it.` } : {};
    kit.sendPage(res, 200, editorPage({ ...view, ...status }, kit.csrfOf(who)));
  });

  /** Saves an edited or new entry; an entry with problems is shown again with them, and nothing is saved. */
  const saveEntry = async (
    req: Request,
    res: Response,
    who: Curator,
    outcome: EditOutcome,
    topic: Topic,
    fields: EntryFields,
    entryId: string,
    isNew: boolean,
  ) => {
    kit.logger.info('curate_draft_changed', { outcome: outcome.kind, via: who.via });
    if (!kit.isForm(req)) {
      sendOutcome(res, outcome);
      return;
    }
    if (outcome.kind === 'saved') {
      res.sendRaw(303, '', { Location: `/curate/entries/${encodeURIComponent(entryId)}?saved=${outcome.revision}`, 'Cache-Control': 'no-store' });
      return;
    }
    const view = editorView(await kit.desk.working(), topic, fields, isNew ? undefined : entryId);
    const problems = outcome.kind === 'invalid' ? problemsByField(outcome.problems, entryId) : [];
    const message = outcome.kind === 'conflict' ? CONFLICT : outcome.kind === 'refused' ? `Not saved: ${outcome.message}` : undefined;
    const shown: EditorView = { ...view, problems, ...(message ? { message } : {}) };
    kit.sendPage(res, statusOf(outcome), editorPage(isNew ? { ...shown, newId: entryId } : shown, kit.csrfOf(who)));
  };

  server.post('/curate/entries/new', async (req: Request, res: Response) => {
    const got = changeBy(req, res, newEntrySchema);
    if (!got) return;
    const { topic, id, revision: seen, csrf: _csrf, ...fields } = got.body;
    const outcome = await kit.desk.edit(seen, (files) => addEntry(files, topic, id, fields));
    await saveEntry(req, res, got.who, outcome, topic, fields, id, true);
  });

  server.post('/curate/entries/:id', async (req: Request, res: Response) => {
    const got = changeBy(req, res, entrySchema);
    if (!got) return;
    const id = entryIdSchema.safeParse((req.params as Record<string, unknown>).id);
    const found = id.success ? entryFields((await kit.desk.working()).files, id.data) : undefined;
    if (!id.success || !found) {
      sendError(res, 404, 'unknown_entry', 'no entry has that id');
      return;
    }
    const { revision: seen, csrf: _csrf, ...fields } = got.body;
    const outcome = await kit.desk.edit(seen, (files) => updateEntry(files, id.data, fields));
    await saveEntry(req, res, got.who, outcome, found.topic, fields, id.data, false);
  });

  server.get('/curate/test', async (req: Request, res: Response) => {
    if (!viewer(req, res)) return;
    const query = testSchema.safeParse(queryOf(req));
    const question = (query.success ? query.data.q : undefined)?.trim() ?? '';
    const against = (query.success ? query.data.against : undefined) ?? 'draft';
    const { draft } = await kit.desk.working();
    const explained = question ? await kit.desk.ask(question, against) : undefined;
    kit.sendPage(res, 200, testPage(question, against, explained, draft));
  });

  server.get('/curate/draft', async (req: Request, res: Response) => {
    const who = viewer(req, res);
    if (!who) return;
    kit.sendPage(res, 200, draftPage(await kit.desk.review(), kit.csrfOf(who)));
  });

  server.post('/curate/draft/publish', async (req: Request, res: Response) => {
    const got = changeBy(req, res, publishSchema);
    if (!got) return;
    const outcome = await kit.desk.publish(got.body.revision, got.body.note);
    kit.logger.info('curate_draft_published', {
      outcome: outcome.kind,
      via: got.who.via,
      ...(outcome.kind === 'published' ? { version: outcome.version } : {}),
    });
    const status = outcome.kind === 'published' ? 200 : outcome.kind === 'conflict' ? 409 : 422;
    if (!kit.isForm(req)) {
      res.send(status, outcome);
      return;
    }
    const message =
      outcome.kind === 'published'
        ? `Published version ${outcome.version}; every instance serves it within 30 seconds.`
        : outcome.kind === 'conflict'
          ? CONFLICT
          : 'Not published: the draft fails the checks below.';
    kit.sendPage(res, status, draftPage(outcome.kind === 'blocked' ? outcome.review : await kit.desk.review(), kit.csrfOf(got.who), message));
  });

  server.post('/curate/draft/discard', async (req: Request, res: Response) => {
    const got = changeBy(req, res, discardSchema);
    if (!got) return;
    const discarded = await kit.desk.discard(got.body.revision);
    kit.logger.info('curate_draft_discarded', { discarded, via: got.who.via });
    if (!kit.isForm(req)) {
      res.send(discarded ? 200 : 409, { discarded });
      return;
    }
    kit.sendPage(res, discarded ? 200 : 409, draftPage(await kit.desk.review(), kit.csrfOf(got.who), discarded ? 'The draft is discarded.' : CONFLICT));
  });
}
