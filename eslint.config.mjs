// The linter: typescript-eslint's strict type-checked rules on the product code, and the layers of docs/architecture.md
// as import boundaries, so that a wrong-way import fails `npm test` rather than waiting for a reviewer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A project folder as it appears in a relative import, from any depth: `../bot/replies`, `../../src/bot/state`. */
const folder = (name) => `(^|/)${name}(/|$)`;

/** Outside src/faq, the matching core is imported from its one public face, src/faq/index.ts. */
const FAQ_FACE = { regex: '(^|/)faq/.', message: 'import the matching core from its one public face, src/faq/index.ts' };

/** Forbids importing these folders (or packages) from the files of one layer. */
function layer(files, forbidden, why) {
  const inFaq = files.some((pattern) => pattern.startsWith('src/faq/'));
  const patterns = [...forbidden.map((regex) => ({ regex, message: why })), ...(inFaq ? [] : [FAQ_FACE])];
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

const BOTBUILDER = '^(botbuilder|botframework-|restify)';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'test-output/**', 'data/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  // The product code gets the strict type-checked rules; tests get the recommended ones, since chai's
  // assertions read as unused expressions and a test's `!` is itself an assertion.
  ...tseslint.configs.strictTypeChecked.map((config) => ({ ...config, files: ['src/**/*.ts', 'dialogs/**/*.ts'] })),
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['tests/**/*.ts'] })),
  {
    files: ['tests/**/*.ts'],
    // Response bodies are read as `any` so that a test can assert on any shape the server might send.
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'dialogs/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Template literals with numbers are how the bot words its replies; the rule's other cases stay on.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // botbuilder's Activity types declare text, from, conversation and recipient as always there, but a
      // client may send an activity without them: the checks this rule calls unnecessary are the ones that
      // keep a hostile activity from crashing a turn (#6).
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Async interfaces (botbuilder's Storage, the curation log) have synchronous implementations (SQLite,
      // memory); `async` is what turns their throws into rejections, as callers of the interface expect.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },

  {
    // The numeric kernels index typed arrays and parallel arrays inside loops bounded by their lengths,
    // on the hot path of every search: a check per read there would cost time and say nothing.
    files: [
      'src/faq/retrieval/knowledgeIndex.ts',
      'src/faq/retrieval/fieldScores.ts',
      'src/faq/ranking/fit.ts',
      'src/faq/ranking/model.ts',
      'src/faq/analysis/wordVectors.ts',
      'src/faq/analysis/editDistance.ts',
      'src/faq/analysis/typoIndex.ts',
      'src/faq/analysis/wordTable.ts',
    ],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },

  {
    // Prettier wraps code at 160 columns but leaves long strings and patterns whole: those are split by hand.
    files: ['**/*.ts'],
    rules: { 'max-len': ['error', { code: 160, ignoreUrls: true }] },
  },

  // The layers, outermost first: app → channels → bot → dialogs → handoff → storage, cards → faq → shared.
  layer(
    ['src/faq/**'],
    [BOTBUILDER, folder('(bot|app|channels|storage|handoff|cards|tools|dialogs)')],
    'the FAQ core imports nothing from botbuilder or the layers around it',
  ),
  layer(['src/shared/**'], [folder('(faq|bot|app|channels|storage|handoff|cards|tools|dialogs)')], 'shared helpers are the innermost layer'),
  layer(['src/storage/**', 'src/cards/**'], [folder('(bot|app|channels|handoff|tools|dialogs)')], 'storage and cards sit below the bot and its dialogs'),
  layer(['src/curation/**'], [folder('(bot|app|channels|tools|dialogs|handoff)')], "the curators' tools work on the knowledge base, below the bot"),
  layer(['src/handoff/**'], [folder('(bot|app|channels|tools|dialogs)')], 'asking a person is a service the bot and dialogs use, not one that uses them'),
  layer(['dialogs/**'], [folder('(bot|app|channels|tools|storage)')], 'dialogs speak through dialogs/utterance.ts and never import the bot'),
  layer(['src/bot/**'], [folder('(app|channels|tools)')], 'the bot knows no channel and no composition root'),
  layer(
    ['src/channels/http/**'],
    [folder('(app|tools|web|local-directline|curate)')],
    'the HTTP server knows the other channels only through the routes it is given',
  ),
  layer(
    ['src/channels/local-directline/**'],
    [folder('(app|tools|web)')],
    'the local Direct Line endpoint is used by the website chat, not the other way round',
  ),
  layer(['src/channels/curate/**'], [folder('(app|tools|web|local-directline|bot|dialogs)')], 'the workbench is a channel of its own, wired by src/app'),
  layer(['src/channels/web/**'], [folder('(app|tools)')], 'channels are wired by src/app, never the other way round'),
  layer(['src/app/**'], [folder('tools')], 'tools are entry points of their own'),
  layer(['src/tools/**'], [], ''),
);
