import { describe, expect, it } from 'vitest';
import { originProblem } from '../../src/domain/web-origin.js';

const dev = { loopbackHttp: true };
const prod = { loopbackHttp: false };

describe('originProblem', () => {
  it.each(['https://app.example.com', 'https://app.example.com:8443', 'https://xn--bcher-kva.example', 'https://[2001:db8::1]'])('accepts %s', (origin) => {
    expect(originProblem(origin, prod)).toBeNull();
  });

  it.each(['http://localhost', 'http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080'])('accepts %s only outside production', (origin) => {
    expect(originProblem(origin, dev)).toBeNull();
    expect(originProblem(origin, prod)).toMatch(/production/);
  });

  it.each([
    ['https://app.example.com/', /exact origin/],
    ['https://app.example.com/path', /exact origin/],
    ['https://APP.example.com', /exact origin/],
    ['https://app.example.com:443', /exact origin/],
    ['https://user@app.example.com', /exact origin/],
    ['http://app.example.com', /not https/],
    ['http://10.0.0.1', /not https/],
    ['ws://app.example.com', /exact origin|not https/],
    ['app.example.com', /not a URL/],
    ['*', /not a URL/],
    ['null', /not a URL/],
  ])('refuses %s', (origin, why) => {
    expect(originProblem(origin, dev)).toMatch(why);
  });
});
