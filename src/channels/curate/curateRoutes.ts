import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../shared/projectRoot';
import type { Logger } from '../../shared/logger';
import { sendError } from '../http/activityBody';
import { clientAddress } from '../http/clientAddress';
import { RateLimiter } from '../http/rateLimiter';
import { csrfTokenOf, curatorOf, newSession, SESSION_COOKIE, SESSION_MS, tokenMatches, type Curator } from './curatorAuth';
import type { DraftDesk } from '../../curation/draftDesk';
import { registerDraftRoutes } from './draftRoutes';
import { signInPage, workbenchPage, type HelpfulnessView, type InboxRow, type OverviewView, type VersionList, type WorkbenchView } from './curatePages';

/** What the workbench works on: the knowledge versions in the store. */
export interface CurateBackend {
  versions(): Promise<VersionList>;
  /** The unanswered questions of the last 30 days, grouped, with the entries the bot nearly gave. */
  inbox(): Promise<InboxRow[]>;
  /** What became of the questions of each of the last 30 days, and the entries answered most. */
  overview(): Promise<OverviewView>;
  /** 👍 and 👎 per entry over the last 30 days, the most 👎 first. */
  helpfulness(): Promise<HelpfulnessView[]>;
  /** The overview, the inbox and the ratings together, from one read of the records. */
  activity(): Promise<Omit<WorkbenchView, 'versions'>>;
  /** Serves this version on every instance; false if there is no such version. */
  serve(version: number): Promise<boolean>;
  /** The draft curators build, test and publish. */
  desk: DraftDesk;
}

export interface CurateOptions {
  token: string;
  /** App Service principals allowed without the token (CURATOR_PRINCIPALS). */
  principals: readonly string[];
  trustProxy: boolean;
  backend: CurateBackend;
  logger: Logger;
  now?: () => number;
}

/** Sign-in attempts a client may make in a minute: enough for typing mistakes, far too few to guess a token. */
export const SIGN_IN_PER_MINUTE = 5;

const CSP = ["default-src 'none'", "style-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"].join('; ');

const signInSchema = z.object({ token: z.string().max(1024) });
const serveSchema = z.object({ version: z.coerce.number().int().positive(), csrf: z.string().max(200).optional() });
const signOutSchema = z.object({ csrf: z.string().max(200).optional() });

/**
 * The curators' workbench at /curate, registered only when CURATOR_TOKEN is set: without it every path
 * here is restify's own 404. The page signs in with the token into an HttpOnly, SameSite=Strict session
 * cookie; API calls send the token as a bearer. Every change made with credentials the browser sends by
 * itself needs the CSRF token of the page it came from.
 */
