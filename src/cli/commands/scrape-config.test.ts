import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promtoolPath, runPromtool } from '../../metrics/promtool.js';
import { runCli } from '../../testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-scrape-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('greenlight scrape-config', () => {
  it('prints a config that promtool accepts, with color labels on model servers', async () => {
    const rules = await runCli(['rules', '--out', join(dir, 'rules.yaml')]);
    expect(rules.code, rules.stderr).toBe(0);
    const r = await runCli([
      'scrape-config',
      '--deployment',
      'spam',
      '--blue',
      'http://127.0.0.1:8001,http://127.0.0.1:8002',
      '--green',
      'http://127.0.0.1:8003',
      '--router',
      'http://127.0.0.1:7071',
      '--control-plane',
      'http://127.0.0.1:7070',
      '--interval',
      '5',
      '--rules',
      'rules.yaml',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const cfg = parse(r.stdout);
    const servers = cfg.scrape_configs.find(
      (j: { job_name: string }) => j.job_name === 'greenlight-model-server',
    );
    expect(servers.static_configs).toEqual([
      { targets: ['127.0.0.1:8001', '127.0.0.1:8002'], labels: { deployment: 'spam', color: 'blue' } },
      { targets: ['127.0.0.1:8003'], labels: { deployment: 'spam', color: 'green' } },
    ]);
    expect(cfg.global.scrape_interval).toBe('5s');
    if (!promtoolPath()) {
      console.warn('!! promtool not installed: scrape config not checked with promtool');
      return;
    }
    writeFileSync(join(dir, 'prometheus.yml'), r.stdout);
    const check = await runPromtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(check.ok, check.output).toBe(true);
  });

  it('requires --deployment and valid URLs', async () => {
    expect((await runCli(['scrape-config', '--blue', 'http://127.0.0.1:1'])).code).toBe(2);
    const bad = await runCli(['scrape-config', '--deployment', 'x', '--blue', 'ftp://nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--blue');
  });
});
