import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { RateLimiter, type RateDecision } from '../http/rateLimiter';

/**
 * The local Direct Line endpoint's conversations, in memory and bounded in count, in bytes and in time, per
 * conversation, per client and in all. Expiry is checked when the store is used, so there is no timer to stop
 * when the server closes. The endpoint is for local and offline use, not for crowds: the limits keep one
 * abusive client from exhausting the process or locking everyone else out.
 */

export interface StoreLimits {
  maxConversations: number;
  /** Live conversations one client address may hold at once. */
  maxConversationsPerClient: number;
  maxActivitiesPerConversation: number;
  /** Of one transcript's JSON; the oldest activities go first, as with the count. */
  maxBytesPerConversation: number;
  /** Of every transcript's JSON together. */
  maxTotalBytes: number;
  /** Unused this long (no post, no poll), a conversation ends. */
  idleMs: number;
  /**
   * Unused this long, a conversation has no open Web Chat left (an open one polls every second, a throttled
   * background tab about once a minute), so it may be ended early when its client or the store needs room.
   */
  abandonedMs: number;
  /** From its start, however active: polling alone would otherwise keep a conversation, and its slot, forever. */
  lifetimeMs: number;
  /** Activities a conversation may post a minute, once its burst is spent. */
  postsPerMinute: number;
  postBurst: number;
}

/**
 * Why these numbers, and the worst case they allow:
 * - A real conversation is 10–50 activities: the user's messages (~350 bytes of JSON) and the bot's answers
 *   (Adaptive Cards of 1–8 KB). 512 KiB a conversation leaves room for the 100-activity count cap at 5 KB each,
 *   so it only binds on floods (100 posts of 8 KB would be 800 KB).
 * - A person types a question in more than three seconds: 20 posts a minute, with a burst of 10 for clicking
 *   suggested actions in quick succession. Each post runs the bot, so this bounds the CPU one tab can take.
 * - 10 conversations per address allow several tabs and reloads within the abandonment window (each page load
 *   starts one), and mean that filling the store's 200 takes 20 addresses.
 * - Memory: transcripts hold at most maxTotalBytes (32 MiB) of JSON, plus the newest activity of each
 *   conversation, which is always kept for the browser to fetch (at most 200 × the 64 KiB body limit =
 *   12.5 MiB). Parsed objects take a small multiple of their JSON. Besides: one post bucket per live
 *   conversation (200 × ~100 bytes), the start limiter's 10,000 buckets (~1 MB); per-client counts are not
 *   kept, they are counted from the conversations.
 * - Time: idle conversations end after 30 minutes, as Azure's tokens do; none lasts beyond 2 hours.
 */
export const DEFAULT_LIMITS: StoreLimits = {
  maxConversations: 200,
  maxConversationsPerClient: 10,
  maxActivitiesPerConversation: 100,
  maxBytesPerConversation: 512 * 1024,
  maxTotalBytes: 32 * 1024 * 1024,
  idleMs: 30 * 60 * 1000,
  abandonedMs: 2 * 60 * 1000,
  lifetimeMs: 2 * 60 * 60 * 1000,
  postsPerMinute: 20,
  postBurst: 10,
};

interface Entry {
  readonly activity: Partial<Activity>;
  readonly bytes: number;
}

export interface Conversation {
  readonly id: string;
  readonly userId: string;
  /** The address that started it, for the per-client cap; kept in memory only, never logged. */
  readonly client: string;
  readonly startedAt: number;
  /** The transcript the browser polls, oldest first; `dropped` older ones have been let go. */
  readonly transcript: Entry[];
  dropped: number;
  bytes: number;
  lastActive: number;
}

/** Why there is no new conversation, and when to try again. */
export interface Refusal {
  admitted: false;
  reason: 'client_full' | 'store_full';
  retryAfterSeconds: number;
}

export type Admission = { admitted: true; conversation: Conversation } | Refusal;

export class ConversationStore {
  /** In least-recently-used order (use re-inserts), so the first abandoned conversation is the one to end. */
  private readonly conversations = new Map<string, Conversation>();
  private readonly posts: RateLimiter;
  private totalBytes = 0;

  constructor(
    private readonly limits: StoreLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.posts = new RateLimiter(limits.postsPerMinute, now, limits.maxConversations, limits.postBurst);
  }

  /**
   * A new conversation for the user, unless its client or the store is full of conversations still in use.
   * Abandoned ones make room, least recently used first.
   */
  create(userId: string, client: string): Admission {
    this.expireEnded();
    const clientHasRoom = () => this.conversationsOf(client).length < this.limits.maxConversationsPerClient;
    if (!this.reclaimUntil(clientHasRoom, this.conversationsOf(client))) {
      return { admitted: false, reason: 'client_full', retryAfterSeconds: this.retryAfter(this.conversationsOf(client)) };
    }
    // Still over the byte cap after trimming (each conversation keeps its newest activity), a newcomer would
    // add a welcome that nothing could trim either; it waits until an abandoned conversation can go.
    const storeHasRoom = () => this.conversations.size < this.limits.maxConversations && this.totalBytes < this.limits.maxTotalBytes;
    if (!this.reclaimUntil(storeHasRoom)) {
      return { admitted: false, reason: 'store_full', retryAfterSeconds: this.retryAfter([...this.conversations.values()]) };
    }
    const now = this.now();
    const conversation: Conversation = {
      id: randomBytes(18).toString('base64url'),
      userId,
      client,
      startedAt: now,
      transcript: [],
      dropped: 0,
      bytes: 0,
      lastActive: now,
    };
    this.conversations.set(conversation.id, conversation);
    return { admitted: true, conversation };
  }