export function registerCurateRoutes(server: Server, options: CurateOptions): void {
  const now = options.now ?? Date.now;
  const signIns = new RateLimiter(SIGN_IN_PER_MINUTE, now);
  const css = readFileSync(resolve(PROJECT_ROOT, 'public', 'curate.css'));
  const headers = { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' };
  const sendPage = (res: Response, status: number, body: string, extra: Record<string, string> = {}) => {
    res.sendRaw(status, body, { ...headers, 'Content-Type': 'text/html; charset=utf-8', ...extra });
  };
  const curator = (req: Request): Curator | undefined => curatorOf(req, options.token, options.principals, now());
  /** The curator making an API call or a change, or a 401 sent. */
  const signedIn = (req: Request, res: Response): Curator | undefined => {
    const who = curator(req);
    if (!who) sendError(res, 401, 'unauthorized', 'sign in at /curate, or send the curator token as a bearer');
    return who;
  };
  /** Everything the page shows, read afresh for each view of it. */
  const view = async (): Promise<WorkbenchView> => {
    const [versions, activity] = await Promise.all([options.backend.versions(), options.backend.activity()]);
    return { versions, ...activity };
  };
  /** A change with ambient credentials carries the page's CSRF token, as a form field or a header. */
  const csrfHolds = (req: Request, who: Curator, field: string | undefined): boolean => {
    const wanted = csrfTokenOf(options.token, who);
    if (wanted === undefined) return true;
    const given = field ?? req.headers['x-csrf-token'];
    return typeof given === 'string' && tokenMatches(wanted, given);
  };
  const isForm = (req: Request) => (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  const secure = (req: Request) => (options.trustProxy ? req.headers['x-forwarded-proto'] === 'https' : req.isSecure());

  server.get('/curate/curate.css', async (_req: Request, res: Response) => {
    res.sendRaw(200, css, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' });
  });

  server.get('/curate', async (req: Request, res: Response) => {
    const who = curator(req);
    if (!who) {
      sendPage(res, 200, signInPage());
      return;
    }
    sendPage(res, 200, workbenchPage(await view(), csrfTokenOf(options.token, who) ?? ''));
  });

  server.post('/curate/sign-in', async (req: Request, res: Response) => {
    const rate = signIns.take(clientAddress(req, options.trustProxy));
    if (!rate.allowed) {
      options.logger.warn('curate_sign_in_limited', {});
      sendPage(res, 429, signInPage(`Too many attempts. Try again in ${rate.retryAfterSeconds} seconds.`), {
        'Retry-After': String(rate.retryAfterSeconds),
      });
      return;
    }
    const form = signInSchema.safeParse(req.body);
    if (!form.success || !tokenMatches(options.token, form.data.token)) {
      options.logger.warn('curate_sign_in_refused', {});
      sendPage(res, 401, signInPage('That token is not right.'));
      return;
    }
    const cookie = [`${SESSION_COOKIE}=${newSession(options.token, now())}`, 'Path=/curate', 'HttpOnly', 'SameSite=Strict', `Max-Age=${SESSION_MS / 1000}`];
    if (secure(req)) cookie.push('Secure');
    res.sendRaw(303, '', { ...headers, Location: '/curate', 'Set-Cookie': cookie.join('; ') });
  });

  server.post('/curate/sign-out', async (req: Request, res: Response) => {
    const who = curator(req);
    const form = signOutSchema.safeParse(req.body ?? {});
    if (!who || !form.success || !csrfHolds(req, who, form.data.csrf)) {
      sendError(res, 403, 'forbidden', 'not signed in, or the form is not one of ours');
      return;
    }
    res.sendRaw(303, '', { ...headers, Location: '/curate', 'Set-Cookie': `${SESSION_COOKIE}=; Path=/curate; HttpOnly; SameSite=Strict; Max-Age=0` });
  });

  // What the page shows, as JSON for scripts: each read afresh, for a curator only.
  const reads: [string, () => Promise<unknown>][] = [
    ['versions', () => options.backend.versions()],
    ['overview', () => options.backend.overview()],
    ['inbox', () => options.backend.inbox()],
    ['helpfulness', () => options.backend.helpfulness()],
    // The draft's review: kb:check, the eval before and after, the changes and the diff.
    ['draft', async () => (await options.backend.desk.review()) ?? { draft: null }],
  ];
  for (const [name, read] of reads) {
    server.get(`/curate/api/${name}`, async (req: Request, res: Response) => {
      if (!signedIn(req, res)) return;
      res.header('Cache-Control', 'no-store');
      res.send(200, await read());
    });
  }

  // The form on the page and the API share one route: a form comes back to the page, JSON gets JSON.
  const serve = async (req: Request, res: Response) => {
    const who = signedIn(req, res);
    if (!who) return;
    const body = serveSchema.safeParse(req.body ?? {});
    if (!body.success) {
      sendError(res, 400, 'invalid_version', 'the body must give a version number');
      return;
    }
    if (!csrfHolds(req, who, body.data.csrf)) {
      sendError(res, 403, 'csrf', "the request lacks this page's CSRF token");
      return;
    }
    const served = await options.backend.serve(body.data.version);
    options.logger.info('curate_version_served', { version: body.data.version, via: who.via, served });
    if (isForm(req)) {
      const message = served
        ? `Version ${body.data.version} is being served; every instance switches within 30 seconds.`
        : `There is no version ${body.data.version}.`;
      sendPage(res, served ? 200 : 404, workbenchPage(await view(), csrfTokenOf(options.token, who) ?? '', message));
      return;
    }
    if (!served) {
      sendError(res, 404, 'unknown_version', `there is no version ${body.data.version}`);
      return;
    }
    res.send(200, await options.backend.versions());
  };
  server.post('/curate/versions/current', serve);
  server.post('/curate/api/versions/current', serve);

  registerDraftRoutes(server, {
    curator,
    signedIn,
    csrfOf: (who) => csrfTokenOf(options.token, who) ?? '',
    csrfHolds,
    isForm,
    sendPage,
    sendWorkbench: async (res, status, who, message) => {
      sendPage(res, status, workbenchPage(await view(), csrfTokenOf(options.token, who) ?? '', message));
    },
    desk: options.backend.desk,
    logger: options.logger,
  });
}
