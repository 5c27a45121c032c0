/**
 * The classes of botbuilder-dialogs this bot uses, each from its own module. The package's index loads every
 * prompt and recognizer, the date-time ones among them: about 0.2 s of every start, for classes the bot never
 * uses. botbuilder is end-of-life and pinned (4.23.3), so these paths will not move under us; types may still
 * come from the index, which costs nothing at run time.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { Dialog, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
export { runDialog } from 'botbuilder-dialogs/lib/dialogHelper';
export { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';
