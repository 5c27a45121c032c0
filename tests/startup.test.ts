import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { DEFAULT_THRESHOLDS } from '../src/faq/decide';
import { topicFile, validEntry, writeKnowledgeDir } from './helpers/tempKnowledge';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point as its own process, the way `npm start` and `npm run kb:check` do after building. */
function run(script: string, env: Record<string, string>, args: string[] = [], stopWhen?: RegExp): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import=tsx', resolve(PROJECT_ROOT, script), ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (d) => (out.stdout += d));
    let stopped = false;
    child.stderr.on('data', (d) => {
      out.stderr += d;
      if (!stopped && stopWhen?.test(out.stderr)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => done({ code, ...out }));
  });
}

const badKnowledge = () => writeKnowledgeDir({ 'governance.yaml': topicFile('governance', [validEntry({ answer: 'word '.repeat(90) })]) });

describe('starting the bot as a process', () => {
  it('starts on its defaults, logs one anonymous-mode warning, and stops cleanly on SIGTERM', async () => {
    // The default store is SQLite; DATA_DIR keeps its file out of the checkout.
    const dataDir = mkdtempSync(join(tmpdir(), 'faq-start-'));
    const result = await run('src/app/main.ts', { PORT: '0', DATA_DIR: dataDir }, [], /"event":"listening"/);
    rmSync(dataDir, { recursive: true, force: true });
    // Node's own warnings (restify 11 triggers DEP0111) are not ours; our log lines are JSON.
    const lines = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.event)).to.deep.equal(['anonymous_mode']);
    expect(lines.find((l) => l.event === 'listening').url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api\/messages$/);
    expect(result.code).to.equal(0);
  });

  it('loads asking a person (its desk, dialog, prompt and nodemailer) only when HANDOFF_TENANT_ID turns it on: a faster start without it', async () => {
    // A process of its own: what a start loads can only be seen in a fresh module cache.
    const dir = mkdtempSync(join(tmpdir(), 'faq-loads-'));
    const script = join(dir, 'loads.ts');
    writeFileSync(
      script,
      [
        `import { startBot } from ${JSON.stringify(resolve(PROJECT_ROOT, 'src/app/startBot'))};`,
        'void startBot(process.env).then(async (bot) => {',
        '  const loaded = (part: string) => Object.keys(require.cache).some((file) => file.includes(part));',
        "  process.stdout.write(JSON.stringify({ dialog: loaded('handoffDialog'), prompt: loaded('textPrompt'), mail: loaded('nodemailer') }));",
        '  await bot.close();',
        '});',
      ].join('\n'),
    );
    const loads = async (env: Record<string, string>) =>
      JSON.parse((await run(script, { PORT: '0', STORAGE: 'memory', LOG_LEVEL: 'error', ...env })).stdout) as unknown;
    const handoff = {
      HANDOFF_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      HANDOFF_ADMIN_IDS: '00000000-0000-0000-0000-0000000000a1',
      SMTP_URL: 'smtp://127.0.0.1:9',
      SMTP_FROM: 'bot@example.org',
    };
    expect(await loads({})).to.deep.equal({ dialog: false, prompt: false, mail: false });
    expect(await loads(handoff)).to.deep.equal({ dialog: true, prompt: true, mail: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const result = await run('src/app/main.ts', { PORT: 'eighty' });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/Cannot start the bot\. Invalid configuration:\n\s+- PORT: /);
  });

  it('refuses to start with an invalid knowledge file, naming the file, the entry and the field', async () => {
    const result = await run('src/app/main.ts', { PORT: '0', KNOWLEDGE_DIR: badKnowledge() });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/governance\.yaml, entry "icm-frequency", field "answer": must be at most 80 words/);
  });

  it('refuses to start, with one clear line, when its Blob store does not answer', async () => {
    // Port 9 on loopback (discard) has no listener here: the store cannot be reached.
    const connection =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
      'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
      'BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;';
    const result = await run('src/app/main.ts', {
      PORT: '0',
      STORAGE: 'blob',
      AZURE_STORAGE_CONNECTION_STRING: connection,
      AZURE_STORAGE_CONTAINER: 'faq-state',
      PSEUDONYM_KEY: 'any key of at least 32 characters, for the test',
    });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^Cannot start the bot\. The state store did not answer \(/m);
    expect(result.stderr).to.not.match(/^\s+at /m);
  });
});

describe('npm run kb:check', () => {
  it('validates the real knowledge base without starting the bot', async () => {
    const result = await run('src/tools/kbCheck.ts', {});
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/^Knowledge base OK: \d+ entries \(governance \d+, membership \d+, offices \d+\)/);
    // The page is of 2013, and each topic file says it was due a check long ago.
    expect(result.stdout).to.match(/3 warnings:\n {2}- knowledge\/governance\.yaml, field "source\.reviewBy": was due for review on 2014-12-31/);
  });

  it('fails on an invalid file with the file, the entry and the field', async () => {
    const result = await run('src/tools/kbCheck.ts', {}, [badKnowledge()]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/governance\.yaml, entry "icm-frequency", field "answer": must be at most 80 words/);
  });
});

describe('npm run ask', () => {
  it('shows the candidates, the decision and the reason, in the context of earlier turns', async () => {
    const result = await run('src/tools/ask.ts', {}, ['--after', 'governance', '--after', 'what is the icm?', 'how often does it meet']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include('Context: the governance topic');
    expect(result.stdout).to.match(/Top candidates:\n {2}1\. icm-frequency +\d\.\d\d/);
    expect(result.stdout).to.include('Decision: answer icm-frequency');
    expect(result.stdout).to.match(
      new RegExp(
        "Reason: the best candidate scores \\d\\.\\d\\d \\(read with the previous answer's subject\\), " +
          'at or above the answer threshold 0\\.55, and no other is within 0\\.20',
      ),
    );
    // Why it won: the features and what each added, for the best candidates.
    expect(result.stdout).to.match(/^ {5}.*\bphrasingMatch \d\.\d\d → \+\d\.\d\d/m);
    expect(result.stdout).to.include('bot: As of 2013, the International Council Meeting was held every two years.');
  });

  it('explains a "don\'t know"', async () => {
    const result = await run('src/tools/ask.ts', {}, ["what's the weather in London?"]);
    expect(result.stdout).to.include("Decision: don't know");
    expect(result.stdout).to.include(`below the "did you mean" floor ${DEFAULT_THRESHOLDS.clarifyFloor.toFixed(2)}`);
    expect(result.stdout).to.match(/Reason: the best candidate scores 0\.\d\d, below the "did you mean" floor/);
    expect(result.stdout).to.include('Names, numbers and details an answer must mention too: name:London, detail:weather');
    expect(result.stdout).to.include('Words the knowledge base does not know: weather');
  });

  it('prints its usage without a question', async () => {
    const result = await run('src/tools/ask.ts', {});
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/^usage: npm run ask/);
  });
});
