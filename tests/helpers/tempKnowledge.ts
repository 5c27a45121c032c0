import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';

export const SOURCE = {
  title: 'The International Movement',
  url: 'https://www.amnesty.org.uk/international-movement',
  asOf: '2013',
  text: 'sources/international-movement.txt',
  reviewBy: '2099-12-31',
};

/** A valid entry; tests override one field at a time to see the message for exactly that mistake. */
export function validEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'icm-frequency',
    question: 'How often is the International Council Meeting held?',
    label: 'How often ICM meets',
    subject: 'the International Council Meeting',
    phrasings: ['how often does the icm meet', 'icm frequency', 'when is the icm', 'is the icm every year', 'how regularly is the council held'],
    answer: 'The International Council Meeting is held every two years.',
    quotes: ['The International Council Meeting is held every two years.'],
    related: [],
    ...overrides,
  };
}

export function topicFile(topic: string, entries: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { topic, label: topic[0]!.toUpperCase() + topic.slice(1), overview: `About ${topic}.`, source: SOURCE, entries, ...overrides };
}

/**
 * Writes files (name → YAML value, or raw text) into a fresh temporary knowledge directory, with the real
 * source page as sources/international-movement.txt unless `files` gives its own.
 */
export function writeKnowledgeDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kb-'));
  mkdirSync(join(dir, 'sources'));
  copyFileSync(resolve(PROJECT_ROOT, 'knowledge', SOURCE.text), join(dir, SOURCE.text));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : stringify(content));
  }
  return dir;
}
