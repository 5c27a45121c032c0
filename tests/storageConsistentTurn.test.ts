import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  TestAdapter,
  TurnContext,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type Storage,
} from 'botbuilder';
import { expect } from 'chai';
import restify from 'restify';
import { keyedPseudonymiser } from '../src/shared/privacy';
import { BlobStateStorage } from '../src/storage/blobStorage';
import { ConsistentConversationState, StateConflictError, runConsistentTurn, type ConsistentState } from '../src/bot/consistentTurn';
import { isEtagConflict } from '../src/storage/etagConflict';
import { SqliteStorage } from '../src/storage/sqliteStorage';
import { startAzurite, type Azurite } from './helpers/azurite';
import { emulatorActivity, postJson } from './helpers/http';
import { rejection } from './helpers/rejection';

/** Holds one run of a turn at a chosen point until the test lets it go, so two turns interleave exactly. */
class Gate {
  private arrive!: () => void;
  private open!: () => void;
  readonly reached = new Promise<void>((resolve) => (this.arrive = resolve));
  private readonly opened = new Promise<void>((resolve) => (this.open = resolve));
  async pass(): Promise<void> {
    this.arrive();
    await this.opened;
  }
  release(): void {
    this.open();
  }
}

/**
 * A tiny bot: each message appends its text to a list in conversation state and replies with the list.
 * It replies (and traces) before saving, so a run that is thrown away has already "sent" its reply.
 */
const testPseudonyms = keyedPseudonymiser('a test key that is at least 32 characters long');

function listBot(storage: Storage) {
  const conversationState = new ConsistentConversationState(storage, testPseudonyms);
  // A second state in the same store, as UserState would be: both are saved in one write.
  const userState = new ConsistentConversationState(storage, testPseudonyms, 'second');
  const items = conversationState.createProperty<string[]>('items');
  const runs: string[] = [];
  const gates = new Map<string, Gate>();
  const turn = async (context: TurnContext) => {
    const text = context.activity.text ?? '';
    runs.push(text);
    const list = await items.get(context, []);
    list.push(text);
    await context.sendTraceActivity('items', list);
    await context.sendActivity(`added ${text}: ${list.join(', ')}`);
    const gate = gates.get(text);
    gates.delete(text);
    await gate?.pass();
    await items.set(context, list);
  };
  return {
    runs,
    states: [conversationState, userState] as ConsistentState[],
    logic: (context: TurnContext) => runConsistentTurn(context, { states: [conversationState, userState], turn }),
    /** The next run of the turn for `text` stops after replying, until released. */
    hold(text: string): Gate {
      const gate = new Gate();
      gates.set(text, gate);
      return gate;
    },
  };
}

/** The storage key of TestAdapter's one conversation. */
function conversationKey(adapter: TestAdapter, state: ConversationState): string {
  return state.getStorageKey(new TurnContext(adapter, TurnContext.applyConversationReference({ type: 'message' }, adapter.conversation, true)))!;
}

const messageTexts = (activities: Partial<Activity>[]) => activities.filter((a) => a.type === ActivityTypes.Message).map((a) => a.text);

