// The video platform's probes, without a browser: node --test tests/js/
// Real local HTTP servers stand in for the platform: one answering (even with a 404), one that
// never answers (the timeout), and a port where nothing listens (refused).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";

import { probePlatform } from "../../static/js/platform.js";

function serve(handler) {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const urlOf = (server, path = "/pixel.gif") => `http://127.0.0.1:${server.address().port}${path}`;

async function closedPort() {
  const server = await serve(() => {});
  const url = urlOf(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

test("no probe set: nothing to report", async () => {
  assert.deepEqual(await probePlatform({ platformProbes: [] }), {});
  assert.deepEqual(await probePlatform({}), {});
});

test("any HTTP answer, even a 404, means the platform's domain is reachable", async () => {
  const server = await serve((request, response) => response.writeHead(404).end());
  try {
    const settings = { platformProbes: [urlOf(server)], platformTimeoutMs: 2000 };
    assert.deepEqual(await probePlatform(settings), { platform_reachable: true });
  } finally {
    server.close();
  }
});

test("one probe answering is enough", async () => {
  const server = await serve((request, response) => response.end("GIF89a"));
  try {
    const settings = { platformProbes: [await closedPort(), urlOf(server)], platformTimeoutMs: 2000 };
    assert.deepEqual(await probePlatform(settings), { platform_reachable: true });
  } finally {
    server.close();
  }
});

test("refused and silent probes are blocked, the silent one after the timeout", async () => {
  const silent = await serve(() => {}); // accepts, never answers
  try {
    const settings = {
      platformProbes: [await closedPort(), urlOf(silent)],
      platformTimeoutMs: 300,
    };
    const started = Date.now();
    assert.deepEqual(await probePlatform(settings), { platform_reachable: false });
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 2000, `took ${took} ms`);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});
