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
import type { DialogState } from 'botbuilder-dialogs';
import restify from 'restify';

/**
 * The floor for `npm run bench:turns`, run as its own process: the least a turn can cost on our stack
 * (restify 11, an anonymous CloudAdapter, conversation state read and saved on every turn), so the bench
 * can say what the FAQ bot adds on top of it. It echoes what it is sent. Not part of the bot.
 *
 * With ECHO_THROUGH_DIALOGS=1 it echoes from a one-step ComponentDialog run by botbuilder-dialogs' own
 * runDialog, as the design asks the bot's dialogs to run: the second floor, of the stack with its dialogs.
 */

/** Our server's limit and parser settings (src/channels/http/server.ts), so both parse bodies alike. */
const MAX_BODY_BYTES = 64 * 1024;

/** How a turn says the message back. */
type Echo = (context: TurnContext) => Promise<unknown>;

const sayBack: Echo = (context) => context.sendActivity(context.activity.text ?? '');

/**
 * The echo as a dialog: one waterfall step that says the message back and ends. botbuilder-dialogs is
 * loaded here, for the second floor only, so that the first loads nothing of it, as an echo bot would not.
 */
async function throughDialogs(state: ConversationState): Promise<Echo> {
  const { ComponentDialog, WaterfallDialog, runDialog } = await import('botbuilder-dialogs');
  const dialog = new ComponentDialog('EchoDialog');
  dialog.addDialog(
    new WaterfallDialog('EchoDialog.echo', [
      async (step) => {
        await sayBack(step.context);
        return step.endDialog();
      },
    ]),
  );
  const dialogState = state.createProperty<DialogState>('dialogState');
  return (context) => runDialog(dialog, context, dialogState);
}

/** The Bot Framework samples' echo bot, with a turn counter so every turn reads and writes its conversation's state. */
class EchoBot extends ActivityHandler {
  private readonly turns: StatePropertyAccessor<number>;

  constructor(
    private readonly state: ConversationState,
    echo: Echo,
  ) {
    super();
    this.turns = state.createProperty('turns');
    this.onMessage(async (context, next) => {
      await this.turns.set(context, (await this.turns.get(context, 0)) + 1);
      await echo(context);
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

async function start(): Promise<void> {
  const state = new ConversationState(new MemoryStorage());
  const bot = new EchoBot(state, process.env.ECHO_THROUGH_DIALOGS === '1' ? await throughDialogs(state) : sayBack);
  listen(bot);
}

function listen(bot: EchoBot): void {
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
}

void start();
