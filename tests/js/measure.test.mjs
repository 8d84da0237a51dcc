// The connection measurement's arithmetic, without a browser: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  acknowledgedSeries,
  answerBytes,
  bytesAt,
  enoughPings,
  loadedLatency,
  meanAbsoluteDifference,
  measurableRoundTrip,
  median,
  minimumSteadyMs,
  rampMs,
  ratesPerInterval,
  receivedBytes,
  receivedRequest,
  requestSeconds,
  steadyRate,
  stillRising,
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
    { t: 1000, bytes: 1_250_000 },
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

test("a burst that ends a stall across the window's start is left out with the stall", () => {
  // 10 Mbit/s (1250 bytes per ms) until 800 ms, nothing until 1200 ms, when a 100 000-byte
  // burst lands at once, then 10 Mbit/s again. Spread over the stall, half the burst would
  // count inside the window and half the pause with it.
  const stalled = [{ t: 0, bytes: 0 }];
  for (let t = 100; t <= 800; t += 100) stalled.push({ t, bytes: t * 1250 });
  for (let t = 1200; t <= 3200; t += 100) stalled.push({ t, bytes: 1_100_000 + (t - 1200) * 1250 });
  assert.ok(Math.abs(steadyRate(stalled, 1000, 3200) - 10) < 1e-9);
});

test("the window opens at a count, so a sparse series is not read as a burst", () => {
  // A slow link's counts come far apart: 1 Mbit/s, one 62 500-byte count every 500 ms.
  const sparse = [];
  for (let t = 0; t <= 5000; t += 500) sparse.push({ t, bytes: t * 125 });
  assert.ok(Math.abs(steadyRate(sparse, 1100, 5000) - 1) < 1e-9);
  assert.equal(steadyRate(sparse, 4100, 5000), null);
});

test("the ramp-up lasts a second, or twelve round trips on a long one", () => {
  assert.equal(rampMs(undefined), 1000);
  assert.equal(rampMs(60), 1000);
  assert.equal(rampMs(150), 1800);
  assert.equal(rampMs(600), 7200);
});

test("each request lasts a second, or ten round trips on a long one", () => {
  assert.equal(requestSeconds(null), 1);
  assert.equal(requestSeconds(60), 1);
  assert.equal(requestSeconds(150), 1.5);
});

test("a transfer whose last second runs well above its window is still rising", () => {
  // 600 ms round trip: 2 Mbit/s for 4 s, then the link opens to 9.6 Mbit/s.
  const climbing = [];
  for (let t = 0; t <= 6000; t += 100) {
    const bytes = t <= 4000 ? t * 250 : 1_000_000 + (t - 4000) * 1200;
    climbing.push({ t, bytes });
  }
  assert.equal(stillRising(climbing, 1000, 6000), true);
});

test("still rising by a few percent is still rising", () => {
  // 600 ms round trip: 8.9 Mbit/s over the window, 9.6 in its last second (8 % more).
  const creeping = [];
  for (let t = 0; t <= 8000; t += 100) {
    const bytes = t <= 7000 ? t * 1100 : 7_700_000 + (t - 7000) * 1200;
    creeping.push({ t, bytes });
  }
  assert.equal(stillRising(creeping, 4000, 8000), true);
  assert.equal(stillRising(creeping, 4000, 8000, 0.15), false);
});

test("a steady transfer, bursts and all, is not rising", () => {
  const steady = [];
  for (let t = 0; t <= 6000; t += 100) steady.push({ t, bytes: t * 1200 + (t % 500 ? 0 : 5000) });
  assert.equal(stillRising(steady, 1000, 6000), false);
});

test("loaded latency is the median of the probes after the ramp-up, when there are enough", () => {
  const probes = { all: [20, 30, 210, 190, 205], steady: [210, 190, 205] };
  assert.equal(loadedLatency(probes), 205);
  assert.equal(loadedLatency({ all: [20, 40], steady: [40] }), 30);
  assert.equal(loadedLatency({ all: [], steady: [] }), null);
});

test("a round trip that leaves no time for the steady part after the ramp cannot be measured", () => {
  const settings = { maxSeconds: 8, slowMaxSeconds: 11 };
  // 12 round trips of ramp-up, then 2 s of steady transfer within 8 s: up to 500 ms.
  assert.equal(measurableRoundTrip(20, settings), true);
  assert.equal(measurableRoundTrip(150, settings), true);
  assert.equal(measurableRoundTrip(500, settings), true);
  assert.equal(measurableRoundTrip(520, settings), false);
  assert.equal(measurableRoundTrip(600, settings), false);
});

test("a slow link's longer steady part counts against its own time allowed", () => {
  // Below the guidance the steady part lasts 4 s: after 12 round trips of 300 ms, 7.6 s in all.
  assert.equal(measurableRoundTrip(300, { maxSeconds: 8, slowMaxSeconds: 7 }), false);
  assert.equal(measurableRoundTrip(300, { maxSeconds: 8, slowMaxSeconds: 11 }), true);
});

