import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { inflateSync } from 'node:zlib';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import AdmZip from 'adm-zip';
import { z } from 'zod';
import { loadDotEnv } from '../app/config';
import { PROJECT_ROOT } from '../shared/projectRoot';

/**
 * `npm run teams:package [-- --out <file.zip>]`: builds the Teams app package from appPackage/.
 *
 * It fills the bot id (BOT_ID, else MicrosoftAppId) into the checked-in manifest, validates the result
 * offline against the official schema bundled in @microsoft/app-manifest, checks the icons, and writes a
 * flat zip (manifest.json, color.png and outline.png at its root) ready to upload to Teams.
 */

export const APP_PACKAGE_DIR = resolve(PROJECT_ROOT, 'appPackage');
const DEFAULT_OUTPUT = resolve(PROJECT_ROOT, 'dist', 'appPackage', 'amnesty-movement-faq.zip');
/** Written as Teams Toolkit writes its placeholders, so the manifest reads familiarly to Teams developers. */
const BOT_ID_PLACEHOLDER = '${{BOT_ID}}';
const ICON_SIZES = { color: 192, outline: 32 } as const;

const USAGE = 'usage: npm run teams:package [-- --out <file.zip>]';

export class PackageError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `The Teams app package is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

const botIdSchema = z.guid({ error: "must be a GUID, e.g. 00000000-0000-0000-0000-000000000000 (the Azure Bot's Microsoft App ID)" });

/** As the bot reads its settings: names in any letter case, and a blank value means "not set". */
function readVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase() && env[k]?.trim());
  return key === undefined ? undefined : env[key]?.trim();
}

/**
 * The Azure Bot's app id, which Teams needs as the manifest's bot id: BOT_ID (Teams Toolkit's name for
 * it), else the bot's own MicrosoftAppId. If both are set they must agree, or Teams would send messages
 * to a bot that rejects their tokens.
 */
export function resolveBotId(env: NodeJS.ProcessEnv): string {
  const botId = readVariable(env, 'BOT_ID');
  const appId = readVariable(env, 'MicrosoftAppId');
  const [name, value] = botId !== undefined ? ['BOT_ID', botId] : ['MicrosoftAppId', appId];
  if (value === undefined) {
    throw new PackageError(["BOT_ID is not set (nor MicrosoftAppId): set it to the Azure Bot's Microsoft App ID, a GUID"]);
  }
  const parsed = botIdSchema.safeParse(value);
  if (!parsed.success) throw new PackageError([`${name} ${parsed.error.issues[0]?.message ?? 'is not valid'}`]);
  if (botId !== undefined && appId !== undefined && botId.toLowerCase() !== appId.toLowerCase()) {
    throw new PackageError(["BOT_ID and MicrosoftAppId differ: the manifest's bot id must be the app id the bot runs as"]);
  }
  return parsed.data;
}

/** Replaces the placeholder in every string of the manifest; any other `${{...}}` left over is an error. */
export function buildManifest(template: unknown, botId: string): Record<string, unknown> {
  const leftovers = new Set<string>();
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const filled = value.split(BOT_ID_PLACEHOLDER).join(botId);
      for (const match of filled.matchAll(/\$\{\{[^}]*\}\}/g)) leftovers.add(match[0]);
      return filled;
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  const manifest = z.record(z.string(), z.unknown()).safeParse(fill(template));
  if (!manifest.success) throw new PackageError(['manifest.json must hold a JSON object']);
  if (leftovers.size > 0) throw new PackageError([`manifest.json has placeholders this tool does not fill: ${[...leftovers].join(', ')}`]);
  return manifest.data;
}

const schemaHeader = z.object({
  manifestVersion: z.string().regex(/^\d+\.\d+$/, 'must be a version such as "1.30"'),
  $schema: z.string(),
});

type ManifestSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

/**
 * Validates against the official schema for the manifest's own version, read from the copy bundled in
 * @microsoft/app-manifest. The package's own lookup falls back to downloading the schema, so it is given
 * the bundled copy: validation never touches the network. Returns the problems, one readable line each.
 */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const header = schemaHeader.safeParse(manifest);
  if (!header.success) return header.error.issues.map((issue) => `/${issue.path.join('/')} ${issue.message}`);
  const { manifestVersion, $schema } = header.data;
  const expectedUrl = `https://developer.microsoft.com/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;
  if ($schema !== expectedUrl) return [`/$schema must be ${expectedUrl} to match manifestVersion ${manifestVersion}`];
  const schemaFile = resolve(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  if (!existsSync(schemaFile)) return [`/manifestVersion ${manifestVersion} has no schema bundled in @microsoft/app-manifest`];
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as ManifestSchema;
  // The schema is the authority on the manifest's shape; this cast only hands the object over to it.
  const problems = await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, schema);
  return problems.map(readable);
}

