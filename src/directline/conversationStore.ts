import { randomBytes } from 'node:crypto';
import type { Activity } from 'botbuilder';

/**
 * The local Direct Line endpoint's conversations, in memory and bounded: a capped number of conversations,
 * a capped transcript per conversation, and conversations forgotten once idle. Expiry is checked when the
 * store is used, so there is no timer to stop when the server closes. With posted activities capped at
 * 8 KB, the defaults hold at most 200 × 100 × 8 KB ≈ 160 MB, and far less in use: the endpoint is for
 * local and offline use, not for crowds.
 */

export interface StoreLimits {
  maxConversations: number;
  maxActivitiesPerConversation: number;
  idleMs: number;
}

export const DEFAULT_LIMITS: StoreLimits = { maxConversations: 200, maxActivitiesPerConversation: 100, idleMs: 30 * 60 * 1000 };

export interface Conversation {
  readonly id: string;
  readonly userId: string;
  /** The transcript the browser polls, oldest first; `dropped` older ones have been let go. */
  readonly activities: Partial<Activity>[];
  dropped: number;
  lastActive: number;
}

export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>();

  constructor(
    private readonly limits: StoreLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new conversation for the user, or undefined when the store is full of conversations still in use. */
  create(userId: string): Conversation | undefined {
    this.expireIdle();
    if (this.conversations.size >= this.limits.maxConversations) return undefined;
    const conversation: Conversation = { id: randomBytes(18).toString('base64url'), userId, activities: [], dropped: 0, lastActive: this.now() };
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  /** The conversation, if it exists and has not gone idle; using it keeps it alive. */
  get(id: string): Conversation | undefined {
    const conversation = this.conversations.get(id);
    if (!conversation) return undefined;
    if (this.isIdle(conversation)) {
      this.conversations.delete(id);
      return undefined;
    }
    conversation.lastActive = this.now();
    return conversation;
  }

  /** Adds an activity to the transcript with the id and timestamp Direct Line would give it. */
  append(conversation: Conversation, activity: Partial<Activity>): Partial<Activity> {
    const sequence = conversation.dropped + conversation.activities.length;
    const stored = { ...activity, id: `${conversation.id}|${String(sequence).padStart(7, '0')}`, timestamp: new Date(this.now()) };
    conversation.activities.push(stored);
    if (conversation.activities.length > this.limits.maxActivitiesPerConversation) {
      conversation.activities.shift();
      conversation.dropped += 1;
    }
    return stored;
  }

  /** Whether the browser has (or could have) seen this activity: it is still in the transcript. */
  holds(conversation: Conversation, activityId: string): boolean {
    return conversation.activities.some((a) => a.id === activityId);
  }

  /**
   * Activities after the watermark (a count of activities, as Direct Line's is), and the new watermark.
   * A watermark older than the kept transcript gets what is left of it.
   */
  since(conversation: Conversation, watermark: number): { activities: Partial<Activity>[]; watermark: string } {
    const total = conversation.dropped + conversation.activities.length;
    const from = Math.min(Math.max(watermark, conversation.dropped), total) - conversation.dropped;
    return { activities: conversation.activities.slice(from), watermark: String(total) };
  }

  get size(): number {
    return this.conversations.size;
  }

  private isIdle(conversation: Conversation): boolean {
    return this.now() - conversation.lastActive >= this.limits.idleMs;
  }

  private expireIdle(): void {
    for (const [id, conversation] of this.conversations) if (this.isIdle(conversation)) this.conversations.delete(id);
  }
}