describe('runConsistentTurn: no lost updates, no duplicate replies', function () {
  this.timeout(60_000);
  let azurite: Azurite;
  const dirs: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  let containers = 0;

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
    await azurite?.close();
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  const backends: Record<string, () => Promise<Storage>> = {
    MemoryStorage: async () => new MemoryStorage(),
    SqliteStorage: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'faq-turns-'));
      dirs.push(dir);
      const storage = new SqliteStorage({ dataDir: dir });
      closers.push(() => storage.close());
      return storage;
    },
    'BlobStateStorage (Azurite)': async () => {
      containers += 1;
      const storage = await new BlobStateStorage({ connectionString: azurite.connectionString, container: `turns-${process.pid}-${containers}` }).open();
      closers.push(() => storage.close());
      return storage;
    },
  };

  for (const [name, open] of Object.entries(backends)) {
    describe(name, () => {
      it('two concurrent first turns of a conversation both keep their change; each reply is seen once', async () => {
        const bot = listBot(await open());
        const adapter = new TestAdapter(bot.logic, undefined, true);
        const gate = bot.hold('first');
        const first = adapter.processActivity({ type: 'message', text: 'first' });
        await gate.reached;
        await adapter.processActivity({ type: 'message', text: 'second' });
        gate.release();
        await first;
        await adapter.processActivity({ type: 'message', text: 'third' });

        expect(messageTexts(adapter.activeQueue)).to.deep.equal(['added second: second', 'added first: second, first', 'added third: second, first, third']);
        expect(adapter.activeQueue.filter((a) => a.type === ActivityTypes.Trace)).to.have.length(3);
        expect(bot.runs).to.deep.equal(['first', 'second', 'first', 'third']);
      });

      it('two concurrent turns on an existing conversation both keep their change', async () => {
        const bot = listBot(await open());
        const adapter = new TestAdapter(bot.logic);
        await adapter.processActivity({ type: 'message', text: 'zero' });
        const gate = bot.hold('first');
        const first = adapter.processActivity({ type: 'message', text: 'first' });
        await gate.reached;
        await adapter.processActivity({ type: 'message', text: 'second' });
        gate.release();
        await first;
        await adapter.processActivity({ type: 'message', text: 'third' });

        expect(messageTexts(adapter.activeQueue)).to.deep.equal([
          'added zero: zero',
          'added second: zero, second',
          'added first: zero, second, first',
          'added third: zero, second, first, third',
        ]);
      });
    });
  }

  it('for contrast: botbuilder ConversationState saved after the turn loses the first change', async () => {
    const storage = new MemoryStorage();
    const state = new ConversationState(storage);
    const items = state.createProperty<string[]>('items');
    let gate: Gate | undefined = new Gate();
    const held = gate;
    const adapter = new TestAdapter(async (context) => {
      const list = await items.get(context, []);
      list.push(context.activity.text ?? '');
      if (context.activity.text === 'first' && gate) {
        const passing = gate;
        gate = undefined;
        await passing.pass();
      }
      await items.set(context, list);
      await state.saveChanges(context);
    });
    const first = adapter.processActivity({ type: 'message', text: 'first' });
    await held.reached;
    await adapter.processActivity({ type: 'message', text: 'second' });
    held.release();
    await first;
    const key = conversationKey(adapter, state);
    expect((await storage.read([key]))[key]!.items).to.deep.equal(['first']);
  });

  it('gives up with StateConflictError after maxAttempts, sending nothing', async () => {
    const storage = new MemoryStorage();
    const state = new ConsistentConversationState(storage, testPseudonyms);
    const count = state.createProperty<number>('count');
    let runs = 0;
    const adapter = new TestAdapter((context) =>
      runConsistentTurn(context, {
        states: [state],
        maxAttempts: 2,
        turn: async (ctx) => {
          runs += 1;
          await count.set(ctx, (await count.get(ctx, 0)) + 1);
          await ctx.sendActivity('counted');
          // Another writer saves the same conversation during every run.
          await storage.write({ [state.getStorageKey(ctx)!]: { count: 100 + runs } });
        },
      }),
    );
    const err = await rejection(adapter.processActivity({ type: 'message', text: 'count' }));
    expect(err).to.be.instanceOf(StateConflictError);
    expect(isEtagConflict((err as Error).cause)).to.equal(true);
    expect(runs).to.equal(2);
    expect(adapter.activeQueue).to.have.length(0);
  });

  it('a turn that throws still saves its state and sends its replies so far, then the error propagates', async () => {
    const storage = new MemoryStorage();
    const bot = listBot(storage);
    const adapter = new TestAdapter((context) =>
      runConsistentTurn(context, {
        states: bot.states,
        turn: async (ctx) => {
          const items = bot.states[0]!.createProperty<string[]>('items');
          await items.set(ctx, ['kept']);
          await ctx.sendActivity('before the failure');
          throw new Error('dialog bug');
        },
      }),
    );
    expect(String(await rejection(adapter.processActivity({ type: 'message', text: 'x' })))).to.include('dialog bug');
    expect(messageTexts(adapter.activeQueue)).to.deep.equal(['before the failure']);
    const next = new TestAdapter(bot.logic);
    await next.processActivity({ type: 'message', text: 'next' });
    expect(messageTexts(next.activeQueue)).to.deep.equal(['added next: kept, next']);
  });

  it('a store fault propagates and no reply is sent for a turn whose state was not kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faq-turns-'));
    dirs.push(dir);
    const storage = new SqliteStorage({ dataDir: dir });
    const state = new ConsistentConversationState(storage, testPseudonyms);
    const items = state.createProperty<string[]>('items');
    const adapter = new TestAdapter((context) =>
      runConsistentTurn(context, {
        states: [state],
        turn: async (ctx) => {
          await items.set(ctx, ['lost']);
          await ctx.sendActivity('an answer');
          await storage.close();
        },
      }),
    );
    const err = await rejection(adapter.processActivity({ type: 'message', text: 'x' }));
    expect(err).to.be.instanceOf(Error);
    expect(isEtagConflict(err)).to.equal(false);
    expect(adapter.activeQueue).to.have.length(0);
  });

  it('a second save in the same turn writes against the eTag of the first; another writer in between is a conflict', async () => {
    const storage = new MemoryStorage();
    const state = new ConsistentConversationState(storage, testPseudonyms);
    const items = state.createProperty<string[]>('items');
    let interfere = true;
    let runs = 0;
    const adapter = new TestAdapter((context) =>
      runConsistentTurn(context, {
        states: [state],
        turn: async (ctx) => {
          runs += 1;
          await items.set(ctx, ['saved mid-turn']);
          await state.saveChanges(ctx);
          if (interfere) {
            interfere = false;
            await storage.write({ [state.getStorageKey(ctx)!]: { items: ['other writer'] } });
          }
          await items.set(ctx, [...(await items.get(ctx, [])), 'then changed']);
          await ctx.sendActivity(`run ${runs}`);
        },
      }),
    );
    await adapter.processActivity({ type: 'message', text: 'x' });
    expect(runs).to.equal(2);
    expect(messageTexts(adapter.activeQueue)).to.deep.equal(['run 2']);
    const key = conversationKey(adapter, state);
    expect((await storage.read([key]))[key]!.items).to.deep.equal(['saved mid-turn', 'then changed']);
  });

  it('clear() writes the empty state against the eTag read, so a concurrent change is not overwritten', async () => {
    const storage = new MemoryStorage();
    const state = new ConsistentConversationState(storage, testPseudonyms);
    const adapter = new TestAdapter(async () => undefined);
    const context = new TurnContext(adapter, TurnContext.applyConversationReference({ type: 'message' }, adapter.conversation, true));
    const key = conversationKey(adapter, state);
    await storage.write({ [key]: { items: ['a'] } });
    await state.load(context);
    await storage.write({ [key]: { items: ['a', 'b'] } });
    await state.clear(context);
    expect(isEtagConflict(await rejection(state.saveChanges(context)))).to.equal(true);

    await state.load(context, true);
    await state.clear(context);
    await state.saveChanges(context);
    expect((await storage.read([key]))[key]!.items).to.equal(undefined);
  });

  it('under deliveryMode expectReplies, each HTTP response holds its own replies exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faq-turns-'));
    dirs.push(dir);
    const storage = new SqliteStorage({ dataDir: dir });
    closers.push(() => storage.close());
    const bot = listBot(storage);
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions));
    const server = restify.createServer();
    server.use(restify.plugins.bodyParser());
    server.post('/api/messages', async (req: restify.Request, res: restify.Response) => adapter.process(req, res, bot.logic));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    const post = (text: string) => postJson(url, emulatorActivity({ text, deliveryMode: 'expectReplies', conversation: { id: 'expect-replies-1' } }));

    const gate = bot.hold('first');
    const first = post('first');
    await gate.reached;
    const second = await post('second');
    gate.release();
    const firstResponse = await first;

    expect(second.status).to.equal(200);
    expect(firstResponse.status).to.equal(200);
    expect(messageTexts(second.body.activities)).to.deep.equal(['added second: second']);
    expect(messageTexts(firstResponse.body.activities)).to.deep.equal(['added first: second, first']);
    expect(firstResponse.body.activities.map((a: Activity) => a.type)).to.deep.equal([ActivityTypes.Trace, ActivityTypes.Message]);
    expect(bot.runs).to.deep.equal(['first', 'second', 'first']);
  });

  it('after a store fault, saving the outer context afterwards writes nothing', async () => {
    const memory = new MemoryStorage();
    let writes = 0;
    let down = true;
    const storage: Storage = {
      read: (keys) => memory.read(keys),
      write: async (changes) => {
        writes += 1;
        if (down) throw new Error('store down');
        await memory.write(changes);
      },
      delete: (keys) => memory.delete(keys),
    };
    const state = new ConsistentConversationState(storage, testPseudonyms);
    const items = state.createProperty<string[]>('items');
    const adapter = new TestAdapter(async (context) => {
      try {
        await runConsistentTurn(context, { states: [state], turn: async (ctx) => items.set(ctx, ['not kept']) });
      } finally {
        down = false;
        // What botbuilder's samples do after every turn: it must not write the state the user was told failed.
        await state.saveChanges(context);
      }
    });
    let failed: unknown;
    await adapter.processActivity({ type: 'message', text: 'x' }).catch((err: unknown) => (failed = err));
    expect(String(failed)).to.include('store down');
    expect(writes).to.equal(1);
    expect(await memory.read(['test/conversations/Convo1/'])).to.deep.equal({});
  });
});
