// The connection measurement's arithmetic, without a browser: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  acknowledgedSeries,
  bytesAt,
  meanAbsoluteDifference,
  median,
  ratesPerInterval,
  steadyRate,
} from "../../static/js/measure.js";

test("median of an odd count is the middle value, whatever the order", () => {
  assert.equal(median([30, 10, 20]), 20);
});

test("median of an even count is the mean of the two middle values", () => {
  assert.equal(median([40, 10, 30, 20]), 25);
});

test("median of nothing is null, not zero", () => {
  assert.equal(median([]), null);
});

test("median does not reorder the caller's samples", () => {
  const samples = [3, 1, 2];
  median(samples);
  assert.deepEqual(samples, [3, 1, 2]);
});

test("jitter is the mean absolute difference between consecutive samples", () => {
  // |12-10| + |9-12| + |13-9| = 2 + 3 + 4 = 9 over 3 differences
  assert.equal(meanAbsoluteDifference([10, 12, 9, 13]), 3);
});

test("jitter of a single sample is zero", () => {
  assert.equal(meanAbsoluteDifference([42]), 0);
  assert.equal(meanAbsoluteDifference([]), 0);
});

const series = [
  { t: 0, bytes: 0 },
  { t: 1000, bytes: 1000 },
  { t: 3000, bytes: 5000 },
];

test("bytes between two points are interpolated linearly", () => {
  assert.equal(bytesAt(series, 500), 500);
  assert.equal(bytesAt(series, 2000), 3000);
});

test("bytes at an exact point are that point's count", () => {
  assert.equal(bytesAt(series, 1000), 1000);
});

test("bytes before the first point and after the last are clamped", () => {
  assert.equal(bytesAt(series, -10), 0);
  assert.equal(bytesAt(series, 9000), 5000);
  assert.equal(bytesAt([], 100), 0);
});

test("steady rate is the goodput over the span, in Mbit/s", () => {
  // 1.25 MB per second for 2 s = 10 Mbit/s
  const linear = [
    { t: 0, bytes: 0 },
    { t: 3000, bytes: 3_750_000 },
  ];
  assert.ok(Math.abs(steadyRate(linear, 1000, 3000) - 10) < 1e-9);
});

test("steady rate ignores what crossed before the window starts", () => {
  // A burst of 10 MB in the ramp, then a steady 1 Mbit/s (125 000 bytes per second).
  const burst = [
    { t: 0, bytes: 0 },
    { t: 1000, bytes: 10_000_000 },
    { t: 3000, bytes: 10_250_000 },
  ];
  assert.ok(Math.abs(steadyRate(burst, 1000, 3000) - 1) < 1e-9);
});

test("steady rate refuses a span shorter than its minimum", () => {
  assert.equal(steadyRate(series, 0, 999), null);
  assert.notEqual(steadyRate(series, 0, 1000), null);
  assert.equal(steadyRate(series, 0, 1500, 2000), null);
});

test("rates per quarter second, rounded to hundredths", () => {
  const linear = [
    { t: 0, bytes: 0 },
    { t: 1000, bytes: 1_250_000 },
  ];
  assert.deepEqual(ratesPerInterval(linear, 0, 1000), [10, 10, 10, 10]);
});

test("a partial last interval is left out of the rates", () => {
  const linear = [
    { t: 0, bytes: 0 },
    { t: 1000, bytes: 1_250_000 },
  ];
  assert.equal(ratesPerInterval(linear, 0, 900).length, 3);
});

test("acknowledged bytes are spread evenly over each request's span", () => {
  const requests = [{ start: 0, end: 100, bytes: 1000 }];
  const points = acknowledgedSeries(requests, 0, 150, 50);
  assert.deepEqual(
    points.map((p) => p.bytes),
    [0, 500, 1000, 1000],
  );
});

test("overlapping requests add up", () => {
  const requests = [
    { start: 0, end: 100, bytes: 1000 },
    { start: 50, end: 150, bytes: 1000 },
  ];
  const points = acknowledgedSeries(requests, 0, 150, 50);
  assert.deepEqual(
    points.map((p) => p.bytes),
    [0, 500, 1500, 2000],
  );
});
