import type { Storage } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { Conversation } from '../../dialogs/conversation';
import { MainDialog } from '../../dialogs/mainDialog';
import type { AdapterSettings } from '../bot/adapter';
import { ConsistentConversationState } from '../bot/consistentTurn';
import { FaqBot } from '../bot/faqBot';
import { createConversationAccessors } from '../bot/state';
import { botVoice } from '../bot/voice';
import type { CurateBackend } from '../channels/curate/curateRoutes';
import type { WebChatOptions } from '../channels/web/webChat';
import { deciderReader, groupUnanswered } from '../curation/inbox';
import { helpfulnessByEntry } from '../curation/helpfulness';
import { entriesDueForReview } from '../curation/reviewsDue';
import { busiestEntries, dailyOutcomes } from '../curation/overview';
import type { TurnTally } from '../curation/turnTally';
import type { PublishedKnowledge } from '../curation/publishedKnowledge';
import type { DraftDesk, WorkingKnowledge } from '../curation/draftDesk';
import { Decider, type DeciderOptions, type KnowledgeBase } from '../faq';
import { UnknownVersionError, type KnowledgeVersionStore } from '../storage/knowledgeVersions';
import type { CurationLog, CurationRecord } from '../storage/curationLog';
import type { Logger } from '../shared/logger';
import type { Pseudonymiser } from '../shared/privacy';
import { directLineDomain, isAnonymous, type Config } from './config';
import type { HandoffSetup } from './handoffSetup';

export interface ComposeOptions {
  knowledge: KnowledgeBase;
  storage: Storage;
  /** Where unanswered questions are kept for curators; none in tools that only probe the bot. */
  curation?: CurationLog;
  /** Stands in for channel ids in storage keys and stored state: the store's, shared by its instances. */
  pseudonymise: Pseudonymiser;
  logger: Logger;
  /** Replaces MainDialog, for tests of the bot's own behaviour around a dialog. */
  dialog?: Dialog;
  decider?: DeciderOptions;
  /** The published knowledge to follow, on a server; tools and tests serve `knowledge` as it is. */
  published?: PublishedKnowledge;
  /** Asking a person, when handoff is configured (HANDOFF_TENANT_ID). */
  handoff?: HandoffSetup;
  /** Counts what became of each question, for the workbench's overview; on a server. */
  tally?: TurnTally;
}

/** The bot with its state and dialogs, the same for the server, the tests and `npm run ask`. */
export function composeBot({
  knowledge,
  storage,
  curation,
  pseudonymise,
  logger,
  dialog,
  decider: deciderOptions,
  handoff,
  published,
  tally,
}: ComposeOptions): {
  bot: FaqBot;
  decider: Decider;
} {
  const deciders = published
    ? () => published.decider
    : (
        (fixed: Decider) => () =>
          fixed
      )(new Decider(knowledge, deciderOptions));
  // Saved against the eTag it was read with, so two instances never silently overwrite each other.
  const conversationState = new ConsistentConversationState(storage, pseudonymise);
  const accessors = createConversationAccessors(conversationState);
  const voice = botVoice(knowledge.topics);
  const handoffDialog = handoff?.dialog({ voice, handoffTimes: accessors.handoffTimes });
  const bot = new FaqBot({
    dialog: dialog ?? new MainDialog(new Conversation(deciders, accessors.followUp, voice, handoff?.desk), handoffDialog),
    accessors,
    states: [conversationState],
    curation,
    isEntry: (id) => deciders().entry(id) !== undefined,
    pseudonymise,
    topics: knowledge.topics,
    logger,
    ...(handoff ? { handoff: { desk: handoff.desk, slaHours: handoff.slaHours } } : {}),
    ...(tally ? { tally } : {}),
  });
  return { bot, decider: deciders() };
}

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);

/** How far back the workbench's inbox and ratings look. */
const INBOX_DAYS = 30;
/** The busiest entries the overview lists. */
const BUSIEST_ROWS = 10;
/** The inbox's length: the most asked first, as many as a curator works through at a sitting. */
const INBOX_ROWS = 50;

/**
 * The curators' workbench's view of the store: the knowledge versions, and what the curation records of the
 * last 30 days say. The page reads those records once for all three of its sections; each API call, once.
 */
