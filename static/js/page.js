// What every page script needs: its translated messages and a JSON POST with the CSRF token.

/** The messages the server rendered into the page, already in the page's language. */
export function pageMessages(id = "page-messages") {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : {};
}

/** Replace %(name)s placeholders, as in the Python catalog. */
export function fill(message, values = {}) {
  return message.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

/** POST JSON to our own server, with the CSRF token from the page's meta tag. */
export async function postJSON(url, data) {
  const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(data),
  });
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }
  return response.json();
}

/** Say something to screen reader users through a polite live region. */
export function announce(region, text) {
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}
