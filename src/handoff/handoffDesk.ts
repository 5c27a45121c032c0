import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ANSWER_VERB, CLOSE_VERB, MAX_EXPERT_ANSWER_CHARS, expertAnswerCard, openTicketCard, settledTicketCard, type TicketView } from '../cards/handoffCards';
import { card, type AdaptiveCard } from '../cards/adaptiveCards';
import { errorFields, type Logger } from '../shared/logger';
import type { CurationLog } from '../storage/curationLog';
import type { AnswerMailer } from './mailer';
import { isOpen, keptQuestion, settle, type Address, type AskedFrom, type Ticket } from './ticket';
import { TicketStoreFullError, type TicketStore } from './ticketStore';
import type { Messenger } from './messenger';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Other instances learn of a newly registered experts' channel within this long. */
const EXPERTS_CACHE_MS = 30_000;
/**
 * A Direct Line conversation cannot say whether its page is still open, so a supporter who left an email
 * address is emailed when the answer comes later than this after they asked, or cannot be delivered.
 */
const DEFAULT_CHAT_PRESENCE_MS = 10 * 60 * 1000;

interface HandoffSettings {
  /** The Microsoft 365 tenant of the supporter care team: only its channels can take questions or answer them. */
  tenantId: string;
  /** Entra object ids (lower case) of the people who may choose the experts' channel. */
  adminIds: readonly string[];
  slaHours: number;
  ttlDays: number;
}

export interface HandoffDeskOptions {
  store: TicketStore;
  messenger: Messenger;
  settings: HandoffSettings;
  logger: Logger;
  /** Email for supporters who left the chat; without it, answers go to the chat only. */
  mailer?: AnswerMailer;
  /** Where an expert's "suggest for the knowledge base" goes. */
  curation?: CurationLog;
  /** The question of an entry, for the experts' card: what the bot said or would have said. */
  entryQuestion: (entryId: string) => string | undefined;
  now?: () => Date;
  chatPresenceMs?: number;
}

export interface HandoffRequest {
  question: string;
  from: AskedFrom;
  asker: Address;
  email?: string;
  /** The entry the bot answered (then rated 👎) or nearly answered. */
  entryId?: string;
  rated?: boolean;
}

export type OpenOutcome = 'sent' | 'unavailable' | 'full';

/** What an expert did on a card, read from an adaptiveCard/action invoke. */
export interface ExpertAction {
  verb: string;
  data: unknown;
  /** Shown on the card ("Answered by …"), never stored or logged. */
  expertName: string;
  conversationId: string;
  tenantId: string | undefined;
}

const answerData = z.object({
  ticketId: z.uuid(),
  answer: z.string().trim().min(1).max(MAX_EXPERT_ANSWER_CHARS),
  suggest: z.enum(['true', 'false']).optional(),
});

const FROM_LABEL: Record<AskedFrom, string> = { teams: 'Teams', website: 'the website', other: 'another channel' };

function notice(message: string): AdaptiveCard {
  return card([{ type: 'TextBlock', text: message, wrap: true }]);
}

/** The part of a Teams channel conversation id before ";messageid=…", which names a thread in it. */
function channelOf(conversationId: string): string {
  return conversationId.split(';')[0] ?? conversationId;
}

/**
 * The supporter care team's desk: it opens tickets for supporters' questions, posts them to the experts'
 * channel, takes an expert's answer back to the supporter (in the chat, or by email), and reminds the
 * channel of questions waiting too long. Every change to a ticket is conditional on what was read.
 */
export class HandoffDesk {
  private readonly now: () => Date;
  private experts?: { address: Address | undefined; readAt: number };

