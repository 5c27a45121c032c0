import { z } from 'zod';
import { redact } from '../shared/redact';

/**
 * A supporter's question on its way to the supporter care team, as kept in the state store. It holds what
 * delivering the answer needs and nothing more: the question redacted, the asker's conversation address
 * (no names), and an email address only if the supporter left one. Both go as soon as the ticket is
 * answered or closed, or HANDOFF_TTL_DAYS after it opened.
 */

/** The longest question passed on to the team. */
export const MAX_TICKET_QUESTION_CHARS = 1000;

/**
 * A question as the team gets it, and as it is kept: emails, phone and card numbers replaced, at most
 * MAX_TICKET_QUESTION_CHARS. Redacted whole before it is cut, so a cut never splits a number and lets
 * part of it through; the text is already bounded at the edge (MAX_MESSAGE_CHARS), and redaction is
 * linear. A placeholder the cut splits ("[pho") goes too.
 */
export function keptQuestion(text: string): string {
  return redact(text)
    .slice(0, MAX_TICKET_QUESTION_CHARS)
    .replace(/\[[a-z]*$/, '')
    .trim();
}

const TICKET_STATUSES = ['open', 'answered', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Where the question came from, as the experts' card names it. */
const ASKED_FROM = ['teams', 'website', 'other'] as const;
export type AskedFrom = (typeof ASKED_FROM)[number];

/**
 * What a proactive message needs to reach a conversation: botbuilder's ConversationReference without the
 * user (the conversation id is enough to post into it) and without display names.
 */
export const addressSchema = z.object({
  channelId: z.string().min(1).max(100),
  serviceUrl: z.string().min(1).max(2048),
  conversation: z.object({
    id: z.string().min(1).max(1024),
    conversationType: z.string().max(100).optional(),
    tenantId: z.string().max(100).optional(),
  }),
  bot: z.object({ id: z.string().min(1).max(1024) }),
});
export type Address = z.infer<typeof addressSchema>;

/** The entry the bot would have answered with (a near miss) or did answer (rated 👎). */
const botAnswerSchema = z.object({ entryId: z.string().max(200), question: z.string().max(500), rated: z.boolean() });

export const ticketSchema = z.object({
  id: z.uuid(),
  status: z.enum(TICKET_STATUSES),
  createdAt: z.iso.datetime(),
  from: z.enum(ASKED_FROM),
  /** Redacted before it was stored (src/shared/redact.ts). */
  question: z.string().min(1).max(MAX_TICKET_QUESTION_CHARS),
  botAnswer: botAnswerSchema.optional(),
  /** Until the ticket is answered or closed. */
  asker: addressSchema.optional(),
  /** Until the ticket is answered or closed; only where the supporter gave one. */
  email: z.email().max(254).optional(),
  /** The experts' channel the ticket was posted to: only there can it be answered, even after a move. */
  experts: addressSchema,
  /** The card in the experts' channel, updated in place as the ticket changes. */
  expertCardId: z.string().max(1024).optional(),
  remindedAt: z.iso.datetime().optional(),
  /** When it was answered or closed. */
  settledAt: z.iso.datetime().optional(),
});
export type Ticket = z.infer<typeof ticketSchema>;

/** Whether a ticket still waits for an expert. */
export function isOpen(ticket: Ticket): boolean {
  return ticket.status === 'open';
}

/** A settled ticket keeps its outcome and times, for "already answered", and drops every way to reach the asker. */
export function settle(ticket: Ticket, status: Exclude<TicketStatus, 'open'>, at: Date): Ticket {
  const { asker: _asker, email: _email, ...rest } = ticket;
  return { ...rest, status, settledAt: at.toISOString() };
}
