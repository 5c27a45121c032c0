import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { ConfigError, envSchema, parseConfig } from '../src/app/config';
import { PROJECT_ROOT } from '../src/shared/projectRoot';

function problemsFor(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  expect.fail('expected the configuration to be rejected');
}

describe('configuration', () => {
  it('runs on embedded defaults with nothing set: anonymous, loopback, port 3978', () => {
    const config = parseConfig({});
    expect(config).to.include({ PORT: 3978, HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    expect(config.MicrosoftAppId).to.equal(undefined);
    expect(config.KNOWLEDGE_DIR).to.equal(resolve(PROJECT_ROOT, 'knowledge'));
  });

  it('treats empty values, as copied from .env.example, as unset', () => {
    const config = parseConfig({ PORT: '', MicrosoftAppId: '', MicrosoftAppPassword: '  ', KNOWLEDGE_DIR: '' });
    expect(config).to.include({ PORT: 3978, KNOWLEDGE_DIR: resolve(PROJECT_ROOT, 'knowledge') });
    expect(config.MicrosoftAppId).to.equal(undefined);
  });

  it('reads Bot Framework settings case-insensitively, as the SDK does', () => {
    expect(parseConfig({ MICROSOFTAPPID: 'app', microsoftapppassword: 'secret' })).to.include({ MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' });
  });

  const bad: [string, NodeJS.ProcessEnv, RegExp][] = [
    ['a port that is not a number', { PORT: 'eighty' }, /^PORT: /],
    ['a port out of range', { PORT: '70000' }, /^PORT: /],
    ['a host that is not an address', { HOST: 'my laptop' }, /^HOST: /],
    ['an unknown log level', { LOG_LEVEL: 'verbose' }, /^LOG_LEVEL: /],
    ['an unknown app type', { MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppType: 'Personal' }, /^MicrosoftAppType: /],
    ['an app id without a password', { MicrosoftAppId: 'a' }, /^MicrosoftAppPassword: is required when MicrosoftAppId is set/],
    [
      'a handoff tenant that is not a tenant id',
      { HANDOFF_TENANT_ID: 'amnesty.org.uk', HANDOFF_ADMIN_IDS: '00000000-0000-0000-0000-00000000abcd' },
      /^HANDOFF_TENANT_ID: must be a tenant id/,
    ],
    [
      'tickets kept longer than the state store keeps anything',
      {
        HANDOFF_TENANT_ID: '72f988bf-0000-0000-0000-000000000001',
        HANDOFF_ADMIN_IDS: '00000000-0000-0000-0000-00000000abcd',
        HANDOFF_TTL_DAYS: '40',
        STATE_TTL_DAYS: '30',
      },
      /^HANDOFF_TTL_DAYS: must be at most STATE_TTL_DAYS/,
    ],
    [
      "handoff without anyone allowed to choose the experts' channel",
      { HANDOFF_TENANT_ID: '72f988bf-0000-0000-0000-000000000001' },
      /^HANDOFF_ADMIN_IDS: is required when HANDOFF_TENANT_ID is set/,
    ],
    [
      'an admin id that is not an object id',
      { HANDOFF_TENANT_ID: '72f988bf-0000-0000-0000-000000000001', HANDOFF_ADMIN_IDS: 'alex@amnesty.org.uk' },
      /^HANDOFF_ADMIN_IDS\.0: each entry must be an Entra object id/,
    ],
    ['an SMTP URL that is not one', { SMTP_URL: 'https://mail.example.org', SMTP_FROM: 'a@example.org' }, /^SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/],
    ['an SMTP URL without a From address', { SMTP_URL: 'smtp://mail.example.org:587' }, /^SMTP_FROM: is required when SMTP_URL is set/],
    ['a password without an app id', { MicrosoftAppPassword: 'p' }, /^MicrosoftAppPassword: is set but MicrosoftAppId is not/],
    [
      'a single-tenant bot without a tenant',
      { MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' },
      /^MicrosoftAppTenantId: is required when MicrosoftAppType is SingleTenant/,
    ],
  ];
  for (const [what, env, message] of bad) {
    it(`rejects ${what}, naming the variable`, () => {
      const problems = problemsFor(env);
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(message);
    });
  }

  it('accepts a managed identity without a password', () => {
    expect(parseConfig({ MicrosoftAppId: 'a', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' }).MicrosoftAppType).to.equal('UserAssignedMSI');
  });

  it('documents every variable in .env.example, and no others', () => {
    const documented = readFileSync(resolve(PROJECT_ROOT, '.env.example'), 'utf8')
      .split('\n')
      .map((line) => /^([A-Za-z_]+)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(documented.sort()).to.deep.equal(Object.keys(envSchema.shape).sort());
  });
});