  constructor(private readonly options: HandoffDeskOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get ttlDays(): number {
    return this.options.settings.ttlDays;
  }

  /** Whether questions can reach a person now: an experts' channel is registered. */
  async available(): Promise<boolean> {
    return (await this.expertsAddress()) !== undefined;
  }

  /**
   * "use this channel for questions", said in a Teams channel by one of HANDOFF_ADMIN_IDS. Only a channel
   * of the configured tenant qualifies: anyone can add the app to a team of their own, and must not
   * receive supporters' questions.
   */
  async registerExperts(address: Address, by: string | undefined): Promise<'registered' | 'not a channel' | 'wrong tenant' | 'not an administrator'> {
    if (address.channelId !== 'msteams' || address.conversation.conversationType !== 'channel') return 'not a channel';
    if (address.conversation.tenantId !== this.options.settings.tenantId) return 'wrong tenant';
    if (!this.isAdmin(by)) return 'not an administrator';
    const channel = { ...address, conversation: { ...address.conversation, id: channelOf(address.conversation.id) } };
    await this.options.store.setExperts(channel, this.now());
    this.experts = { address: channel, readAt: Date.now() };
    this.options.logger.info('handoff_channel_registered', {});
    return 'registered';
  }

  /**
   * "stop using this channel for questions", said in the experts' channel itself: supporters are no longer
   * offered the team. Open tickets keep their cards, which can still be answered.
   */
  async unregisterExperts(address: Address, by: string | undefined): Promise<'stopped' | 'not here' | 'not an administrator'> {
    const experts = await this.expertsAddress();
    if (!experts || channelOf(address.conversation.id) !== experts.conversation.id || address.conversation.tenantId !== this.options.settings.tenantId)
      return 'not here';
    if (!this.isAdmin(by)) return 'not an administrator';
    await this.options.store.clearExperts();
    this.experts = { address: undefined, readAt: Date.now() };
    this.options.logger.info('handoff_channel_unregistered', {});
    return 'stopped';
  }

  /** `by` is the Entra object id Teams puts on the message (from.aadObjectId). */
  private isAdmin(by: string | undefined): boolean {
    return by !== undefined && this.options.settings.adminIds.includes(by.toLowerCase());
  }

  /** Stores the ticket, then posts it to the experts' channel; a ticket the channel never saw is withdrawn. */
  async open(request: HandoffRequest): Promise<OpenOutcome> {
    const experts = await this.expertsAddress();
    if (!experts) return 'unavailable';
    const { entryId } = request;
    const entryQuestion = entryId ? this.options.entryQuestion(entryId) : undefined;
    const ticket: Ticket = {
      id: randomUUID(),
      status: 'open',
      createdAt: this.now().toISOString(),
      from: request.from,
      question: keptQuestion(request.question) || '(no text)',
      ...(entryId && entryQuestion ? { botAnswer: { entryId, question: entryQuestion, rated: request.rated ?? false } } : {}),
      asker: request.asker,
      ...(request.email ? { email: request.email } : {}),
      experts,
    };
    try {
      await this.options.store.create(ticket);
    } catch (err) {
      if (err instanceof TicketStoreFullError) return 'full';
      throw err;
    }
    try {
      const view = this.view(ticket);
      const cardId = await this.options.messenger.send(experts, { card: openTicketCard(view), summary: `A supporter's question: ${view.question}` });
      if (cardId) await this.options.store.update(ticket.id, (t) => ({ ...t, expertCardId: cardId }));
    } catch (err) {
      this.options.logger.warn('handoff_post_failed', { ticketId: ticket.id, ...errorFields(err) });
      await this.options.store.unlist(ticket.id);
      await this.options.store.delete(ticket.id);
      return 'unavailable';
    }
    this.options.logger.info('handoff_ticket_opened', { ticketId: ticket.id, from: ticket.from, email: ticket.email !== undefined });
    return 'sent';
  }

  /**
   * An expert's "Send answer" or "Close" on a ticket's card; resolves to the card to show in its place.
   * Only the channel the ticket was posted to can act on it, so a card forwarded elsewhere does nothing,
   * and cards left in a channel the questions have moved from can still be answered.
   */
  async act(action: ExpertAction): Promise<AdaptiveCard> {
    if (action.verb !== ANSWER_VERB && action.verb !== CLOSE_VERB) return notice('That action is not one of ours.');
    const ticketId = z.object({ ticketId: z.uuid() }).safeParse(action.data);
    const ticket = ticketId.success ? await this.options.store.get(ticketId.data.ticketId) : undefined;
    if (!ticket) return notice('This question is no longer open.');
    if (channelOf(action.conversationId) !== ticket.experts.conversation.id || action.tenantId !== this.options.settings.tenantId) {
      return notice("This card works only in the supporter care team's channel.");
    }
    if (action.verb === CLOSE_VERB) return this.close(ticket.id, action.expertName);
    const data = answerData.safeParse(action.data);
    if (!data.success) return notice(`Write an answer of at most ${MAX_EXPERT_ANSWER_CHARS} characters, then send it.`);
    return this.answer(ticket.id, data.data.answer, data.data.suggest === 'true', action.expertName);
  }

  /**
   * Answers or closes a ticket if it is still open, against what was read, and takes it off the open
   * list. The ticket as it was before, or, when it is gone or another expert settled it first, the card
   * that says so.
   */
  private async settleOpen(ticketId: string, status: 'answered' | 'closed', now: Date): Promise<{ settled: Ticket } | { card: AdaptiveCard }> {
    const change = await this.options.store.update(ticketId, (t) => (isOpen(t) ? settle(t, status, now) : undefined));
    await this.options.store.unlist(ticketId);
    if (!change) return { card: notice('This question is no longer open.') };
    if (!change.changed) return { card: settledTicketCard(this.view(change.after), this.settledStatus(change.after)) };
    return { settled: change.before };
  }

  private async answer(ticketId: string, answer: string, suggest: boolean, expertName: string): Promise<AdaptiveCard> {
    const now = this.now();
    const outcome = await this.settleOpen(ticketId, 'answered', now);
    if ('card' in outcome) return outcome.card;
    const before = outcome.settled;
    const delivered = await this.deliver(before, answer, now);
    if (suggest) await this.suggest(before.question, answer);
    const status =
      `Answered by ${expertName.slice(0, 100) || 'the team'}, ${formatTime(now)}` +
      (delivered === 'nowhere' ? ". The supporter's chat could not be reached." : '');
    const updated = settledTicketCard(this.view(before), status, answer);
    await this.updateCard(before, updated);
    this.options.logger.info('handoff_answered', { ticketId, delivered, suggested: suggest });
    return updated;
  }

  private async close(ticketId: string, expertName: string): Promise<AdaptiveCard> {
    const now = this.now();
    const outcome = await this.settleOpen(ticketId, 'closed', now);
    if ('card' in outcome) return outcome.card;
    const before = outcome.settled;
    await this.tellClosed(before);
    const updated = settledTicketCard(this.view(before), `Closed by ${expertName.slice(0, 100) || 'the team'}, ${formatTime(now)}`);
    await this.updateCard(before, updated);
    this.options.logger.info('handoff_closed', { ticketId });
    return updated;
  }

  /** A supporter whose question is closed unanswered is told so in their chat, rather than left waiting. */
  private async tellClosed(ticket: Ticket): Promise<void> {
    if (!ticket.asker) return;
    try {
      await this.options.messenger.send(ticket.asker, {
        text: `The supporter care team has closed your question “${ticket.question}” without answering it. Sorry we could not help with this one.`,
      });
    } catch (err) {
      this.options.logger.warn('handoff_chat_delivery_failed', { ticketId: ticket.id, ...errorFields(err) });
    }
  }

  /** In the asker's chat; by email as well when they left an address and have likely left, or the chat failed. */
  private async deliver(ticket: Ticket, answer: string, now: Date): Promise<'chat' | 'email' | 'chat and email' | 'nowhere'> {
    let chat = false;
    if (ticket.asker) {
      try {
        await this.options.messenger.send(ticket.asker, { card: expertAnswerCard({ question: ticket.question, answer }), summary: answer });
        chat = true;
      } catch (err) {
        this.options.logger.warn('handoff_chat_delivery_failed', { ticketId: ticket.id, ...errorFields(err) });
      }
    }
    const late = now.getTime() - Date.parse(ticket.createdAt) >= (this.options.chatPresenceMs ?? DEFAULT_CHAT_PRESENCE_MS);
    let email = false;
    if (ticket.email && this.options.mailer && (!chat || late)) {
      try {
        await this.options.mailer.send({ to: ticket.email, question: ticket.question, answer });
        email = true;
      } catch (err) {
        this.options.logger.warn('handoff_email_failed', { ticketId: ticket.id, ...errorFields(err) });
      }
    }
    return chat && email ? 'chat and email' : chat ? 'chat' : email ? 'email' : 'nowhere';
  }

  private async suggest(question: string, answer: string): Promise<void> {
    try {
      await this.options.curation?.record({ kind: 'suggestion', question, answer });
    } catch (err) {
      this.options.logger.warn('curation_record_failed', errorFields(err));
    }
  }

  /**
   * Reminds the channel of tickets open longer than HANDOFF_SLA_HOURS (again each further SLA period), and
   * closes those open longer than HANDOFF_TTL_DAYS, which drops the asker's address and email. It also
   * keeps the experts' channel from expiring with untouched state. Each
   * reminder is claimed by a conditional write first, so instances sweeping at once send it once.
   */
  async sweep(): Promise<{ reminded: number; expired: number }> {
    const now = this.now();
    await this.options.store.keepExperts(now, DAY_MS);
    const sla = this.options.settings.slaHours * HOUR_MS;
    const ttl = this.options.settings.ttlDays * DAY_MS;
    let reminded = 0;
    let expired = 0;
    for (const id of await this.options.store.openIds()) {
      const ticket = await this.options.store.get(id);
      if (!ticket || !isOpen(ticket)) {
        await this.options.store.unlist(id);
        continue;
      }
      const age = now.getTime() - Date.parse(ticket.createdAt);
      if (age >= ttl) {
        const outcome = await this.settleOpen(id, 'closed', now);
        if ('settled' in outcome) {
          expired += 1;
          await this.tellClosed(outcome.settled);
          await this.updateCard(
            outcome.settled,
            settledTicketCard(this.view(outcome.settled), `Closed: no answer within ${this.options.settings.ttlDays} days`),
          );
        }
        continue;
      }
      const last = ticket.remindedAt ? Date.parse(ticket.remindedAt) : Date.parse(ticket.createdAt);
      if (age < sla || now.getTime() - last < sla) continue;
      const claim = await this.options.store.update(id, (t) =>
        isOpen(t) && t.remindedAt === ticket.remindedAt ? { ...t, remindedAt: now.toISOString() } : undefined,
      );
      if (!claim?.changed) continue;
      const hours = Math.floor(age / HOUR_MS);
      const { experts } = ticket;
      const thread = ticket.expertCardId
        ? { ...experts, conversation: { ...experts.conversation, id: `${experts.conversation.id};messageid=${ticket.expertCardId}` } }
        : experts;
      try {
        await this.options.messenger.send(thread, {
          text:
            `Reminder: this supporter's question has waited ${hours} hours for an answer ` +
            `(the team aims to answer within ${this.options.settings.slaHours}).`,
        });
        reminded += 1;
      } catch (err) {
        this.options.logger.warn('handoff_reminder_failed', { ticketId: id, ...errorFields(err) });
      }
    }
    if (reminded || expired) this.options.logger.info('handoff_swept', { reminded, expired });
    return { reminded, expired };
  }

  /** Replaces the ticket's card in the channel it was posted to. */
  private async updateCard(ticket: Ticket, updated: AdaptiveCard): Promise<void> {
    if (!ticket.expertCardId) return;
    try {
      await this.options.messenger.update(ticket.experts, ticket.expertCardId, { card: updated });
    } catch (err) {
      this.options.logger.warn('handoff_card_update_failed', errorFields(err));
    }
  }

  private settledStatus(ticket: Ticket): string {
    const when = ticket.settledAt ? formatTime(new Date(ticket.settledAt)) : 'earlier';
    return ticket.status === 'answered' ? `Already answered, ${when}` : `Already closed, ${when}`;
  }

  private view(ticket: Ticket): TicketView {
    const bot = ticket.botAnswer;
    return {
      ticketId: ticket.id,
      question: ticket.question,
      from: FROM_LABEL[ticket.from],
      askedAt: formatTime(new Date(ticket.createdAt)),
      ...(bot
        ? {
            botAnswer: bot.rated
              ? `The bot answered “${bot.question}”, and the supporter rated it not helpful.`
              : `The bot's nearest answer, not given: “${bot.question}”.`,
          }
        : {}),
    };
  }

  private async expertsAddress(): Promise<Address | undefined> {
    if (this.experts && Date.now() - this.experts.readAt < EXPERTS_CACHE_MS) return this.experts.address;
    const stored = await this.options.store.experts();
    this.experts = { address: stored?.address, readAt: Date.now() };
    return stored?.address;
  }
}

const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });

/** "6 Dec 2026, 19:50 (UK time)": the team works in the UK. */
function formatTime(at: Date): string {
  return `${TIME_FORMAT.format(at)} (UK time)`;
}
