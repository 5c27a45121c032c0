import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import AdmZip from 'adm-zip';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { loadKnowledge } from '../src/faq/knowledge/loadKnowledge';
import { probeConversation } from '../src/app/probe';
import { APP_PACKAGE_DIR, buildManifest, checkIcons, decodePng, packageApp, PackageError, readPngSize, validateManifest } from '../src/tools/teamsPackage';
import { crc32 } from '../src/tools/drawIcons';

const SAMPLE_BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

interface Command {
  title: string;
  description?: string;
  type?: string;
  prompt?: string;
}
interface Bot {
  botId: string;
  scopes: string[];
  commandLists: { scopes: string[]; commands: Command[] }[];
}

const template = (): Record<string, unknown> => JSON.parse(readFileSync(resolve(APP_PACKAGE_DIR, 'manifest.json'), 'utf8'));
const icon = (name: string) => readFileSync(resolve(APP_PACKAGE_DIR, name));
const filled = () => buildManifest(template(), SAMPLE_BOT_ID);
function botOf(manifest: Record<string, unknown>): Bot {
  const [bot] = manifest.bots as Bot[];
  if (!bot) throw new Error('the manifest has no bot');
  return bot;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

/** Runs the real command, as `npm run teams:package` does, with only the variables given. */
function runTool(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/tools/teamsPackage.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * A PNG whose scanlines use each of the five filters in turn, as image editors do, built here
 * independently of the decoder under test.
 */
function filteredPng(width: number, height: number, rgba: Uint8Array): Buffer {
  const stride = width * 4;
  const at = (y: number, i: number) => (y < 0 || i < 0 ? 0 : (rgba[y * stride + i] ?? 0));
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    const row = Buffer.alloc(stride + 1);
    row[0] = filter;
    for (let i = 0; i < stride; i++) {
      const [x, a, b, c] = [at(y, i), at(y, i - 4), at(y - 1, i), at(y - 1, i - 4)];
      const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter] ?? 0;
      row[i + 1] = (x - predicted) & 0xff;
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('Teams app package', () => {
  describe('the manifest', () => {
    it('validates against the official schema bundled in @microsoft/app-manifest, at version 1.24 or later', async () => {
      const manifest = filled();
      const [major = 0, minor = 0] = String(manifest.manifestVersion).split('.').map(Number);
      expect(major * 1000 + minor).to.be.at.least(1024);
      expect(await validateManifest(manifest)).to.deep.equal([]);
    });

    it('keeps the bot id as a placeholder in the checked-in file and fills it into the app id and the bot', () => {
      expect(template().id).to.equal('${{BOT_ID}}');
      expect(botOf(template()).botId).to.equal('${{BOT_ID}}');
      const manifest = filled();
      expect(manifest.id).to.equal(SAMPLE_BOT_ID);
      expect(botOf(manifest).botId).to.equal(SAMPLE_BOT_ID);
    });

    it('fails validation without a bot id, naming the missing field', async () => {
      const manifest = filled();
      delete (botOf(manifest) as Partial<Bot>).botId;
      expect(await validateManifest(manifest)).to.deep.equal(["/bots/0 must have required property 'botId'"]);
    });

    it('fails validation on a 31-character short name, and on a property the schema does not know', async () => {
      const manifest = { ...filled(), name: { short: 'A'.repeat(31) }, colour: '#FFFF00' };
      expect(await validateManifest(manifest)).to.have.members([
        '/name/short must NOT have more than 30 characters',
        '/ must NOT have additional properties: "colour"',
      ]);
    });

    it('refuses a schema URL that does not match the manifest version, or a version with no bundled schema', async () => {
      const manifest = filled();
      expect(await validateManifest({ ...manifest, $schema: 'https://example.com/schema.json' })).to.deep.equal([
        `/$schema must be https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json ` +
          `to match manifestVersion ${manifest.manifestVersion}`,
      ]);
      const future = { ...manifest, manifestVersion: '9.99', $schema: 'https://developer.microsoft.com/json-schemas/teams/v9.99/MicrosoftTeams.schema.json' };
      expect(await validateManifest(future)).to.deep.equal(['/manifestVersion 9.99 has no schema bundled in @microsoft/app-manifest']);
    });

    it('reports a placeholder it cannot fill', () => {
      const err = caught(() => buildManifest({ ...template(), packageName: '${{PACKAGE_NAME}}' }, SAMPLE_BOT_ID));
      expect(err).to.be.instanceOf(PackageError);
      expect((err as Error).message).to.contain('${{PACKAGE_NAME}}');
    });

    it('offers the bot in personal chats, teams and group chats', () => {
      expect(botOf(filled()).scopes).to.have.members(['personal', 'team', 'groupChat']);
    });

    it('has prompt starters for the three topics and help, at most 10 per list, that the bot understands', async () => {
      const { commandLists } = botOf(filled());
      expect(commandLists).to.have.length.at.least(1);
      for (const list of commandLists) {
        expect(list.commands).to.have.length.at.most(10);
        expect(list.scopes).to.have.members(['personal', 'team', 'groupChat']);
        for (const command of list.commands) {
          expect(command.title.length, command.title).to.be.at.most(32);
          expect(command.type).to.equal('prompt');
        }
      }
      const prompts = commandLists[0]?.commands.map((c) => c.prompt ?? c.title);
      expect(prompts).to.have.members(['governance', 'membership', 'offices', 'help']);

      const knowledge = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
      for (const topic of ['governance', 'membership', 'offices']) {
        const turn = await probeConversation(knowledge)(topic);
        expect(turn.decision, topic).to.deep.include({ kind: 'topic', topic });
      }
      expect((await probeConversation(knowledge)('help')).decision).to.deep.equal({ kind: 'command', command: 'help' });
    });

    it('has https developer URLs on amnesty.org.uk and a semantic version', () => {
      const manifest = filled();
      for (const url of Object.values(manifest.developer as Record<string, string>).filter((v) => v.includes('://'))) {
        expect(new URL(url).protocol, url).to.equal('https:');
        expect(new URL(url).hostname, url).to.equal('www.amnesty.org.uk');
      }
      expect(manifest.version).to.match(/^\d+\.\d+\.\d+$/);
    });
  });

  describe('the icons', () => {
    it('are a 192×192 colour icon and a 32×32 outline icon', () => {
      expect(readPngSize(icon('color.png'))).to.deep.equal({ width: 192, height: 192 });
      expect(readPngSize(icon('outline.png'))).to.deep.equal({ width: 32, height: 32 });
      expect(checkIcons({ color: icon('color.png'), outline: icon('outline.png') })).to.deep.equal([]);
    });

    it('draw the outline in white on a transparent background', () => {
      const { width, height, rgba } = decodePng(icon('outline.png'));
      let transparent = 0;
      let opaqueWhite = 0;
      for (let i = 0; i < rgba.length; i += 4) {
        if (rgba[i + 3] === 0) transparent++;
        else expect([rgba[i], rgba[i + 1], rgba[i + 2]], `pixel ${i / 4}`).to.deep.equal([255, 255, 255]);
        if (rgba[i + 3] === 255) opaqueWhite++;
      }
      // Mostly background, with a solid glyph: not an empty or a filled square.
      expect(transparent).to.be.greaterThan((width * height) / 2);
      expect(opaqueWhite).to.be.greaterThan(50);
    });

    it('are checked: sizes swapped, or an opaque outline, are reported', () => {
      expect(checkIcons({ color: icon('outline.png'), outline: icon('color.png') })).to.deep.equal([
        'color.png is 32×32, must be 192×192',
        'outline.png is 192×192, must be 32×32',
      ]);
      const yellow = new Uint8Array(32 * 32 * 4).map((_, i) => [255, 255, 0, 255][i % 4] ?? 0);
      expect(checkIcons({ color: icon('color.png'), outline: filteredPng(32, 32, yellow) })).to.deep.equal([
        'outline.png must have a transparent background',
        'outline.png must be white on transparent: 1024 visible pixels are not white',
      ]);
      expect(checkIcons({ color: Buffer.from('GIF89a'), outline: icon('outline.png') })).to.deep.equal(['color.png: not a PNG file']);
    });

    it('are decoded whatever scanline filters the editor chose', () => {
      const rgba = new Uint8Array(7 * 10 * 4).map((_, i) => (i * 37 + (i >> 5) * 11) & 0xff);
      const image = decodePng(filteredPng(7, 10, rgba));
      expect(image).to.deep.include({ width: 7, height: 10 });
      expect(Buffer.from(image.rgba).equals(Buffer.from(rgba))).to.equal(true);
    });
  });

  describe('the zip', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'teams-package-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('holds exactly manifest.json, color.png and outline.png at its root, the manifest carrying the bot id', async () => {
      const written = await packageApp({ env: { BOT_ID: SAMPLE_BOT_ID }, output: join(dir, 'nested', 'app.zip') });
      expect(written).to.equal(join(dir, 'nested', 'app.zip'));
      const zip = new AdmZip(written);
      expect(zip.getEntries().map((e) => e.entryName))
        .to.have.members(['manifest.json', 'color.png', 'outline.png'])
        .and.have.length(3);
      const manifest = JSON.parse(zip.readAsText('manifest.json')) as Record<string, unknown>;
      expect(manifest.id).to.equal(SAMPLE_BOT_ID);
      expect(botOf(manifest).botId).to.equal(SAMPLE_BOT_ID);
      expect(await validateManifest(manifest)).to.deep.equal([]);
      expect(zip.readFile('color.png')?.equals(icon('color.png'))).to.equal(true);
      expect(zip.readFile('outline.png')?.equals(icon('outline.png'))).to.equal(true);
    });

    it('takes the bot id from MicrosoftAppId when BOT_ID is not set, and refuses two different ids', async () => {
      const written = await packageApp({ env: { microsoftappid: SAMPLE_BOT_ID.toUpperCase() }, output: join(dir, 'app.zip') });
      expect(JSON.parse(new AdmZip(written).readAsText('manifest.json')).id).to.equal(SAMPLE_BOT_ID.toUpperCase());
      const other = '00000000-0000-0000-0000-000000000001';
      const err = await packageApp({ env: { BOT_ID: SAMPLE_BOT_ID, MicrosoftAppId: other }, output: join(dir, 'b.zip') }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(PackageError);
      expect((err as Error).message).to.contain('BOT_ID and MicrosoftAppId differ');
      expect(existsSync(join(dir, 'b.zip'))).to.equal(false);
    });

    it('is not written when the package has problems, and every problem is reported at once', async () => {
      const output = join(dir, 'out', 'app.zip');
      for (const name of ['manifest.json', 'color.png', 'outline.png']) copyFileSync(resolve(APP_PACKAGE_DIR, name), join(dir, name));
      const broken = { ...template(), name: { short: 'An app name that is far too long' } };
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(broken));
      copyFileSync(resolve(APP_PACKAGE_DIR, 'color.png'), join(dir, 'outline.png'));
      const err = await packageApp({ env: { BOT_ID: SAMPLE_BOT_ID }, appPackageDir: dir, output }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(PackageError);
      expect((err as PackageError).problems).to.deep.equal([
        'manifest.json: /name/short must NOT have more than 30 characters',
        'outline.png is 192×192, must be 32×32',
      ]);
      expect(existsSync(output)).to.equal(false);
    });
  });

  describe('npm run teams:package', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'teams-package-cli-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    // Blank values count as unset, and keep a developer's .env (which never overrides the environment) out of the test.
    it('exits 1 naming BOT_ID when neither BOT_ID nor MicrosoftAppId is set', async () => {
      const { code, stdout, stderr } = await runTool({ BOT_ID: '', MicrosoftAppId: '' });
      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.contain('BOT_ID is not set (nor MicrosoftAppId)');
    });

    it('exits 1 naming the variable when the id is not a GUID', async () => {
      const { code, stderr } = await runTool({ BOT_ID: '', MicrosoftAppId: 'my-bot' });
      expect(code).to.equal(1);
      expect(stderr).to.contain('MicrosoftAppId must be a GUID');
    });

    it('writes the zip where --out says and prints its path', async () => {
      const out = join(dir, 'teams.zip');
      const { code, stdout, stderr } = await runTool({ BOT_ID: SAMPLE_BOT_ID, MicrosoftAppId: '' }, ['--out', out]);
      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout.trim()).to.equal(out);
      expect(new AdmZip(out).getEntries()).to.have.length(3);
    });
  });
});