export function curateBackend(versions: KnowledgeVersionStore, curation: CurationLog, published: PublishedKnowledge, desk: DraftDesk): CurateBackend {
  const recent = () => curation.list(daysAgo(INBOX_DAYS));
  /** A row with its entry's question in the version served, which may no longer have it. */
  const named = <Row extends { entryId: string }>(row: Row): Row & { question?: string } => {
    const question = published.decider.entry(row.entryId)?.question;
    return question ? { ...row, question } : row;
  };
  /**
   * The questions the version served could not answer, less those it lists as out of scope; each says what
   * the draft, if there is one, already does with it, so a curator does not take it up twice.
   */
  const inboxOf = (records: readonly CurationRecord[], working: WorkingKnowledge) => {
    const reader = deciderReader(published.decider);
    const outOfScope = new Set(published.knowledge.outOfScope.map((q) => reader.readAs(q)));
    const draftReader = working.draft && deciderReader(working.decider());
    const draftOutOfScope = new Set(working.draft ? working.kb.outOfScope.map((q) => draftReader?.readAs(q)) : []);
    // Settled: listed as out of scope, or answered by the version served now (a curator published a phrasing for it).
    const settled = (question: string) => outOfScope.has(reader.readAs(question)) || published.decider.decide(question).kind === 'answer';
    return groupUnanswered(records, INBOX_ROWS, reader, settled).map((row) => {
      const decision = draftReader && working.decider().decide(row.question);
      const inDraft = !draftReader
        ? undefined
        : draftOutOfScope.has(draftReader.readAs(row.question))
          ? { outOfScope: true as const }
          : decision?.kind === 'answer'
            ? { answers: decision.entry.id }
            : undefined;
      return { ...row, lastAsked: row.lastAsked.toISOString(), nearest: row.nearest ?? [], ...(inDraft ? { inDraft } : {}) };
    });
  };
  const overviewOf = (records: readonly CurationRecord[]) => ({
    days: dailyOutcomes(records, INBOX_DAYS, new Date()),
    busiest: busiestEntries(records, BUSIEST_ROWS).map(named),
    dueForReview: entriesDueForReview(published.knowledge.entries, new Date()),
  });
  const helpfulnessOf = (records: readonly CurationRecord[]) => helpfulnessByEntry(records).map(named);
  return {
    inbox: async () => inboxOf(await recent(), await desk.working()),
    desk,
    overview: async () => overviewOf(await recent()),
    helpfulness: async () => helpfulnessOf(await recent()),
    async activity() {
      const [records, working] = await Promise.all([recent(), desk.working()]);
      return {
        overview: overviewOf(records),
        inbox: inboxOf(records, working),
        helpfulness: helpfulnessOf(records),
        entries: working.kb.entries.map((e) => ({ id: e.id, question: e.question })),
        ...(working.draft ? { revision: working.draft.revision } : {}),
      };
    },
    async versions() {
      const [current, list] = await Promise.all([versions.current(), versions.list()]);
      return { current, versions: list.map((v) => ({ version: v.version, publishedAt: v.publishedAt.toISOString(), note: v.note })) };
    },
    async serve(version) {
      try {
        await versions.switchTo(version);
        return true;
      } catch (err) {
        if (err instanceof UnknownVersionError) return false;
        throw err;
      }
    },
  };
}

/** Who the bot is to the Bot Framework, as the adapter takes it. */
export function adapterSettings(config: Config): AdapterSettings {
  return {
    ...(config.MicrosoftAppId ? { appId: config.MicrosoftAppId } : {}),
    ...(config.MicrosoftAppPassword ? { appPassword: config.MicrosoftAppPassword } : {}),
    ...(config.MicrosoftAppType ? { appType: config.MicrosoftAppType } : {}),
    ...(config.MicrosoftAppTenantId ? { tenantId: config.MicrosoftAppTenantId } : {}),
    ...(config.ToBotFromChannelOpenIdMetadataUrl ? { channelOpenIdMetadataUrl: config.ToBotFromChannelOpenIdMetadataUrl } : {}),
    ...(config.ToBotFromEmulatorOpenIdMetadataUrl ? { emulatorOpenIdMetadataUrl: config.ToBotFromEmulatorOpenIdMetadataUrl } : {}),
  };
}

/** The website chat: Azure Direct Line when a secret is set, else the bot's own endpoint when anonymous, else off. */
export function webChatOptions(config: Config): WebChatOptions {
  return {
    ...(config.DIRECT_LINE_SECRET
      ? { azure: { secret: config.DIRECT_LINE_SECRET, tokenUrl: config.DIRECT_LINE_TOKEN_URL, domain: directLineDomain(config) } }
      : {}),
    localEndpoint: isAnonymous(config) && !config.DIRECT_LINE_SECRET,
    allowedOrigins: config.ALLOWED_ORIGINS,
    tokenRateLimit: config.TOKEN_RATE_LIMIT,
    trustProxy: config.TRUST_PROXY,
  };
}
