import {
  ActivityTypes,
  ConversationState,
  TurnContext,
  calculateChangeHash,
  type Activity,
  type BotState,
  type ResourceResponse,
  type Storage,
  type StorageKeyFactory,
  type StoreItem,
} from 'botbuilder';
import type { Pseudonymiser } from '../shared/privacy';
import { ETAG_NEW_ITEM, EtagConflictError, isEtagConflict } from '../storage/etagConflict';

/**
 * No lost updates. botbuilder's BotState.saveChanges writes with eTag `*`, so of two turns that read the
 * same state, the later save silently drops the earlier one's change. The states below write back against
 * the eTag they read, and runConsistentTurn re-runs a turn whose save was rejected, on fresh state, sending
 * the user only the replies of the run that was saved.
 */

type StateObject = Record<string, unknown>;

/** Marks state this turn has written: stores do not report the new eTag, so it must be looked up. */
const WRITTEN = Symbol('written this turn');

/** What is known to be in storage for a cached state object. */
interface Persisted {
  /** calculateChangeHash of the content read or last written; a different hash means unsaved changes. */
  hash: string;
  /** The item's eTag when read, undefined if it did not exist then, or WRITTEN. */
  eTag: string | undefined | typeof WRITTEN;
}

/** One state's unsaved change: written, possibly with other states' changes, then committed. */
interface PendingWrite {
  storage: Storage;
  key: string;
  item: StoreItem;
  commit(): void;
}

class ConditionalSaver {
  /** Keyed by the cached state object, which lives exactly as long as the turn that loaded it. */
  private readonly persisted = new WeakMap<object, Persisted>();

  constructor(
    private readonly state: BotState,
    private readonly storage: Storage,
    private readonly storageKey: StorageKeyFactory,
  ) {}

  async load(context: TurnContext, force: boolean, load: () => Promise<StateObject>): Promise<StateObject> {
    // The same test BotState.load uses to decide whether to read storage or return its cache.
    const reads = force || this.state.get(context) === undefined;
    const loaded = await load();
    if (reads) this.persisted.set(loaded, { hash: calculateChangeHash(loaded), eTag: typeof loaded.eTag === 'string' ? loaded.eTag : undefined });
    return loaded;
  }

  async clear(context: TurnContext, clear: () => Promise<void>): Promise<void> {
    const before = this.state.get(context) as StateObject | undefined;
    await clear();
    const after = this.state.get(context) as StateObject | undefined;
    const persisted = before && this.persisted.get(before);
    // The empty state replaces the item that was read, so it is written against that item's eTag.
    if (after && persisted) this.persisted.set(after, { eTag: persisted.eTag, hash: '' });
  }

  async pending(context: TurnContext, force: boolean): Promise<PendingWrite | undefined> {
    let current = this.state.get(context) as StateObject | undefined;
    if (!current) {
      if (!force) return undefined;
      current = (await this.state.load(context)) as StateObject;
    }
    const state = current;
    const hash = calculateChangeHash(state);
    const persisted = this.persisted.get(state);
    if (!force && persisted?.hash === hash) return undefined;
    const key = await this.storageKey(context);
    const eTag = await this.expectedETag(key, persisted);
    return {
      storage: this.storage,
      key,
      item: { ...state, eTag },
      commit: () => this.persisted.set(state, { hash, eTag: WRITTEN }),
    };
  }

  async save(context: TurnContext, force: boolean): Promise<void> {
    const write = await this.pending(context, force);
    if (!write) return;
    await write.storage.write({ [write.key]: write.item });
    write.commit();
  }

  private async expectedETag(key: string, persisted: Persisted | undefined): Promise<string> {
    // Never read (cleared before loading): it must not exist, or the write would overwrite unseen state.
    if (!persisted) return ETAG_NEW_ITEM;
    if (persisted.eTag !== WRITTEN) return persisted.eTag ?? ETAG_NEW_ITEM;
    // Saved earlier this turn. If storage still holds exactly what was written, nobody wrote since, and
    // its current eTag is the one to write against.
    const stored = (await this.storage.read([key]))[key] as StateObject | undefined;
    if (stored && typeof stored.eTag === 'string' && calculateChangeHash(stored) === persisted.hash) return stored.eTag;
    throw new EtagConflictError('The state was changed by another writer after this turn saved it (eTag conflict).');
  }
}

