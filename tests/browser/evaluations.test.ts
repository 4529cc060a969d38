import type { Ack, TrainerSummary } from '@earshot/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, signIn } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startRecordedCall } from '../helpers/recordedCall.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, saveScreenshot } from './chromium.js';
import { signInAs } from './signIn.js';

/**
 * The evaluation flow end to end in Chromium: a controller scores a recorded call on the review page,
 * pins a comment to a moment, names the weak link and submits; the evaluation shows in the agent's list;
 * the controller hands the moment to a trainer, who finds it in their queue, opens the call at that moment
 * and marks it done.
 */
describe('evaluations and coaching in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let controllerPage: Page;
  let trainerPage: Page;
  let trainer: TrainerSummary;
  const events = new EventFactory('evaluate');
  const callId = 'evaluated-call-1';
  const agent = { id: 'agent-41', name: 'Олег Оценкин' };

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    const call = await startRecordedCall(server, events, callId, agent, 12);
    await call.end();
    const controller = await signIn(server.url, 'controller');
    const trainers = await apiRequest<Ack<TrainerSummary[]>>(`${server.url}/api/coaching/trainers`, {
      session: controller,
    });
    if (!trainers.body.ok || !trainers.body.data[0]) throw new Error('the test server has no trainer');
    trainer = trainers.body.data[0];
    browser = await launchChromium();
    controllerPage = await (await browser.newContext({ viewport: { width: 1440, height: 1100 } })).newPage();
    trainerPage = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signInAs(controllerPage, server, 'controller', `/calls/${callId}/review`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const question = (id: string) =>
    controllerPage.locator(`[data-testid="evaluation-question"][data-question-id="${id}"]`);
  const answer = (id: string, label: string) => question(id).getByRole('button', { name: label, exact: true }).click();

  it('scores a call on the review page, with a comment pinned to a moment and the weak link named', async () => {
    const page = controllerPage;
    await page.getByTestId('evaluation-form').waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=review-play]:not([disabled])'), null, {
      timeout: 15_000,
    });

    // Submitting too early names every unanswered question.
    await page.getByTestId('evaluation-submit').click();
    await page.getByTestId('notice-error').waitFor();
    expect(await page.getByTestId('notice-error').innerText()).toContain('7 still need an answer');
    expect(await page.locator('[data-testid="evaluation-question"] .field-error').count()).toBe(7);

    for (const id of ['greeting', 'identification', 'hold_etiquette', 'closing']) await answer(id, 'Yes');
    for (const id of ['understanding', 'resolution', 'smile_in_voice']) await answer(id, '4');
    // (1 + 2 + 2·0.8 + 3·0.8 + 1 + 0.8 + 1) / 11 = 9.8 / 11
    expect(await page.getByTestId('evaluation-score').innerText()).toBe('89.1');
    expect(await page.locator('[data-testid="evaluation-question"] .field-error').count()).toBe(0);

    // Five seconds in (→ seeks 5 s), a comment pinned there shows on the timeline.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('review-position').getAttribute('data-ms')).toBe('5000');
    await page.getByTestId('moment-text').fill('Went quiet while the tariff page loaded, no word to the caller');
    await page.getByTestId('moment-pin').click();
    await expect.poll(() => page.getByTestId('review-moment-pin').count()).toBe(1);
    expect(await page.getByTestId('moment-seek').getAttribute('data-at-ms')).toBe('5000');
    await page.getByTestId('weak-link').selectOption('slow_or_broken_tool');
    await page.getByTestId('weak-link-note').fill('CRM tariff page takes 8 s to open');
    await page.getByTestId('evaluation-save').click();
    await page.getByTestId('notice-ok').waitFor();
    await saveScreenshot(page, 'evaluation-form');

    await page.getByTestId('evaluation-submit').click();
    const submitted = page.getByTestId('evaluation-submitted');
    await submitted.waitFor({ timeout: 10_000 });
    expect(await submitted.locator('.evaluation-score').innerText()).toBe('89.1');
    expect(await submitted.getByTestId('evaluation-weak-link').innerText()).toContain('Slow or broken tool');
    expect(await page.getByTestId('evaluation-form').count()).toBe(0);
  });

  it("shows the submitted evaluation in the agent's list", async () => {
    const page = controllerPage;
    await page.goto(`${server.url}/evaluations?agentId=${agent.id}`);
    const row = page.locator(`[data-testid="evaluation-row"][data-call-id="${callId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('evaluation-row-score').innerText()).toBe('89.1');
    expect(await row.innerText()).toContain(agent.name);
    expect(await row.innerText()).toContain('Slow or broken tool');
    await page.getByTestId('evaluations-chart').waitFor();
    await saveScreenshot(page, 'evaluations-list');
    // Another agent's list does not have it.
    await page.goto(`${server.url}/evaluations?agentId=agent-nobody`);
    await page.getByTestId('evaluations-empty').waitFor();
  });

  it('hands the moment to a trainer, who finds it in their queue, hears it and marks it done', async () => {
    const page = controllerPage;
    await page.goto(`${server.url}/calls/${callId}/review`);
    const handOff = page.getByTestId('coaching-handoff');
    await handOff.waitFor({ timeout: 10_000 });
    await page.getByTestId('coaching-trainer').selectOption(trainer.id);
    await page.getByTestId('coaching-note').fill('Teach filling the pause while a tool loads');
    await page.getByTestId('coaching-assign').click();
    await page.getByTestId('notice-ok').waitFor();
    expect(await page.getByTestId('notice-ok').innerText()).toContain(trainer.displayName);
    await expect.poll(() => page.getByTestId('coaching-assigned').locator('li').count()).toBe(1);
    await saveScreenshot(page, 'evaluation-handoff');

    await signInAs(trainerPage, server, 'trainer', '/coaching');
    const item = trainerPage.locator(`[data-testid="coaching-item"][data-call-id="${callId}"]`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.innerText()).toContain('Teach filling the pause while a tool loads');
    expect(await item.innerText()).toContain('Went quiet while the tariff page loaded');
    expect(await item.getByTestId('coaching-weak-link').innerText()).toContain('Slow or broken tool');
    await saveScreenshot(trainerPage, 'coaching-queue');

    // The moment opens the review at 00:05, with the transcript's call and the evaluation behind it.
    await item.getByTestId('coaching-moment').click();
    await trainerPage.waitForURL(
      (url) => url.pathname === `/calls/${callId}/review` && url.searchParams.get('t') === '5000',
    );
    await expect
      .poll(async () => Number(await trainerPage.getByTestId('review-position').getAttribute('data-ms')), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(5_000);
    await trainerPage.getByTestId('evaluation-submitted').waitFor({ timeout: 10_000 });
    await expect.poll(() => trainerPage.getByTestId('review-moment-pin').count()).toBe(1);

    expect(await trainerPage.getByTestId('review-back').innerText()).toContain('Coaching queue');
    await trainerPage.getByTestId('review-back').click();
    await item.getByTestId('coaching-mark-done').click();
    await trainerPage.getByTestId('coaching-empty').waitFor({ timeout: 10_000 });
    await trainerPage.getByTestId('coaching-tab-done').click();
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 10_000 }).toBe('done');

    // The controller sees it done where they handed it on.
    await page.reload();
    await expect.poll(() => page.getByTestId('coaching-assigned').innerText(), { timeout: 10_000 }).toContain('Done');
  });

  it('lets an admin add a question to the scorecard as a new version, which new evaluations use', async () => {
    const adminPage = await (await browser.newContext({ viewport: { width: 1440, height: 1000 } })).newPage();
    await signInAs(adminPage, server, 'admin', '/admin/scorecards');
    const row = adminPage.locator('[data-testid="scorecard-row"][data-scorecard-id="default"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain('v1');
    await row.getByTestId('scorecard-edit').click();
    const editor = adminPage.getByTestId('scorecard-editor');
    const closing = editor.getByTestId('scorecard-section').nth(2);
    await closing.getByTestId('scorecard-add-question').click();
    const added = closing.getByTestId('scorecard-question').last();
    // Saving with the new question blank is refused with where and why.
    await editor.getByTestId('scorecard-save').click();
    await expect.poll(() => adminPage.getByTestId('scorecard-problems').innerText()).toContain('Section 3, question 2');
    await added.getByTestId('scorecard-question-text').fill('Offered the self-service app for next time');
    await added.getByTestId('scorecard-question-weight').fill('2');
    await saveScreenshot(adminPage, 'scorecard-editor');
    await editor.getByTestId('scorecard-save').click();
    await adminPage.getByTestId('notice-ok').waitFor();
    expect(await row.innerText()).toContain('v2');

    // The controller's next evaluation (of another call) is on version 2, with the new question.
    const other = await startRecordedCall(server, events, 'evaluated-call-2', agent, 4);
    await other.end();
    await controllerPage.goto(`${server.url}/calls/evaluated-call-2/review`);
    await controllerPage.getByTestId('evaluation-form').waitFor({ timeout: 15_000 });
    const asked = controllerPage.locator('[data-question-id="offered_the_self_service"]');
    await asked.waitFor();
    expect(await asked.innerText()).toContain('×2');
    await adminPage.context().close();
  });
});
