import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationError,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
  type ConnectorClient,
} from 'botframework-connector';
import { errorFields, type Logger } from '../shared/logger';
import * as replies from './replies';

/**
 * A call to the Bot Connector (a reply) that is not answered within this long, retries included, is given
 * up: the turn ends with an error rather than holding a connection, and the turn's memory, open for as long
 * as the far end likes. The Connector answers in well under a second when it is well.
 */
const CONNECTOR_TIMEOUT_MS = 5_000;
/** Fetching the token issuers' signing keys; past this the request is refused with a 503, not held. */
const AUTHENTICATION_TIMEOUT_MS = 10_000;

/** How the HTTP layer answers one activity: a status and, for expectReplies and invokes, a body. */
interface BotResponse {
  status: number;
  body?: unknown;
}

/** Runs an activity through authentication and the bot, and says what to answer; never throws. */
export type ActivityProcessor = (authHeader: string, activity: Activity) => Promise<BotResponse>;

/**
 * The Connector's clients with every call bounded: the SDK sets no timeout, and the factory option meant
 * for adding request policies is overwritten by botbuilder's own factory. Each operation's abort signal is
 * set on the request before the client's retry policy runs, so it ends the retries too, and it closes the
 * connection rather than leaving it open to a peer that never answers.
 */
export class BoundedConnectorFactory extends ConnectorFactory {
  constructor(private readonly inner: ConnectorFactory) {
    super();
  }

  override async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const client = await this.inner.create(serviceUrl, audience);
    const send = client.sendOperationRequest.bind(client);
    client.sendOperationRequest = (operationArguments, operationSpec, callback) => {
      const deadline = AbortSignal.timeout(CONNECTOR_TIMEOUT_MS);
      const given = operationArguments.options?.abortSignal as AbortSignal | undefined;
      const abortSignal = given ? AbortSignal.any([given, deadline]) : deadline;
      return send({ ...operationArguments, options: { ...operationArguments.options, abortSignal } }, operationSpec, callback);
    };
    return client;
  }
}

/** CloudAdapter, with the step after authentication open to the endpoint, which authenticates first itself. */
class AuthenticatedAdapter extends CloudAdapter {
  runAuthenticated(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

export interface BotAdapter {
  adapter: AuthenticatedAdapter;
  authentication: BotFrameworkAuthentication;
}

/**
 * Who the bot is to the Bot Framework, from validated configuration: empty ids mean anonymous (the Emulator
 * and local tests); the metadata URLs replace Microsoft's token issuers, for tests that stand in for them.
 */
export interface AdapterSettings {
  appId?: string;
  appPassword?: string;
  appType?: string;
  tenantId?: string;
  channelOpenIdMetadataUrl?: string;
  emulatorOpenIdMetadataUrl?: string;
}

/** The Bot Framework adapter, authenticated from these settings rather than raw process.env. */
export function createAdapter(settings: AdapterSettings, logger: Logger): BotAdapter {
  const options = {
    MicrosoftAppId: settings.appId ?? '',
    MicrosoftAppPassword: settings.appPassword ?? '',
    MicrosoftAppType: settings.appType ?? '',
    MicrosoftAppTenantId: settings.tenantId ?? '',
    ...(settings.channelOpenIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: settings.channelOpenIdMetadataUrl } : {}),
    ...(settings.emulatorOpenIdMetadataUrl ? { ToBotFromEmulatorOpenIdMetadataUrl: settings.emulatorOpenIdMetadataUrl } : {}),
  } as ConfigurationBotFrameworkAuthenticationOptions;
  const authentication = new ConfigurationBotFrameworkAuthentication(options);
  const adapter = new AuthenticatedAdapter(authentication);
  adapter.onTurnError = turnErrorHandler(logger);
  return { adapter, authentication };
}

/**
 * What CloudAdapter.process does, minus what it does wrong at the edge: it prints the whole error to the
 * console and sends its message (the issuer's URL, an app id) to the caller, with a 500 when the token
 * issuer cannot be reached. Here a bad token is a plain 401, and an issuer we cannot reach a 503.
 */
export function activityProcessor({ adapter, authentication }: BotAdapter, logic: (context: TurnContext) => Promise<void>, logger: Logger): ActivityProcessor {
  return async (authHeader, activity) => {
    let authenticated: AuthenticateRequestResult;
    try {
      const result = await withDeadline(authentication.authenticateRequest(activity, authHeader), AUTHENTICATION_TIMEOUT_MS);
      authenticated = { ...result, connectorFactory: result.connectorFactory && new BoundedConnectorFactory(result.connectorFactory) };
    } catch (err) {
      if (err instanceof AuthenticationError && err.statusCode === 401) {
        return { status: 401, body: { error: 'unauthorized', reason: 'the request does not carry a valid Bot Framework token' } };
      }
      logger.warn('authentication_unavailable', errorFields(err));
      return { status: 503, body: { error: 'authentication_unavailable', reason: 'the token could not be checked just now; try again later' } };
    }
    try {
      const invokeResponse = await adapter.runAuthenticated(authenticated, activity, logic);
      return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
    } catch (err) {
      logger.error('process_failed', errorFields(err));
      return { status: 500, body: { error: 'internal_error', reason: 'the bot could not process this activity' } };
    }
  };
}

/** The promise's outcome, or a rejection once `ms` have passed. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, deadline]).finally(() => {
    clearTimeout(timer);
  });
}

/** Logs the error and where it happened, never what the user wrote; the user gets an apology, not a stack trace. */
export function turnErrorHandler(logger: Logger): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    logger.error('turn_error', { ...errorFields(error), channelId: context.activity.channelId, activityType: context.activity.type });
    try {
      await context.sendActivity(replies.apology());
    } catch (sendError) {
      logger.error('apology_failed', errorFields(sendError));
    }
  };
}