const problemDetails = z.object({ additionalProperty: z.string().optional(), allowedValues: z.array(z.unknown()).optional() });

/**
 * The package reports each schema error as `<path> <message>. Details: <ajv params as JSON>`. Only two of
 * those params say something the message does not: which property is unknown, and which values are allowed.
 */
function readable(problem: string): string {
  const [text = '', details = ''] = problem.split('. Details: ');
  const where = text.startsWith(' ') ? `/${text}` : text;
  let params: z.infer<typeof problemDetails> = {};
  try {
    params = problemDetails.parse(JSON.parse(details));
  } catch {
    // No details, or details we do not recognise: the message alone is still readable.
  }
  if (params.additionalProperty !== undefined) return `${where}: "${params.additionalProperty}"`;
  if (params.allowedValues !== undefined) return `${where}: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return where;
}

export interface PngImage {
  width: number;
  height: number;
  /** 8-bit RGBA, row by row. */
  rgba: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the PNG header (IHDR), without decoding the pixels. */
export function readPngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new PackageError(['not a PNG file']);
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 }; // grey, RGB, grey+alpha, RGBA

/**
 * Decodes the PNGs an icon editor exports: 8-bit grey, RGB or RGBA, with or without alpha, not
 * interlaced, with any scanline filter. Enough to check an icon's transparency; anything else is
 * reported as unsupported rather than misread.
 */
export function decodePng(png: Buffer): PngImage {
  const { width, height } = readPngSize(png);
  const bitDepth = png[24];
  const colourType = png[25];
  const interlace = png[28];
  const channels = colourType === undefined ? undefined : CHANNELS[colourType];
  if (bitDepth !== 8 || channels === undefined || interlace !== 0) {
    throw new PackageError([`unsupported PNG (bit depth ${bitDepth}, colour type ${colourType}, interlace ${interlace}): save it as 8-bit RGBA`]);
  }
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw new PackageError(['truncated PNG image data']);

  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    // The length was checked above, so every row's filter byte is there.
    const filter = raw[y * (stride + 1)] ?? 0;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      // Reads outside the image (before the first row or column) are 0, as PNG's filters define them.
      const left = i >= channels ? (pixels[y * stride + i - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + i] ?? 0) : 0;
      const upLeft = y > 0 && i >= channels ? (pixels[(y - 1) * stride + i - channels] ?? 0) : 0;
      pixels[y * stride + i] = ((line[i] ?? 0) + predictor(filter, left, up, upLeft)) & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const px = pixels.subarray(p * channels, (p + 1) * channels);
    const [r = 0, g = 0, b = 0] = channels >= 3 ? px : [px[0], px[0], px[0]];
    const alpha = (channels === 4 ? px[3] : channels === 2 ? px[1] : 255) ?? 255;
    rgba.set([r, g, b, alpha], p * 4);
  }
  return { width, height, rgba };
}

function predictor(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const p = left + up - upLeft;
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
      return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
    default:
      throw new PackageError([`corrupt PNG: unknown scanline filter ${filter}`]);
  }
}

/** Anti-aliased edges keep their white; a little tolerance admits editors that round colours. */
const NEAR_WHITE = 240;

/** The icons Teams requires: colour 192×192; outline 32×32, white on a transparent background. */
export function checkIcons(icons: { color: Buffer; outline: Buffer }): string[] {
  const problems: string[] = [];
  for (const name of ['color', 'outline'] as const) {
    const want = ICON_SIZES[name];
    try {
      const { width, height } = readPngSize(icons[name]);
      if (width !== want || height !== want) problems.push(`${name}.png is ${width}×${height}, must be ${want}×${want}`);
    } catch (err) {
      problems.push(`${name}.png: ${(err as Error).message}`);
    }
  }
  if (problems.some((p) => p.startsWith('outline.png'))) return problems;

  try {
    const { rgba } = decodePng(icons.outline);
    let transparent = 0;
    let notWhite = 0;
    for (let i = 0; i < rgba.length; i += 4) {
      if (rgba[i + 3] === 0) transparent++;
      else if (Math.min(rgba[i] ?? 0, rgba[i + 1] ?? 0, rgba[i + 2] ?? 0) < NEAR_WHITE) notWhite++;
    }
    if (transparent === 0) problems.push('outline.png must have a transparent background');
    if (transparent === rgba.length / 4) problems.push('outline.png is fully transparent: it must draw the icon in white');
    if (notWhite > 0) problems.push(`outline.png must be white on transparent: ${notWhite} visible pixels are not white`);
  } catch (err) {
    problems.push(`outline.png: ${(err as Error).message}`);
  }
  return problems;
}

/** A flat zip: Teams rejects a package whose manifest.json is inside a folder. */
export function buildZip(files: { manifest: Record<string, unknown>; color: Buffer; outline: Buffer }): Buffer {
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(files.manifest, null, 2)}\n`, 'utf8'));
  zip.addFile('color.png', files.color);
  zip.addFile('outline.png', files.outline);
  return zip.toBuffer();
}

