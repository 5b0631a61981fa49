import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWrk, WrkParseError } from './wrk.js';

const sample = `Running 10s test @ http://10.43.0.20/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   512.34us  120.10us   4.20ms   90.00%
    Req/Sec     7.50k   300.00     8.00k    70.00%
  Latency Distribution
     50%  480.00us
     75%  550.00us
     90%  650.00us
     99%    1.25ms
  74640 requests in 10.00s, 10.50MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
Requests/sec:   7463.51
Transfer/sec:      1.05MB
`;

test('reads percentiles in milliseconds, requests per second and socket errors', () => {
  const r = parseWrk(sample);
  assert.equal(r.p50Ms, 0.48);
  assert.equal(r.p90Ms, 0.65);
  assert.equal(r.p99Ms, 1.25);
  assert.equal(r.requestsPerSecond, 7463.51);
  assert.equal(r.errors, 4);
  assert.equal(parseWrk(sample.replace('     99%    1.25ms', '     99%    2.00s')).p99Ms, 2000);
});

test('output without a latency distribution is an error', () => {
  assert.throws(() => parseWrk('Requests/sec: 10\n'), WrkParseError);
});
