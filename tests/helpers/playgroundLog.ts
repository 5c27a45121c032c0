import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

// The playground's own web client drives it through these internal routes (version 0.2.28, pinned).
export const playgroundConfig = z.object({ config: z.object({ currentUser: z.object({ id: z.string() }), personalChat: z.object({ id: z.string() }) }) });

const loggedExchange = z.object({
  log: z.object({
    from: z.string(),
    conversationId: z.string(),
    request: z.object({ body: z.looseObject({ type: z.string(), text: z.string().optional() }) }),
    response: z.object({ statusCode: z.number(), body: z.looseObject({ id: z.string().optional() }).optional() }),
  }),
});

export interface LoggedReply {
  /** The activity the bot posted to the playground's connector. */
  activity: z.infer<typeof loggedExchange>['log']['request']['body'];
  statusCode: number;
  /** The id the playground gave the message, which a card's submit names as its replyToId. */
  id?: string;
}

/** The bot's messages as the playground logged them: what its connector received and how it answered. */
export function repliesInLog(logFile: string, conversationId: string): LoggedReply[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .map((line) => {
      try {
        return loggedExchange.safeParse(JSON.parse(line.slice(line.indexOf('{')))).data;
      } catch {
        return undefined;
      }
    })
    .filter((e) => e?.log.from === 'User Application' && e.log.conversationId === conversationId && e.log.request.body.type === 'message')
    .map((e) => ({ activity: e!.log.request.body, statusCode: e!.log.response.statusCode, id: e!.log.response.body?.id }));
}