  /** The conversation, if it exists and has not ended; using it keeps it alive, up to its lifetime. */
  get(id: string): Conversation | undefined {
    const conversation = this.conversations.get(id);
    if (!conversation) return undefined;
    if (this.hasEnded(conversation)) {
      this.remove(conversation);
      return undefined;
    }
    conversation.lastActive = this.now();
    this.conversations.delete(id);
    this.conversations.set(id, conversation);
    return conversation;
  }

  /** Whether the conversation may post another activity now; counted per conversation, whatever its token. */
  admitPost(conversation: Conversation): RateDecision {
    return this.posts.take(conversation.id);
  }

  /** Whole seconds until the conversation reaches its lifetime, for tokens not to promise more. */
  secondsLeft(conversation: Conversation): number {
    return Math.max(0, Math.floor((conversation.startedAt + this.limits.lifetimeMs - this.now()) / 1000));
  }

  /**
   * Adds an activity to the transcript with the id and timestamp Direct Line would give it, then lets the
   * oldest go until the transcript is within its caps. Call it on a conversation just returned by get() or
   * create(), in the same tick, so that it is still held.
   */
  append(conversation: Conversation, activity: Partial<Activity>): Partial<Activity> {
    const sequence = conversation.dropped + conversation.transcript.length;
    const stored = { ...activity, id: `${conversation.id}|${String(sequence).padStart(7, '0')}`, timestamp: new Date(this.now()) };
    const bytes = Buffer.byteLength(JSON.stringify(stored));
    conversation.transcript.push({ activity: stored, bytes });
    conversation.bytes += bytes;
    this.totalBytes += bytes;
    this.trim(
      conversation,
      () => conversation.transcript.length > this.limits.maxActivitiesPerConversation || conversation.bytes > this.limits.maxBytesPerConversation,
    );
    this.fitTotal(conversation);
    return stored;
  }

  /** Whether the browser has (or could have) seen this activity: it is still in the transcript. */
  holds(conversation: Conversation, activityId: string): boolean {
    return conversation.transcript.some((entry) => entry.activity.id === activityId);
  }

  /**
   * Activities after the watermark (a count of activities, as Direct Line's is), and the new watermark.
   * A watermark older than the kept transcript gets what is left of it.
   */
  since(conversation: Conversation, watermark: number): { activities: Partial<Activity>[]; watermark: string } {
    const total = conversation.dropped + conversation.transcript.length;
    const from = Math.min(Math.max(watermark, conversation.dropped), total) - conversation.dropped;
    return { activities: conversation.transcript.slice(from).map((entry) => entry.activity), watermark: String(total) };
  }

  get size(): number {
    return this.conversations.size;
  }

  /** Of every transcript's JSON. */
  get bytes(): number {
    return this.totalBytes;
  }

  /**
   * Over the store's byte cap, abandoned conversations go first: nobody is reading them. With none left, the
   * conversation that grew pays by losing its oldest activities (Web Chat has already shown them), rather
   * than others losing theirs; refusing the activity instead would drop the bot's reply on the floor.
   */
  private fitTotal(conversation: Conversation): void {
    const withinTotal = () => this.totalBytes <= this.limits.maxTotalBytes;
    if (!this.reclaimUntil(withinTotal)) this.trim(conversation, () => !withinTotal());
  }

  /** Drops the oldest activities while `over` holds, always keeping the newest for the browser to fetch. */
  private trim(conversation: Conversation, over: () => boolean): void {
    while (conversation.transcript.length > 1 && over()) {
      const oldest = conversation.transcript.shift();
      if (!oldest) return;
      conversation.bytes -= oldest.bytes;
      this.totalBytes -= oldest.bytes;
      conversation.dropped += 1;
    }
  }

  /** Ends abandoned conversations among `candidates` (in least-recently-used order) until `enough` holds. */
  private reclaimUntil(enough: () => boolean, candidates: Iterable<Conversation> = this.conversations.values()): boolean {
    for (const conversation of candidates) {
      // The rest were used more recently still, so none of them is abandoned either.
      if (enough() || !this.isAbandoned(conversation)) break;
      this.remove(conversation);
    }
    return enough();
  }

  /** Seconds until one of these conversations could make room, at the earliest (use keeps them longer). */
  private retryAfter(conversations: Conversation[]): number {
    const soonest = Math.min(...conversations.map((c) => Math.min(c.lastActive + this.limits.abandonedMs, c.startedAt + this.limits.lifetimeMs)));
    return Math.max(1, Math.ceil((soonest - this.now()) / 1000));
  }

  private conversationsOf(client: string): Conversation[] {
    return [...this.conversations.values()].filter((conversation) => conversation.client === client);
  }

  private hasEnded(conversation: Conversation): boolean {
    const now = this.now();
    return now - conversation.lastActive >= this.limits.idleMs || now - conversation.startedAt >= this.limits.lifetimeMs;
  }

  private isAbandoned(conversation: Conversation): boolean {
    return this.now() - conversation.lastActive >= this.limits.abandonedMs;
  }

  private expireEnded(): void {
    for (const conversation of this.conversations.values()) if (this.hasEnded(conversation)) this.remove(conversation);
  }

  private remove(conversation: Conversation): void {
    this.conversations.delete(conversation.id);
    this.totalBytes -= conversation.bytes;
    this.posts.forget(conversation.id);
  }
}