function readPackageFile(dir: string, name: string): Buffer {
  const file = resolve(dir, name);
  if (!existsSync(file)) throw new PackageError([`${file} is missing`]);
  return readFileSync(file);
}

export interface PackageOptions {
  env: NodeJS.ProcessEnv;
  appPackageDir?: string;
  output?: string;
}

/** Builds, checks and writes the package; returns the zip's path. Every problem found is reported at once. */
export async function packageApp({ env, appPackageDir = APP_PACKAGE_DIR, output = DEFAULT_OUTPUT }: PackageOptions): Promise<string> {
  const botId = resolveBotId(env);
  let template: unknown;
  try {
    template = JSON.parse(readPackageFile(appPackageDir, 'manifest.json').toString('utf8'));
  } catch (err) {
    throw err instanceof PackageError ? err : new PackageError([`manifest.json is not valid JSON: ${(err as Error).message}`]);
  }
  const manifest = buildManifest(template, botId);
  const icons = { color: readPackageFile(appPackageDir, 'color.png'), outline: readPackageFile(appPackageDir, 'outline.png') };
  const problems = [...(await validateManifest(manifest)).map((p) => `manifest.json: ${p}`), ...checkIcons(icons)];
  if (problems.length > 0) throw new PackageError(problems);

  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, buildZip({ manifest, ...icons }));
  return output;
}

async function main(): Promise<void> {
  let out: string | undefined;
  try {
    ({ out } = parseArgs({ options: { out: { type: 'string' } } }).values);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  loadDotEnv();
  try {
    const written = await packageApp({ env: process.env, output: out === undefined ? undefined : resolve(out) });
    process.stdout.write(`${written}\n`);
  } catch (err) {
    if (!(err instanceof PackageError)) throw err;
    process.stderr.write(`Cannot build the Teams app package. ${err.message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
