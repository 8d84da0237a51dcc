// The media path's arithmetic and route names, without a browser: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { lossPercent, routeOf, TransitJitter } from "../../static/js/media.js";

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
