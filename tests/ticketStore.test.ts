import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import { expect } from 'chai';
import { isOpen, settle, type Ticket } from '../src/handoff/ticket';
import { MAX_OPEN_TICKETS, TicketStore, TicketStoreFullError } from '../src/handoff/ticketStore';
import { BlobStateStorage } from '../src/storage/blobStorage';
import { SqliteStorage } from '../src/storage/sqliteStorage';
import { startAzurite, type Azurite } from './helpers/azurite';
import { rejection } from './helpers/rejection';

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: randomUUID(),
    status: 'open',
    createdAt: new Date('2026-12-01T09:00:00Z').toISOString(),
    from: 'website',
    question: 'Are board members paid?',
    asker: { channelId: 'directline', serviceUrl: 'https://directline.botframework.com/', conversation: { id: 'conv-1' }, bot: { id: 'bot' } },
    email: 'supporter@example.org',
    experts: {
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      conversation: { id: '19:experts@thread.tacv2', conversationType: 'channel', tenantId: 't' },
      bot: { id: '28:bot' },
    },
    ...overrides,
  };
}

/**
 * What every store must give tickets, whichever backend holds them: one winner when two instances change
 * a ticket at once, and no lost ticket when they open tickets at once. Two TicketStores over two handles
 * on the same backend stand for two instances of the bot.
 */
function ticketContract(name: string, open: () => Promise<[Storage, Storage]>): void {
  describe(`tickets on ${name}`, () => {
    let one: TicketStore;
    let two: TicketStore;
    beforeEach(async () => {
      const [a, b] = await open();
      one = new TicketStore(a);
      two = new TicketStore(b);
    });

    it('keeps a ticket and lists it as open', async () => {
      const t = ticket();
      await one.create(t);
      expect(await two.get(t.id)).to.deep.equal(t);
      expect(await two.openIds()).to.deep.equal([t.id]);
    });

    it('of two instances answering one ticket at once, exactly one wins; the other reads the winner', async () => {
      const t = ticket();
      await one.create(t);
      const at = new Date('2026-12-01T10:00:00Z');
      const outcomes = await Promise.all(
        [one, two, one, two].map((store) => store.update(t.id, (current) => (isOpen(current) ? settle(current, 'answered', at) : undefined))),
      );
      expect(outcomes.filter((o) => o?.changed)).to.have.length(1);
      for (const outcome of outcomes) expect(outcome?.after.status).to.equal('answered');
      const stored = await one.get(t.id);
      expect(stored).to.not.have.property('email');
      expect(stored).to.not.have.property('asker');
    });

    it('loses no ticket when two instances open tickets at once', async () => {
      const tickets = Array.from({ length: 8 }, () => ticket());
      await Promise.all(tickets.map((t, i) => (i % 2 ? one : two).create(t)));
      expect((await one.openIds()).sort()).to.deep.equal(tickets.map((t) => t.id).sort());
      await Promise.all(tickets.slice(0, 4).map((t, i) => (i % 2 ? one : two).unlist(t.id)));
      expect((await two.openIds()).sort()).to.deep.equal(
        tickets
          .slice(4)
          .map((t) => t.id)
          .sort(),
      );
    });

    it("keeps the experts' channel for every instance", async () => {
      const address = {
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/uk/',
        conversation: { id: '19:experts@thread.tacv2', conversationType: 'channel', tenantId: 't' },
        bot: { id: '28:bot' },
      };
      await one.setExperts(address, new Date('2026-12-01T09:00:00Z'));
      expect((await two.experts())?.address).to.deep.equal(address);
    });

    it('answers nothing for an id that is not a ticket id', async () => {
      expect(await one.get('../state/conversations/x')).to.equal(undefined);
      expect(await one.update('not-a-uuid', (t) => t)).to.equal(undefined);
    });
  });
}

describe('ticket store (the tickets of asking a person)', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  ticketContract('memory', async () => {
    const storage = new MemoryStorage();
    return [storage, storage];
  });

  ticketContract('SQLite (two connections to one file)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'faq-tickets-'));
    dirs.push(dataDir);
    return [new SqliteStorage({ dataDir }), new SqliteStorage({ dataDir })];
  });

  describe('on Azure Blob storage (Azurite)', function () {
    this.timeout(60_000);
    let azurite: Azurite;
    const opened: BlobStateStorage[] = [];
    before(async () => (azurite = await startAzurite()));
    after(async () => {
      await Promise.all(opened.map((storage) => storage.close()));
      await azurite?.close();
    });
    let containers = 0;
    ticketContract('Blob (two clients on one container)', async () => {
      containers += 1;
      const container = `tickets-${containers}-${Date.now()}`;
      const handles = await Promise.all([0, 1].map(() => new BlobStateStorage({ connectionString: azurite.connectionString, container }).open()));
      opened.push(...handles);
      return [handles[0]!, handles[1]!];
    });
  });

  it(`refuses a ticket beyond ${MAX_OPEN_TICKETS} open ones, so the list and the sweep stay bounded`, async () => {
    const store = new TicketStore(new MemoryStorage());
    for (let i = 0; i < MAX_OPEN_TICKETS; i++) await store.create(ticket());
    expect(await rejection(store.create(ticket()))).to.be.instanceOf(TicketStoreFullError);
    expect(await store.openIds()).to.have.length(MAX_OPEN_TICKETS);
  });
});
