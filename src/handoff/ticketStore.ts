import type { Storage, StoreItem } from 'botbuilder';
import { z } from 'zod';
import { ETAG_NEW_ITEM, isEtagConflict } from '../storage/etagConflict';
import { addressSchema, ticketSchema, type Address, type Ticket } from './ticket';

/**
 * Tickets and the experts' channel, kept in the same store as conversation state (SQLite or Blob) so that
 * every instance sees them, and written against the eTag they were read with, so that of two experts
 * answering at once exactly one wins. Keys are random ticket ids and fixed names, never a channel's ids.
 */

const TICKET_PREFIX = 'handoff/tickets/';
const OPEN_KEY = 'handoff/open';
const EXPERTS_KEY = 'handoff/experts';

/**
 * Open tickets at once. The reminder sweep reads each of them, and the list of their ids is one item, so
 * it is bounded; a supporter care team with this many unanswered questions has a bigger problem.
 */
export const MAX_OPEN_TICKETS = 500;
/**
 * Read-modify-write attempts before giving up on a contended item, with a short random pause between them
 * so that writers who collided do not collide again in step. Tickets are rare, so contention is too.
 */
const MAX_ATTEMPTS = 12;
const BACKOFF_MS = 10;

/** Runs a read-modify-write again, after a pause, while its write loses to another writer's. */
async function retryOnConflict<T>(readModifyWrite: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await readModifyWrite();
    } catch (err) {
      if (!isEtagConflict(err) || attempt === MAX_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * BACKOFF_MS * attempt));
    }
  }
}

const openListSchema = z.object({ ids: z.array(z.uuid()).max(MAX_OPEN_TICKETS) });
const expertsSchema = z.object({ address: addressSchema, registeredAt: z.iso.datetime(), refreshedAt: z.iso.datetime().optional() });
export type ExpertsChannel = z.infer<typeof expertsSchema>;

export class TicketStoreFullError extends Error {
  constructor() {
    super(`There are already ${MAX_OPEN_TICKETS} open tickets.`);
    this.name = 'TicketStoreFullError';
  }
}

/** The outcome of a conditional change: the ticket as it was read, and as it is now (whoever wrote it). */
export interface TicketChange {
  before: Ticket;
  after: Ticket;
  /** Whether this change is the one that was written (false: `change` declined, after reading the winner's). */
  changed: boolean;
}

export class TicketStore {
  constructor(private readonly storage: Storage) {}

  async experts(): Promise<ExpertsChannel | undefined> {
    const item: unknown = (await this.storage.read([EXPERTS_KEY]))[EXPERTS_KEY];
    const parsed = expertsSchema.safeParse(item);
    return parsed.success ? parsed.data : undefined;
  }

  /** The last channel registered wins: an administrator moving the questions to another channel means it. */
  async setExperts(address: Address, at: Date): Promise<void> {
    await this.storage.write({ [EXPERTS_KEY]: { address, registeredAt: at.toISOString(), eTag: '*' } });
  }

  async clearExperts(): Promise<void> {
    await this.storage.delete([EXPERTS_KEY]);
  }

  /**
   * Writes the experts' channel back unchanged when it was last written more than `every` ago: the state
   * store deletes items untouched for STATE_TTL_DAYS, and the channel must outlive that.
   */
  async keepExperts(now: Date, everyMs: number): Promise<void> {
    const experts = await this.experts();
    if (!experts || now.getTime() - Date.parse(experts.refreshedAt ?? experts.registeredAt) < everyMs) return;
    await this.storage.write({ [EXPERTS_KEY]: { ...experts, refreshedAt: now.toISOString(), eTag: '*' } });
  }

  async get(id: string): Promise<Ticket | undefined> {
    return (await this.read(id))?.ticket;
  }

  /** Stores a new ticket and lists it as open; refuses when MAX_OPEN_TICKETS are open. */
  async create(ticket: Ticket): Promise<void> {
    await this.changeOpenList((ids) => {
      if (ids.length >= MAX_OPEN_TICKETS) throw new TicketStoreFullError();
      return [...ids, ticket.id];
    });
    await this.storage.write({ [TICKET_PREFIX + ticket.id]: { ...ticketSchema.parse(ticket), eTag: ETAG_NEW_ITEM } });
  }

  /**
   * Applies `change` to the ticket as stored, against its eTag, re-reading after a conflict. `change`
   * returns undefined to leave the ticket as it is (for example, when another expert answered first).
   * Undefined if there is no such ticket.
   */
  async update(id: string, change: (ticket: Ticket) => Ticket | undefined): Promise<TicketChange | undefined> {
    return retryOnConflict(async () => {
      const read = await this.read(id);
      if (!read) return undefined;
      const next = change(read.ticket);
      if (!next) return { before: read.ticket, after: read.ticket, changed: false };
      await this.storage.write({ [TICKET_PREFIX + id]: { ...ticketSchema.parse(next), eTag: read.eTag } });
      return { before: read.ticket, after: next, changed: true };
    });
  }

  /** The ids of the open tickets, oldest first. */
  async openIds(): Promise<string[]> {
    return (await this.readOpenList()).ids;
  }

  async unlist(id: string): Promise<void> {
    await this.changeOpenList((ids) => ids.filter((open) => open !== id));
  }

  async delete(id: string): Promise<void> {
    await this.storage.delete([TICKET_PREFIX + id]);
  }

  private async read(id: string): Promise<{ ticket: Ticket; eTag: string } | undefined> {
    if (!z.uuid().safeParse(id).success) return undefined;
    const item = (await this.storage.read([TICKET_PREFIX + id]))[TICKET_PREFIX + id] as StoreItem | undefined;
    if (!item) return undefined;
    const parsed = ticketSchema.safeParse(item);
    return parsed.success && typeof item.eTag === 'string' ? { ticket: parsed.data, eTag: item.eTag } : undefined;
  }

  private async readOpenList(): Promise<{ ids: string[]; eTag: string }> {
    const item = (await this.storage.read([OPEN_KEY]))[OPEN_KEY] as StoreItem | undefined;
    const parsed = openListSchema.safeParse(item);
    return { ids: parsed.success ? parsed.data.ids : [], eTag: typeof item?.eTag === 'string' ? item.eTag : ETAG_NEW_ITEM };
  }

  /** Writes only when `change` changed the list: unlisting a ticket that is not listed costs a read. */
  private async changeOpenList(change: (ids: string[]) => string[]): Promise<void> {
    await retryOnConflict(async () => {
      const { ids, eTag } = await this.readOpenList();
      const next = change(ids);
      if (next.length === ids.length && next.every((id, i) => id === ids[i])) return;
      await this.storage.write({ [OPEN_KEY]: { ids: next, eTag } });
    });
  }
}
