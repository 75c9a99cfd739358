import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { MONITOR_CSP, monitorRouter } from './monitor-router';

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use('/monitor', monitorRouter());
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const get = (path: string) => fetch(`${base}${path}`, { redirect: 'manual' });

describe('monitorRouter', () => {
  it('sends /monitor to /monitor/, keeping the query, so the page resolves its relative URLs', async () => {
    const response = await get('/monitor?x=1');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/monitor/?x=1');
  });

  it('serves the page with a self-only Content-Security-Policy and no sniffing', async () => {
    const response = await get('/monitor/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(MONITOR_CSP);
    expect(MONITOR_CSP).toContain("script-src 'self'");
    expect(MONITOR_CSP).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    // Every script is a file of this origin: nothing inline for the policy to refuse.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it('serves the modules as JavaScript and the stylesheet as CSS', async () => {
    const script = await get('/monitor/js/main.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    const css = await get('/monitor/monitor.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it.each([
    ['bpmn-navigated-viewer.js', /javascript/, 'BpmnJS'],
    ['chart.umd.js', /javascript/, 'Chart'],
    ['diagram-js.css', /^text\/css/, '.djs-element'],
    ['bpmn-js.css', /^text\/css/, '.bjs-container'],
  ])('serves the library file %s from node_modules', async (name, type, marker) => {
    const response = await get(`/monitor/vendor/${name}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(type);
    expect(await response.text()).toContain(marker);
  });

  it.each(['/monitor/vendor/package.json', '/monitor/vendor/..%2F..%2Fpackage.json', '/monitor/../package.json', '/monitor/nothing.js'])('answers 404 to %s', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
  });
});