const savers = new WeakMap<BotState, ConditionalSaver>();

/**
 * ConversationState whose saveChanges is rejected with an eTag conflict if another turn saved first, and
 * whose storage keys hold a keyed hash of the channel and conversation ids rather than the ids themselves.
 */
export class ConsistentConversationState extends ConversationState {
  private readonly saver: ConditionalSaver;
  /** Each run of a turn has an activity of its own, which lives as long as the run. */
  private readonly keys = new WeakMap<Partial<Activity>, string>();

  constructor(
    storage: Storage,
    private readonly pseudonymise: Pseudonymiser,
    private readonly keySuffix = '',
  ) {
    super(storage, keySuffix);
    this.saver = new ConditionalSaver(this, storage, this.storageKey);
    savers.set(this, this.saver);
  }

  override getStorageKey(context: TurnContext): string | undefined {
    // Asked several times a turn (to load, to save, to check the save); the keyed hash is worked out once per activity.
    const known = this.keys.get(context.activity);
    if (known) return known;
    // The base class checks that both ids are there; its key, which holds them, is not kept.
    super.getStorageKey(context);
    const { channelId, conversation } = context.activity;
    const key = `conversations/${this.pseudonymise(`${channelId}\n${conversation.id}`)}/${this.keySuffix}`;
    this.keys.set(context.activity, key);
    return key;
  }

  override load(context: TurnContext, force = false): Promise<StateObject> {
    return this.saver.load(context, force, () => super.load(context, force));
  }

  override saveChanges(context: TurnContext, force = false): Promise<void> {
    return this.saver.save(context, force);
  }

  override clear(context: TurnContext): Promise<void> {
    return this.saver.clear(context, () => super.clear(context));
  }
}

export type ConsistentState = ConsistentConversationState;

export interface ConsistentTurnOptions {
  /** Loaded at the start of each run of the turn and saved against the eTags read. */
  states: readonly ConsistentState[];
  /** The bot's turn. It gets its own TurnContext per run; use that one, not the outer context. */
  turn: (context: TurnContext) => Promise<void>;
  /** Runs of the turn before giving up; default 3. */
  maxAttempts?: number;
}

export class StateConflictError extends Error {
  constructor(attempts: number, options?: ErrorOptions) {
    super(`The conversation's state was changed by another turn during each of ${attempts} attempts; this turn was given up.`, options);
    this.name = 'StateConflictError';
  }
}

/**
 * Runs `turn` so that its state change is never lost and the user sees its replies once:
 * 1. each run gets a fresh TurnContext (a copy of the incoming activity and of the adapter's turn state)
 *    and reads `states` afresh;
 * 2. the replies it sends are held back (with `context.responded` set as usual);
 * 3. the states are saved against the eTags read (states sharing a store in one write, a transaction on
 *    SQLite; Blob storage has no transactions across blobs, so keep a turn's changes in one state there);
 * 4. on an eTag conflict the held replies are dropped and the turn runs again, up to maxAttempts, then
 *    StateConflictError;
 * 5. once saved, the replies go out through the outer context: its onSendActivities handlers (middleware)
 *    see them once, and under deliveryMode expectReplies they land in its bufferedReplyActivities.
 * The outer context then holds the turn state of the last run, so code after the turn can read what it
 * recorded; when the run's state was not kept, without the states themselves, so nothing saves them later.
 * A turn that throws is still saved (as FaqBot always did) and its replies so far are sent, then its error
 * propagates. A store fault propagates with no replies sent: they would describe state that was not kept.
 * Held replies have no channel ids yet, so a turn cannot update or delete what it just sent.
 */
