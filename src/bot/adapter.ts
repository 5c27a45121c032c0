import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../config';
import { errorFields, type Logger } from '../logger';
import * as replies from './replies';

/** The Bot Framework adapter, authenticated from validated configuration rather than raw process.env. */
export function createAdapter(config: Config, logger: Logger): CloudAdapter {
  const options = {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppType: config.MicrosoftAppType ?? '',
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
  } as ConfigurationBotFrameworkAuthenticationOptions;
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(options));
  adapter.onTurnError = turnErrorHandler(logger);
  return adapter;
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
