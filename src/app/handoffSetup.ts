import type { StatePropertyAccessor } from 'botbuilder';
import { HandoffDialog } from '../../dialogs/handoffDialog';
import type { Voice } from '../../dialogs/utterance';
import { connectorMessenger } from '../bot/proactive';
import type { KnowledgeBase } from '../faq';
import { HandoffDesk, type HandoffDeskOptions } from '../handoff/handoffDesk';
import { smtpMailer } from '../handoff/mailer';
import type { Messenger } from '../handoff/messenger';
import { TicketStore } from '../handoff/ticketStore';
import type { Logger } from '../shared/logger';
import type { StateStore } from '../storage/createStorage';
import type { Config } from './config';

/**
 * Asking a person, wired when HANDOFF_TENANT_ID turns it on. A module of its own, loaded by startBot only
 * then: the desk, the mailer (nodemailer) and the dialog with its prompt are about 100 ms of a start that a
 * bot without handoff need not spend.
 */

export interface HandoffSetup {
  desk: HandoffDesk;
  slaHours: number;
  /** The dialog of asking a person, speaking with the bot's voice and counting its tickets in its state. */
  dialog(parts: { voice: Voice; handoffTimes: StatePropertyAccessor<number[]> }): HandoffDialog;
}

/** For tests of asking a person: a clock, how long a supporter counts as still in the chat, another messenger. */
export type HandoffOverrides = Pick<HandoffDeskOptions, 'now' | 'chatPresenceMs'> & { messenger?: Messenger };

/** Channels of the website, where a supporter may close the page before the answer comes. */
const WEBSITE_CHANNELS = new Set(['directline', 'webchat']);

/** The supporter care team's desk and dialog, for a configuration with HANDOFF_TENANT_ID. */
export function handoffSetup(
  config: Config & { HANDOFF_TENANT_ID: string },
  store: StateStore,
  authentication: Parameters<typeof connectorMessenger>[0],
  knowledge: () => KnowledgeBase,
  logger: Logger,
  overrides: HandoffOverrides | undefined,
): HandoffSetup {
  const mailer = config.SMTP_URL && config.SMTP_FROM ? smtpMailer(config.SMTP_URL, config.SMTP_FROM) : undefined;
  const desk = new HandoffDesk({
    store: new TicketStore(store.storage),
    messenger: overrides?.messenger ?? connectorMessenger(authentication, config.MicrosoftAppId),
    settings: { tenantId: config.HANDOFF_TENANT_ID, adminIds: config.HANDOFF_ADMIN_IDS, slaHours: config.HANDOFF_SLA_HOURS, ttlDays: config.HANDOFF_TTL_DAYS },
    logger,
    curation: store.curation,
    entryQuestion: (id) => knowledge().entries.find((entry) => entry.id === id)?.question,
    ...(mailer ? { mailer } : {}),
    ...(overrides?.now ? { now: overrides.now } : {}),
    ...(overrides?.chatPresenceMs !== undefined ? { chatPresenceMs: overrides.chatPresenceMs } : {}),
  });
  return {
    desk,
    slaHours: config.HANDOFF_SLA_HOURS,
    dialog: ({ voice, handoffTimes }) =>
      new HandoffDialog({
        available: () => desk.available(),
        // Answers can be emailed only with SMTP_URL, and only a supporter on the website may have left before they come.
        asksEmail: (channelId) => mailer !== undefined && WEBSITE_CHANNELS.has(channelId ?? ''),
        ttlDays: desk.ttlDays,
        voice,
        handoffTimes,
      }),
  };
}