export async function runConsistentTurn(context: TurnContext, options: ConsistentTurnOptions): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be a whole number, at least 1');
  // Each run gets a copy to change as it likes (the bot rewrites the text it reads); the outer context's
  // activity is never handed to a run, so it stays as received for the next.
  const received = context.activity;

  for (let attempt = 1; ; attempt += 1) {
    const run = forkContext(context, structuredClone(received));
    const held: Partial<Activity>[] = [];
    run.onSendActivities(async (ctx, activities): Promise<ResourceResponse[]> => {
      held.push(...activities);
      if (activities.some((activity) => activity.type !== ActivityTypes.Trace)) ctx.responded = true;
      return activities.map(() => ({ id: '' }));
    });

    await loadStates(run, options.states);
    const failure = await options.turn(run).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    let conflict = failure && isEtagConflict(failure.error) ? failure : undefined;
    if (!conflict) {
      try {
        await saveStates(run, options.states);
      } catch (error) {
        if (!isEtagConflict(error)) {
          adoptTurnState(context, run, options.states);
          throw failure ? failure.error : error;
        }
        conflict = { error };
      }
    }
    if (conflict) {
      if (attempt < maxAttempts) continue;
      adoptTurnState(context, run, options.states);
      throw new StateConflictError(attempt, { cause: conflict.error });
    }

    adoptTurnState(context, run);
    if (held.length > 0) await context.sendActivities(held);
    if (failure) throw failure.error;
    return;
  }
}

/** A TurnContext for one run: the adapter's services, a pristine activity, no handlers, nothing cached. */
function forkContext(context: TurnContext, activity: Partial<Activity>): TurnContext {
  const fork = new TurnContext(context.adapter, activity);
  copyTurnState(context, fork);
  return fork;
}

/**
 * Hands the run's turn state to the outer context. `unsaved` names states whose change was not kept (a
 * store fault, or conflicts until giving up): their cached objects stay behind. A caller that saves state
 * in `finally`, as botbuilder's samples do, would otherwise write them again: waiting out a store that
 * does not answer a second time before the user gets the apology, or, once the store answers again,
 * keeping the change of a turn the user was told had failed.
 */
function adoptTurnState(context: TurnContext, run: TurnContext, unsaved: readonly ConsistentState[] = []): void {
  const unsavedObjects = new Set<unknown>(unsaved.map((state) => state.get(run) as unknown).filter((cached) => cached !== undefined));
  // BotState caches each state in turnState as { state, hash } under a private symbol.
  copyTurnState(run, context, (value) => !unsavedObjects.has((value as { state?: unknown } | undefined)?.state));
}

function copyTurnState(from: TurnContext, to: TurnContext, keep: (value: unknown) => boolean = () => true): void {
  for (const [key, value] of from.turnState) if (keep(value)) to.turnState.set(key, value);
  // TurnContext keeps its locale in a plain `turn` property of turnState rather than a Map entry (and its
  // getter throws when no locale was ever set), so it is copied separately.
  const turn: unknown = Reflect.get(from.turnState, 'turn');
  if (turn !== undefined) Reflect.set(to.turnState, 'turn', turn);
}

async function loadStates(context: TurnContext, states: readonly ConsistentState[]): Promise<void> {
  // A state without a key for this activity (one keyed by a sender it does not have) is never loaded or saved.
  await Promise.all(states.filter((state) => state.getStorageKey(context)).map((state) => state.load(context, true)));
}

async function saveStates(context: TurnContext, states: readonly ConsistentState[]): Promise<void> {
  const writes: PendingWrite[] = [];
  for (const state of states) {
    const write = await savers.get(state)?.pending(context, false);
    if (write) writes.push(write);
  }
  const byStorage = new Map<Storage, PendingWrite[]>();
  for (const write of writes) byStorage.set(write.storage, [...(byStorage.get(write.storage) ?? []), write]);
  await Promise.all(
    [...byStorage].map(async ([storage, group]) => {
      await storage.write(Object.fromEntries(group.map((write) => [write.key, write.item])));
      group.forEach((write) => {
        write.commit();
      });
    }),
  );
}
