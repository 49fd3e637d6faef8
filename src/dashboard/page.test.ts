// biome-ignore-all lint/performance/useDomNodeTextContent: Playwright locators read what a person sees (innerText), which is the point here
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, missing } from '../testing/requires.js';
import { type FleetWorld, startFleetWorld, TOKEN } from './testing/fleet-world.js';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots for people to look at (git-ignored). */
const ARTIFACTS = join(process.cwd(), 'test-artifacts');

describe.skipIf(missing(hasCommand(CHROMIUM), 'dashboard browser tests', 'apt-get install chromium'))(
  'dashboard in a browser',
  () => {
    let dir: string;
    let world: FleetWorld;
    let browser: Browser;
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gl-dashboard-'));
      mkdirSync(ARTIFACTS, { recursive: true });
      world = await startFleetWorld(join(dir, 'gl.db'));
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        // The wrong-token test's 401 is expected; any other console error is a bug.
        if (m.type() === 'error' && !m.text().includes('401')) errors.push(m.text());
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await world?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const card = (name: string) => page.locator(`[data-deployment="${name}"]`);

    it('loads and shows both deployments with their active color, phase and traffic', async () => {
      await page.goto(`${world.url}/`);
      await page.waitForSelector('body[data-loaded]');
      await expect.poll(() => card('spam-classifier').innerText()).toContain('AwaitingPromotion');
      const spam = await card('spam-classifier').innerText();
      expect(spam).toContain('blue v1');
      expect(spam).toContain('v1 → v2');
      const fraud = await card('fraud-scorer').innerText();
      expect(fraud).toContain('green v8');
      expect(fraud).toContain('Observing');
      // The traffic figure arrives from the router-metrics sampler.
      await expect
        .poll(() => card('spam-classifier').innerText(), { timeout: 10_000 })
        .toMatch(/\d+\.\d req\/s/);
      // The first deployment is selected: its pipeline is drawn with the current phase highlighted.
      await expect.poll(() => page.locator('.node.current').getAttribute('data-phase')).toBe('Observing');
      await page.waitForTimeout(2500); // a few chart points
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-fleet.png') });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-full.png'), fullPage: true });
      expect(errors).toEqual([]);
    });

    it('shows the validation report: gates, agreement interval, worst slice, disagreeing examples', async () => {
      // By keyboard: the deployment is a link; following it puts the focus on the detail's heading.
      await page.focus('[data-deployment="spam-classifier"] h2 a');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('.detail-head h1').innerText()).toBe('spam-classifier');
      await expect.poll(() => page.evaluate('document.activeElement.tagName')).toBe('H1');
      const report = page.locator('#report');
      await expect.poll(() => report.locator('[data-gate]').count()).toBe(6);
      const text = await report.innerText();
      expect(text).toContain('98.7% agreement');
      expect(text).toContain('Wilson interval 95.8% – 99.6%');
      expect(await report.locator('tr.worst th').innerText()).toContain('html');
      const examples = report.locator('table.examples tbody tr');
      expect(await examples.count()).toBe(3);
      expect(await examples.first().innerText()).toMatch(/spam · 0\.580\s+ham · 0\.540/);
      expect(await page.locator('.node.current').getAttribute('data-phase')).toBe('AwaitingPromotion');
      await report.screenshot({ path: join(ARTIFACTS, 'validation-report.png') });
    });

    it('updates without a reload when the audit log grows (server-sent events)', async () => {
      // Page-side code as strings: this file is compiled without the DOM's types.
      await page.evaluate('window.marker = 42');
      const before = await page.locator('#audit-badge').innerText();
      world.store.appendAudit({
        deployment: 'spam-classifier',
        rolloutId: null,
        kind: 'note',
        actor: 'test',
        data: {},
      });
      await expect.poll(() => page.locator('#audit-badge').innerText()).not.toBe(before);
      await expect.poll(() => page.locator('#audit').textContent()).toContain('note by test');
      expect(await page.evaluate('window.marker')).toBe(42);
    });

    it('is read-only without a token: buttons disabled with a reason, and the API refuses', async () => {
      for (const a of ['promote', 'rollback', 'abort'])
        expect(await page.locator(`button[data-action="${a}"]`).isDisabled()).toBe(true);
      expect(await page.locator('#why-readonly').innerText()).toContain('Read-only');
      const status = await page.evaluate(async () => {
        const r = await fetch('/api/deployments/spam-classifier/promote', { method: 'POST', body: '{}' });
        return r.status;
      });
      expect(status).toBe(401);
      expect(world.phase('spam-classifier')).toBe('AwaitingPromotion');
    });

    it('a wrong token is refused by the API and said so on the page', async () => {
      await page.fill('#token', 'not-the-token');
      await page.press('#token', 'Enter');
      const promote = page.locator('button[data-action="promote"]');
      await expect.poll(() => promote.isEnabled()).toBe(true);
      await promote.click();
      await page.click('#confirm-ok');
      await expect.poll(() => page.locator('.action-result').innerText()).toContain('refused: HTTP 401');
      expect(world.phase('spam-classifier')).toBe('AwaitingPromotion');
      await page.click('#token-clear');
    });

    it('Escape in the confirmation records nothing', async () => {
      await page.fill('#token', TOKEN);
      await page.press('#token', 'Enter');
      const promote = page.locator('button[data-action="promote"]');
      await expect.poll(() => promote.isEnabled()).toBe(true);
      await promote.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#confirm').getAttribute('open')).not.toBeNull();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#confirm').getAttribute('open')).toBeNull();
      expect(world.store.pendingIntents('spam-classifier')).toEqual([]);
    });

    it('promote with the token: confirmed, recorded with its reason, and the page follows the switch', async () => {
      await page.locator('button[data-action="promote"]').click();
      await page.fill('#confirm-reason', 'looked at the report');
      await page.click('#confirm-ok');
      await expect.poll(() => page.locator('.action-result').innerText()).toContain('promote requested');
      await expect
        .poll(() => page.locator('.action-result').innerText())
        .toContain('accepted by the controller');
      await expect
        .poll(() => card('spam-classifier').innerText(), { timeout: 10_000 })
        .toContain('Observing');
      await expect.poll(() => card('spam-classifier').innerText()).toContain('green v2');
      await expect.poll(() => page.locator('.node.current').getAttribute('data-phase')).toBe('Observing');
      const cmd = world.store.listAudit({ deployment: 'spam-classifier' }).find((r) => r.kind === 'command');
      expect(cmd).toMatchObject({
        actor: 'admin',
        data: { command: 'promote', reason: 'looked at the report' },
      });
      await page.waitForTimeout(3000); // traffic moving to green, the switch marked
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-switch.png'), fullPage: true });
    });

    it('rollback with the token: traffic goes back and the pipeline shows the rollback branch', async () => {
      await page.click('[data-deployment="fraud-scorer"] h2 a');
      await expect.poll(() => page.locator('.detail-head h1').innerText()).toBe('fraud-scorer');
      const rollback = page.locator('button[data-action="rollback"]');
      await expect.poll(() => rollback.isEnabled()).toBe(true);
      expect(await page.locator('button[data-action="promote"]').isDisabled()).toBe(true);
      await rollback.click();
      expect(await page.locator('#confirm-text').innerText()).toContain('blue v7');
      await page.click('#confirm-ok');
      await expect.poll(() => card('fraud-scorer').innerText(), { timeout: 10_000 }).toContain('RolledBack');
      await expect.poll(() => card('fraud-scorer').innerText()).toContain('blue v7');
      await expect.poll(() => page.locator('.node.failed').getAttribute('data-phase')).toBe('RolledBack');
      await expect.poll(() => page.locator('#audit .timeline').innerText()).toContain('rolled back');
    });

    it('fits a phone: no sideways scrolling, the pipeline drawn top to bottom', async () => {
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
      await phone.goto(`${world.url}/#/d/spam-classifier`);
      await phone.waitForSelector('body[data-loaded]');
      await phone.waitForSelector('svg.pipeline');
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await expect
        .poll(async () => {
          const box = await phone.locator('svg.pipeline').boundingBox();
          return box !== null && box.height > box.width;
        })
        .toBe(true);
      await phone.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png') });
      await phone.close();
      expect(errors).toEqual([]);
    });
  },
);
