// The media path's arithmetic and route names, without a browser: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  askCounts,
  everyPairFailed,
  pairFailed,
  quietLimitMs,
  lossPercent,
  receivePackets,
  routeOf,
  sendPackets,
  TransitJitter,
} from "../../static/js/media.js";

test("a direct UDP pair is the udp route, whether host, server-reflexive or peer-reflexive", () => {
  for (const candidateType of ["host", "srflx", "prflx"]) {
    assert.equal(routeOf({ candidateType, protocol: "udp" }), "udp");
  }
});

test("a relayed pair is named by how the browser reached the relay", () => {
  assert.equal(routeOf({ candidateType: "relay", protocol: "udp", relayProtocol: "udp" }), "relay-udp");
  assert.equal(routeOf({ candidateType: "relay", protocol: "udp", relayProtocol: "tcp" }), "relay-tcp");
  assert.equal(routeOf({ candidateType: "relay", protocol: "udp", relayProtocol: "tls" }), "tls");
});

test("a direct TCP pair is tcp, and no pair at all is none", () => {
  assert.equal(routeOf({ candidateType: "host", protocol: "tcp" }), "tcp");
  assert.equal(routeOf(null), "none");
});

test("loss is the share of packets sent that never arrived", () => {
  assert.equal(lossPercent(100, 92), 8);
  assert.equal(lossPercent(100, 100), 0);
  assert.equal(lossPercent(0, 0), null);
});

test("jitter stays zero for evenly spaced packets and grows when transit time wobbles", () => {
  const steady = new TransitJitter();
  const wobbly = new TransitJitter();
  for (let i = 0; i < 50; i += 1) {
    steady.add(i * 20, i * 20 + 30);
    wobbly.add(i * 20, i * 20 + 30 + (i % 2) * 40);
  }
  assert.equal(steady.jitter, 0);
  assert.ok(wobbly.jitter > 20, `jitter ${wobbly.jitter}`);
});

// A data channel as the check sees it: messages out through a queue that empties at the pace
// the test chooses (a lossy link shrinks the congestion window), messages in as events.
class FakeChannel extends EventTarget {
  constructor(onSend = () => {}) {
    super();
    this.readyState = "open";
    this.bufferedAmount = 0;
    this.onSend = onSend;
  }

  send(data) {
    this.bufferedAmount += typeof data === "string" ? data.length : data.byteLength;
    this.onSend(data);
  }

  deliver(data) {
    this.dispatchEvent(Object.assign(new Event("message"), { data }));
  }
}

function serverPacket(kind, sequence) {
  const buffer = new ArrayBuffer(1000);
  const view = new DataView(buffer);
  view.setUint8(0, kind.charCodeAt(0));
  view.setUint32(1, sequence);
  view.setFloat64(5, performance.timeOrigin + performance.now());
  return buffer;
}

test("the upload count waits for packets still queued in the browser, not only 500 ms", async () => {
  const leftQueue = [];
  // One packet leaves the queue every 300 ms: the last of five is still here at 1.2 s.
  const media = new FakeChannel((data) => {
    setTimeout(
      () => {
        media.bufferedAmount -= data.byteLength;
        leftQueue.push(performance.now());
      },
      300 * (leftQueue.length + media.bufferedAmount / data.byteLength),
    );
  });
  const up = await sendPackets(media, 5, 10, 1000);
  assert.equal(up.sent, 5);
  assert.equal(media.bufferedAmount, 0, "resolved while packets were still queued");
  assert.equal(leftQueue.length, 5);
});

test("the download count waits for the server's word that it sent its last packet", async () => {
  const media = new FakeChannel();
  // The server's queue lets its first packet out at once and its second 3.7 s later, then
  // its word "sent": well beyond 2 packets' time plus the 3 s the count once waited.
  const control = new FakeChannel((data) => {
    if (JSON.parse(data).type !== "send") return;
    setTimeout(() => media.deliver(serverPacket("D", 0)), 50);
    setTimeout(() => media.deliver(serverPacket("D", 1)), 3700);
    setTimeout(() => control.deliver(JSON.stringify({ type: "sent", count: 2 })), 3710);
  });
  const down = await receivePackets(control, media, 2, 10, 1000);
  assert.deepEqual([down.sent, down.received], [2, 2]);
  assert.equal(lossPercent(down.sent, down.received), 0);
});

test("the server's count is waited for through a retransmission timeout or two", async () => {
  // The reliable control channel's answer comes 3.5 s late (lost once, resent after 1 + 2 s).
  const control = new FakeChannel((data) => {
    if (JSON.parse(data).type !== "counts") return;
    setTimeout(() => control.deliver(JSON.stringify({ type: "counts", received: 88 })), 3500);
  });
  const counts = await askCounts(control);
  assert.equal(counts?.received, 88, "the count was given up on");
});

test("the connect stops early only once every candidate pair has failed", () => {
  const failed = { state: "failed" };
  const checking = { state: "in-progress", requestsSent: 3, responsesReceived: 0 };
  assert.equal(everyPairFailed([failed, failed], true), true);
  assert.equal(everyPairFailed([failed, checking], true), false);
  // Gathering not over: a relay candidate may still come and succeed.
  assert.equal(everyPairFailed([failed], false), false);
  // No pair formed yet: nothing has failed.
  assert.equal(everyPairFailed([], true), false);
});

test("a pair whose checks go unanswered long enough has failed, one with an answer has not", () => {
  const silent = { state: "in-progress", requestsSent: 33, responsesReceived: 0 };
  assert.equal(pairFailed(silent, 2100, 2000), true);
  assert.equal(pairFailed(silent, 1500, 2000), false);
  assert.equal(pairFailed({ ...silent, requestsSent: 4 }, 5000, 2000), false);
  assert.equal(pairFailed({ ...silent, responsesReceived: 1 }, 5000, 2000), false);
  assert.equal(pairFailed({ state: "succeeded", requestsSent: 40 }, 5000, 2000), false);
  // The quiet limit follows a long round trip: 6 of them on a 600 ms satellite link.
  assert.equal(quietLimitMs(60), 2000);
  assert.equal(quietLimitMs(600), 3600);
  assert.equal(quietLimitMs(null), 2000);
});