test("a round trip that does not lengthen the ramp-up is never too long, whatever the time allowed", () => {
  // A test server allowing 3 s per direction: 55 ms is not the problem, and 300 ms is.
  assert.equal(measurableRoundTrip(55, { maxSeconds: 3, slowMaxSeconds: 3 }), true);
  assert.equal(measurableRoundTrip(300, { maxSeconds: 3, slowMaxSeconds: 3 }), false);
});

test("the acknowledged series ends exactly where the known part ends, between two steps", () => {
  // 10 Mbit/s for 130 ms: with points only every 50 ms, the last 30 ms of bytes went missing.
  const requests = [{ start: 0, end: 130, bytes: 162_500 }];
  const points = acknowledgedSeries(requests, 0, 130, 50);
  assert.deepEqual(points.map((p) => p.t), [0, 50, 100, 130]);
  assert.ok(Math.abs(steadyRate(points, 0, 130, 100) - 10) < 1e-9);
});

test("the steady part lasts 2 s at the guidance, 3 s down to half of it, 4 s below", () => {
  assert.equal(minimumSteadyMs(25, 10), 2000);
  assert.equal(minimumSteadyMs(10, 10), 2000);
  // A 10 Mbit/s link's goodput (9.56, or a little under) is the guidance's link.
  assert.equal(minimumSteadyMs(9.56, 10), 2000);
  assert.equal(minimumSteadyMs(9.5, 10), 2000);
  assert.equal(minimumSteadyMs(9.4, 10), 3000);
  assert.equal(minimumSteadyMs(5, 10), 3000);
  assert.equal(minimumSteadyMs(2.87, 10), 4000);
});

test("five pings settle the latency, or three already too long to measure the link", () => {
  const settings = { maxSeconds: 8, slowMaxSeconds: 11 };
  assert.equal(enoughPings([150, 151, 150, 152], settings), false);
  assert.equal(enoughPings([150, 151, 150, 152, 151], settings), true);
  assert.equal(enoughPings([601, 602, 600], settings), true);
  assert.equal(enoughPings([601, 602], settings), false);
  // One slow answer among quick ones is not a long round trip.
  assert.equal(enoughPings([40, 650, 41], settings), false);
});

test("an answer's bytes on the link are its status line, headers, blank line and body", () => {
  // "HTTP/1.1 200 OK\r\n" (17) + "content-type: application/json\r\n" (32)
  // + "content-length: 35\r\n" (20) + "\r\n" (2) + 35 bytes of body.
  const headers = new Headers({ "Content-Type": "application/json", "Content-Length": "35" });
  assert.equal(answerBytes(headers, 35), 17 + 32 + 20 + 2 + 35);
  assert.equal(answerBytes([], 0), 19);
});

test("an upload's bytes are placed where the server read them, not over the request's span", () => {
  // Sent from 0 to 1200 ms; a 200 ms queue held it: the server read its 10 000 body bytes
  // from 250 to 1150 ms (answer at 1150, here at 1160 with a 10 ms one-way trip back).
  const answer = { bytes: 10_000, headBytes: 400, received: [[900, 0], [450, 5000], [0, 10_000]] };
  const request = receivedRequest(0, 1160, answer, 10);
  assert.equal(request.bytes, 10_400);
  assert.deepEqual([request.start, request.end], [250, 1150]);
  const series = acknowledgedSeries([request], 0, 1200, 50);
  const at = (t) => series.find((p) => p.t === t).bytes;
  assert.equal(at(200), 0);
  assert.equal(at(250), 400); // the head arrived with the first bytes
  assert.equal(at(700), 5400);
  assert.equal(at(1150), 10_400);
  // Spread over its own span instead, 1 of the 10.4 kB would already count by 200 ms.
  const even = acknowledgedSeries([{ start: 0, end: 1160, bytes: 10_400 }], 0, 1200, 50);
  assert.ok(even.find((p) => p.t === 200).bytes > 1700);
});

test("an upload answer without arrival points is spread over the request's span", () => {
  const request = receivedRequest(0, 100, { bytes: 1000, headBytes: 0 });
  assert.deepEqual(request, { start: 0, end: 100, bytes: 1000 });
});

test("a ping's answer says how many bytes of its request the server received", () => {
  const body = (value) => new TextEncoder().encode(JSON.stringify(value)).buffer;
  assert.equal(receivedBytes(body({ server_time: 1, received_bytes: 412 })), 412);
  assert.equal(receivedBytes(body({ server_time: 1 })), 0);
  assert.equal(receivedBytes(new TextEncoder().encode("not json").buffer), 0);
});
