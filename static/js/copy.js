// Copy buttons: <button data-copy="id" hidden> copies the text of the element with that id.
// The clipboard API needs a secure page and the browser's permission; without them the text is
// selected instead, for the person to copy with the keyboard.
// A button is shown only once it works: until this deferred script has run (or without
// JavaScript) a click would do nothing, so there is no button to click.
import { announce, pageMessages } from "./page.js";

const messages = pageMessages("copy-messages");
function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

async function copy(button) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const status = button.closest(".copy-block")?.querySelector("[data-copy-status]");
  const text = source.innerText.trim();
  try {
    if (!navigator.clipboard) throw new Error("no clipboard");
    await navigator.clipboard.writeText(text);
    announce(status, messages.copied);
    button.dataset.copied = "true";
  } catch {
    selectText(source);
    source.focus();
    announce(status, messages.selected);
  }
}

for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", () => copy(button));
  button.hidden = false;
}
