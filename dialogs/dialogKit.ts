/**
 * The classes of botbuilder-dialogs this bot uses, each from its own module. The package's index loads every
 * prompt and recognizer, the date-time ones among them: about 0.2 s of every start, for classes the bot never
 * uses. botbuilder is end-of-life and pinned (4.23.3), so these paths will not move under us; types may still
 * come from the index, which costs nothing at run time.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Dialog, DialogState, DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { runDialog } from 'botbuilder-dialogs/lib/dialogHelper';
import { DialogsComponentRegistration } from 'botbuilder-dialogs/lib/dialogsComponentRegistration';

export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog';
export { Dialog, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog';

/**
 * The turn-state key under which botbuilder-dialogs' DialogStateManager looks for its configuration (see its
 * constructor). Without one it builds one afresh on every turn: every memory scope and path resolver, found
 * by checking every registered component against zod schemas. DialogManager shares one configuration across
 * all turns, as the scopes keep nothing of a turn; runDialog takes none, so it is handed over here.
 */
const MEMORY_CONFIGURATION = 'DialogStateManagerConfiguration';

let memoryConfiguration: DialogStateManagerConfiguration | undefined;

function sharedMemoryConfiguration(): DialogStateManagerConfiguration {
  if (!memoryConfiguration) {
    const components = new DialogsComponentRegistration();
    memoryConfiguration = { memoryScopes: components.getMemoryScopes(), pathResolvers: components.getPathResolvers() };
  }
  return memoryConfiguration;
}

/** runDialog, with the dialog memory's configuration built once per process rather than once per turn. */
export function runTurnDialog(dialog: Dialog, context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
  context.turnState.set(MEMORY_CONFIGURATION, sharedMemoryConfiguration());
  return runDialog(dialog, context, accessor);
}
