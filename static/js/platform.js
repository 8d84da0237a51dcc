// The video platform's own addresses (READINESS_PLATFORM_PROBES): can this network reach them?
// Each is fetched once, without cookies or referrer, with a short timeout. Any answer at all
// (an opaque no-cors response, whatever its status) means the platform's domain is reachable;
// only a network error or the timeout counts as blocked. Nothing is read from the answers.

async function reachable(url, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    await fetch(url, {
      mode: "no-cors",
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** {platform_reachable: true|false} for the report, or {} when no probe is set. */
export async function probePlatform(settings) {
  const urls = settings.platformProbes || [];
  if (urls.length === 0) return {};
  const results = await Promise.all(
    urls.map((url) => reachable(url, settings.platformTimeoutMs || 5000)),
  );
  return { platform_reachable: results.some(Boolean) };
}
