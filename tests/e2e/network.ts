import { expect, type Page, type Request } from '@playwright/test';

/** Every request the page makes, for the whole test. */
export function recordRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on('request', (r) => seen.push(r));
  return seen;
}

export function expectLocalOnly(requests: Request[], origin: string): void {
  const foreign = requests.map((r) => r.url()).filter((u) => !/^(data|blob):/.test(u) && new URL(u).origin !== origin);
  expect(foreign, 'requests to another origin').toEqual([]);
  const uploads = requests
    .filter((r) => r.method() !== 'GET' || (r.postData() ?? '') !== '')
    .map((r) => `${r.method()} ${r.url()}`);
  expect(uploads, 'requests that send data').toEqual([]);
}
