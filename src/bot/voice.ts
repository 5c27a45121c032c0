import type { Activity } from 'botbuilder';
import type { Utterance, Voice } from '../../dialogs/utterance';
import type { TopicInfo } from '../faq';
import * as replies from './replies';

/** The dialogs' utterances as this bot's replies; the topics are what "help" and "I don't know" point to. */
export function botVoice(topics: readonly TopicInfo[]): Voice {
  return {
    render(what: Utterance, channelId: string | undefined): Partial<Activity> {
      switch (what.kind) {
        case 'help':
          return replies.help(topics);
        case 'cancelled':
          return replies.cancelled();
        case 'restarted':
          return replies.restarted(topics);
        case 'smallTalk':
          return replies.smallTalk(what.smallTalk, topics);
        case 'answer':
          return replies.answer(what.entry, what.related, channelId, what.asked);
        case 'didYouMean':
          return replies.didYouMean(what.options);
        case 'partial':
          return replies.partial(what.entry, what.unsaid);
        case 'dontKnow':
          return replies.dontKnow(topics, what.nearest);
        case 'topicOverview':
          return replies.topicOverview(what.topic);
        case 'topicMenu':
          return replies.topicMenu(what.entries, channelId);
        case 'handoffOffer': {
          const { kind: _kind, ...offer } = what;
          return replies.handoffOffer(offer, channelId);
        }
        case 'handoffQuestionPrompt':
          return replies.handoffQuestionPrompt();
        case 'handoffConsent': {
          const { kind: _kind, ...consent } = what;
          return replies.handoffConsent(consent, channelId);
        }
        case 'handoffNotSent':
          return replies.handoffNotSent();
        case 'handoffUnavailable':
          return replies.handoffUnavailable(topics);
        case 'handoffInvalidEmail':
          return replies.handoffInvalidEmail();
        case 'handoffTooMany':
          return replies.handoffTooMany(what.perHour);
        case 'handoffStale':
          return replies.handoffStale();
      }
    },
  };
}
