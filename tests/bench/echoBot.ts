import type { AddressInfo } from 'node:net';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import restify from 'restify';

/**
 * The floor for `npm run bench:turns`, run as its own process: the least a turn can cost on our stack
 * (restify 11, an anonymous CloudAdapter, conversation state read and saved on every turn), so the bench
 * can say what the FAQ bot adds on top of it. It echoes what it is sent. Not part of the bot.
 */

/** Our server's limit and parser settings (src/channels/http/server.ts), so both parse bodies alike. */
const MAX_BODY_BYTES = 64 * 1024;

/** The Bot Framework samples' echo bot, with a turn counter so every turn reads and writes its conversation's state. */
class EchoBot extends ActivityHandler {
  private readonly turns: StatePropertyAccessor<number>;

  constructor(private readonly state: ConversationState) {
    super();
    this.turns = state.createProperty('turns');
    this.onMessage(async (context, next) => {
      await this.turns.set(context, (await this.turns.get(context, 0)) + 1);
      await context.sendActivity(context.activity.text ?? '');
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.state.saveChanges(context);
  }
}

// No app id, as the FAQ bot runs on its defaults: requests are not authenticated.
const authentication = new ConfigurationBotFrameworkAuthentication({
  MicrosoftAppId: '',
  MicrosoftAppPassword: '',
  MicrosoftAppType: '',
  MicrosoftAppTenantId: '',
} as ConfigurationBotFrameworkAuthenticationOptions);
const adapter = new CloudAdapter(authentication);
const bot = new EchoBot(new ConversationState(new MemoryStorage()));

const server = restify.createServer();
server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));
// restify takes a handler without `next` only if it is an async function.
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
server.get('/healthz', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  return next();
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  // The FAQ bot's "listening" line, so whatever waits for one can wait for either.
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'info', event: 'listening', url: `http://127.0.0.1:${port}/api/messages` })}\n`,
  );
});
