import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';
import { ESLint, Linter } from 'eslint';
import { parser } from 'typescript-eslint';
import { PROJECT_ROOT } from '../src/shared/projectRoot';

/** Every TypeScript file under these folders, relative to the project root. */
function sources(...folders: string[]): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(resolve(PROJECT_ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
  return folders.flatMap(walk);
}

/** The folder a file belongs to, as docs/architecture.md names the layers: src/faq, src/channels/http, dialogs… */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'dialogs') return 'dialogs';
  return parts[1] === 'channels' ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
}

/** Which folders each folder imports, read from the relative import specifiers of its files. */
function folderImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources('src', 'dialogs')) {
    const from = layerOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const [, specifier] of readFileSync(resolve(PROJECT_ROOT, file), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const to = layerOf(relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(file), specifier ?? '')));
      if (to !== from) targets.add(to);
    }
  }
  return graph;
}

describe('architecture', () => {
  it('has no two folders that import each other, directly or round a longer circle', () => {
    const graph = folderImports();
    const circles: string[] = [];
    const visit = (folder: string, path: string[]) => {
      for (const next of graph.get(folder) ?? []) {
        if (next === path[0]) circles.push([...path, next].join(' → '));
        else if (!path.includes(next) && next > path[0]!) visit(next, [...path, next]);
      }
    };
    for (const folder of graph.keys()) visit(folder, [folder]);
    expect(circles).to.deep.equal([]);
  });

  it('keeps the layers the linter enforces: the FAQ core, the dialogs and the HTTP server import nothing outward', () => {
    const graph = folderImports();
    expect([...(graph.get('src/faq') ?? [])]).to.deep.equal(['src/shared']);
    expect([...(graph.get('dialogs') ?? [])].sort()).to.deep.equal(['src/faq', 'src/handoff']);
    expect([...(graph.get('src/channels/http') ?? [])].sort()).to.deep.equal(['src/bot', 'src/shared']);
  });

  it('parses the configuration without loading a storage SDK, so tools that only read settings start fast', () => {
    const loaded = spawnSync(process.execPath, ['--import=tsx', '-e', "require('./src/app/config'); console.log(JSON.stringify(Object.keys(require.cache)))"], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(loaded.status, loaded.stderr).to.equal(0);
    const modules = JSON.parse(loaded.stdout) as string[];
    expect(modules.some((path) => path.includes('src/app/config'))).to.equal(true);
    expect(modules.filter((path) => /@azure[\\/]storage-blob|better-sqlite3|botbuilder/.test(path))).to.deep.equal([]);
  });

  it("loads no prompt culture models or date and number-range recognisers with the dialogs: the bot's menus need none", () => {
    const loaded = spawnSync(
      process.execPath,
      ['--import=tsx', '-e', "require('./dialogs/mainDialog'); console.log(JSON.stringify(Object.keys(require.cache)))"],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    expect(loaded.status, loaded.stderr).to.equal(0);
    const modules = JSON.parse(loaded.stdout) as string[];
    expect(modules.some((path) => path.includes('dialogs/topicDialog'))).to.equal(true);
    expect(modules.filter((path) => /promptCultureModels|recognizers-text-(suite|date-time|choice|sequence)/.test(path))).to.deep.equal([]);
  });

  describe('the import-boundary rule (npm run lint)', () => {
    // The rule is read from eslint.config.mjs as it applies to each file, and run on its own: the boundary is the
    // configuration's to keep, and leaving out the type-checked rules keeps the check free of the TypeScript program,
    // whose state is no business of this test.
    const eslint = new ESLint({ cwd: PROJECT_ROOT });
    const restricted = async (file: string, code: string) => {
      const path = resolve(PROJECT_ROOT, file);
      expect(await eslint.isPathIgnored(path), `${file} is linted`).to.equal(false);
      const rule = ((await eslint.calculateConfigForFile(path)) as Linter.Config).rules?.['no-restricted-imports'];
      expect(rule, `${file} has an import boundary`).to.not.equal(undefined);
      const messages = new Linter({ configType: 'flat' }).verify(
        code,
        [{ files: ['**/*.ts'], languageOptions: { parser }, rules: { 'no-restricted-imports': rule } }],
        {
          filename: path,
        },
      );
      expect(
        messages.filter((message) => message.fatal === true),
        JSON.stringify(messages),
      ).to.deep.equal([]);
      return messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
    };

    it('fails a wrong-way import in each layer, saying why', async () => {
      const wrong: [string, string, RegExp][] = [
        ['src/faq/decide.ts', "import { botVoice } from '../bot/voice';", /FAQ core imports nothing/],
        ['src/faq/decide.ts', "import type { TurnContext } from 'botbuilder';", /FAQ core imports nothing from botbuilder/],
        ['dialogs/conversation.ts', "import { answer } from '../src/bot/replies';", /never import the bot/],
        ['src/channels/http/server.ts', "import { registerWebChat } from '../web/webChat';", /routes it is given/],
        ['src/bot/faqBot.ts', "import { parseConfig } from '../app/config';", /no composition root/],
      ];
      for (const [file, line, why] of wrong) {
        const messages = await restricted(file, `${line}\nexport const probe = 1;\n`);
        expect(messages, `${file}: ${line}`).to.have.length(1);
        expect(messages[0], file).to.match(why);
      }
    });

    it('lets an inward import through', async () => {
      expect(await restricted('dialogs/conversation.ts', "import { foldText } from '../src/faq';\nexport const probe = foldText;\n")).to.deep.equal([]);
    });
  });
});
