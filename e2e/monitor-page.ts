/**
 * What the monitor's browser tests read of a page: waits for what it shows,
 * the test ids present, the width it takes, and screenshots.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Page } from 'playwright-core';
import { eventually } from '../test-support/engine';

/*
 * What the functions handed to page.evaluate see in the browser: the project
 * compiles without the DOM library, so the little they use is declared here.
 */
export interface PageRect { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number; readonly width: number; readonly height: number }
export interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  readonly textContent: string | null;
  readonly title: string;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly hidden: boolean;
  readonly tagName: string;
  readonly id: string;
  readonly className: unknown;
  contains(other: PageElement): boolean;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): PageRect;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
declare const document: {
  readonly documentElement: PageElement;
  readonly body: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};
declare const window: { Chart: { getChart(canvas: PageElement): { data: { labels: string[] } } | undefined } };

export const WIDTHS = [390, 820, 1440] as const;

/** Waits until the page shows `expected` (it refreshes every few seconds), then asserts it, so a mismatch prints a diff. */
export async function pageShows<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  await eventually(async () => (isDeepStrictEqual(await read(), expected) ? true : undefined), { what, timeoutMs: 15_000, intervalMs: 250 }).catch(() => undefined);
  expect(await read()).toEqual(expected);
}

export const testids = (page: Page, prefix: string) =>
  page.$$eval(`[data-testid^="${prefix}"]`, (rows) => (rows as unknown as PageElement[]).map((r) => r.dataset.testid!).sort());

export const text = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().textContent();

/** [text, title] of every `.named` element inside the selector: the name people read and the code on hover. */
export const namesIn = (page: Page, selector: string) =>
  page.$$eval(`${selector} .named`, (elements) => (elements as unknown as PageElement[]).map((e) => [e.textContent ?? '', e.title]));

/**
 * What makes the document wider than the window: [] when nothing does; else
 * how much wider, and the innermost elements reaching past its right edge.
 */
export const overflow = (page: Page) =>
  page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const past = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5);
    const innermost = past.filter((e) => !past.some((other) => other !== e && e.contains(other)));
    const describe = (e: PageElement) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''} → ${Math.round(e.getBoundingClientRect().right)}`;
    return [`${root.scrollWidth - root.clientWidth} px too wide`, ...innermost.slice(0, 6).map(describe)];
  });

export async function refreshes(page: Page): Promise<number> {
  return Number(await page.evaluate(() => document.body.dataset.refreshes ?? '0'));
}

/** Waits for `count` more completed refreshes of the current view. */
export async function afterRefreshes(page: Page, count: number): Promise<void> {
  const start = await refreshes(page);
  await page.waitForFunction((target) => Number(document.body.dataset.refreshes ?? '0') >= target, start + count, { timeout: 15_000 });
}

export async function snap(page: Page, dir: string, name: string): Promise<void> {
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * Pairs of a visible count badge on the diagram and an element label it
 * covers (their boxes overlap by more than a pixel each way).
 */
export function badgesOverLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const visible = (r: PageRect) => r.width > 0 && r.height > 0;
    const labels = [...document.querySelectorAll('.djs-element text')].map((t) => ({ id: t.textContent ?? '', rect: t.getBoundingClientRect() })).filter((l) => l.id.trim() && visible(l.rect));
    const badges = [...document.querySelectorAll('.djs-overlay .badge')].map((b) => ({ id: b.dataset.testid ?? '', rect: b.getBoundingClientRect() })).filter((b) => visible(b.rect));
    const overlaps: string[] = [];
    for (const badge of badges) {
      for (const label of labels) {
        const x = Math.min(badge.rect.right, label.rect.right) - Math.max(badge.rect.left, label.rect.left);
        const y = Math.min(badge.rect.bottom, label.rect.bottom) - Math.max(badge.rect.top, label.rect.top);
        if (x > 1 && y > 1) overlaps.push(`${badge.id} covers "${label.id}"`);
      }
    }
    return overlaps;
  });
}

/** data-value of every drawn map path of this kind (district or grid), by code. */
export const mapValues = (page: Page, kind: 'district' | 'grid') =>
  page.$$eval(
    `[data-testid^="map-${kind}-"]`,
    (paths, prefix) => Object.fromEntries((paths as unknown as PageElement[]).map((p) => [p.getAttribute('data-testid')!.slice(prefix.length), p.getAttribute('data-value')])),
    `map-${kind}-`,
  );

/** The values of a select's options, in order. */
export const optionValues = (page: Page, testid: string) =>
  page.$$eval(`[data-testid="${testid}"] option`, (list) => (list as unknown as PageElement[]).map((o) => o.getAttribute('value')));

/** The labels of the chart.js chart on the canvas with this test id. */
export const chartLabels = (page: Page, testid: string) =>
  page.evaluate((id) => window.Chart.getChart(document.querySelector(`[data-testid="${id}"]`)!)?.data.labels, testid);

/** Element ids whose count badges are drawn on the diagram now (all of them, or all but the completed count). */
export const placedBadges = (page: Page) =>
  page.$$eval('.djs-overlay .counts[data-placed]:not([data-placed="none"])', (boxes) => (boxes as unknown as PageElement[]).map((b) => b.dataset.testid!.slice('overlay-'.length)).sort());
