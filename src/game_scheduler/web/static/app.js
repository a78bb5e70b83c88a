// Small progressive enhancements; every page works without them (times then show in UTC).
"use strict";

function pad(n) {
  return String(n).padStart(2, "0");
}

function localInputValue(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function localiseTimes() {
  const options = {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  };
  const format = new Intl.DateTimeFormat(undefined, options);
  const withSeconds = new Intl.DateTimeFormat(undefined, { ...options, second: "2-digit" });
  for (const el of document.querySelectorAll("time[data-local]")) {
    const date = new Date(el.getAttribute("datetime"));
    const chosen = el.hasAttribute("data-seconds") ? withSeconds : format;
    if (!Number.isNaN(date.getTime())) el.textContent = chosen.format(date);
  }
}

// Discord's <t:…:style> timestamps, formatted as the Discord client does in the reader's zone.
const DISCORD_STYLES = {
  t: { hour: "2-digit", minute: "2-digit" },
  T: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
  d: { day: "2-digit", month: "2-digit", year: "numeric" },
  D: { day: "numeric", month: "long", year: "numeric" },
  f: { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
  F: {
    weekday: "long", day: "numeric", month: "long", year: "numeric",
    hour: "2-digit", minute: "2-digit",
  },
};

function relativeText(date, now) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, "second");
}

function localiseDiscordTimes() {
  const now = Date.now();
  for (const el of document.querySelectorAll("time[data-discord-time]")) {
    const date = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(date.getTime())) continue;
    const style = el.dataset.discordTime;
    el.textContent = style === "R"
      ? relativeText(date, now)
      : new Intl.DateTimeFormat(undefined, DISCORD_STYLES[style] || DISCORD_STYLES.f).format(date);
  }
}

// The server stores UTC; the offset is UTC minus local for the chosen date (daylight saving).
function fillOffset(form) {
  const input = form.querySelector("[data-local-input]");
  const offset = form.querySelector("[data-tz-offset]");
  if (!input || !offset || !input.value) return;
  const date = new Date(input.value);
  if (!Number.isNaN(date.getTime())) offset.value = String(date.getTimezoneOffset());
}

// A zone picker left blank starts on the browser's zone; the form names the zone in use.
function setUpZonePickers(browserZone) {
  for (const picker of document.querySelectorAll("select[data-zone-picker][data-browser-default]")) {
    if (!picker.value && [...picker.options].some((o) => o.value === browserZone)) {
      picker.value = browserZone;
    }
  }
  for (const form of document.querySelectorAll("form[data-tz-form]")) {
    const picker = form.querySelector("select[data-zone-picker]");
    if (!picker) continue;
    const name = () => {
      for (const el of form.querySelectorAll("[data-tz-name]")) {
        el.textContent = picker.value || browserZone;
      }
    };
    name();
    picker.addEventListener("change", name);
  }
}

function setUpTimeForms() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";
  for (const el of document.querySelectorAll("[data-tz-name]")) el.textContent = zone;
  setUpZonePickers(zone);
  for (const form of document.querySelectorAll("form[data-tz-form]")) {
    const input = form.querySelector("[data-local-input]");
    if (input && input.dataset.utc) {
      const date = new Date(`${input.dataset.utc}:00Z`);
      if (!Number.isNaN(date.getTime())) input.value = localInputValue(date);
    }
    fillOffset(form);
    if (input) input.addEventListener("change", () => fillOffset(form));
    form.addEventListener("submit", () => fillOffset(form));
  }
}

function setUpChannelPicker() {
  const picker = document.querySelector("[data-channel-picker]");
  if (!picker) return;
  picker.addEventListener("change", () => {
    const option = picker.selectedOptions[0];
    if (!option) return;
    for (const el of document.querySelectorAll("[data-default-offsets]")) {
      el.textContent = option.dataset.offsets;
    }
    for (const el of document.querySelectorAll("[data-default-max]")) {
      el.textContent = option.dataset.max;
    }
    const max = document.querySelector("[data-default-max-input]");
    if (max) max.placeholder = option.dataset.max;
  });
}

function setUpCopyButtons() {
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const input = document.getElementById(button.dataset.copy);
      const status = document.querySelector(`[data-copy-status="${button.dataset.copy}"]`);
      input.select();
      let copied = false;
      try {
        await navigator.clipboard.writeText(input.value);
        copied = true;
      } catch (_error) {
        copied = document.execCommand && document.execCommand("copy");
      }
      if (status) status.textContent = copied ? "Copied." : "Selected: press Ctrl+C to copy.";
    });
  }
}

// Characters as the server counts them: code points, and a line break is sent as CR LF.
function countCharacters(field) {
  const text = field.value;
  const breaks = field.tagName === "TEXTAREA" ? (text.match(/\n/g) || []).length : 0;
  return [...text].length + breaks;
}

// maxlength would cut a paste silently; instead keep the text and say how much is too much.
function setUpCounters() {
  for (const counter of document.querySelectorAll("[data-counter-for]")) {
    const field = document.getElementById(counter.dataset.counterFor);
    if (!field) continue;
    const limit = Number(field.getAttribute("maxlength"));
    if (!limit) continue;
    field.removeAttribute("maxlength");
    field.dataset.limit = String(limit);
    const update = () => {
      const used = countCharacters(field);
      const over = used - limit;
      counter.textContent = over > 0
        ? `${used} / ${limit} characters: ${over} too many`
        : `${used} / ${limit} characters`;
      counter.classList.toggle("over", over > 0);
    };
    field.addEventListener("input", update);
    update();
  }
}

// A refused form was answered to a POST; make the address the form's page, so a reload GETs it.
function forgetPost() {
  const url = document.body.dataset.replaceUrl;
  if (url) history.replaceState(null, "", url);
}

function focusErrors() {
  const summary = document.querySelector("[data-focus]");
  if (summary) summary.focus();
}

function fillBrowserZone() {
  // The series keeps its local time in this zone; offer the browser's own unless one was typed.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("[data-browser-zone]").forEach((input) => {
    if (zone && (input.value === "" || input.value === "UTC")) input.value = zone;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  fillBrowserZone();
  localiseTimes();
  localiseDiscordTimes();
  setInterval(localiseDiscordTimes, 30000);
  setUpTimeForms();
  setUpChannelPicker();
  setUpCopyButtons();
  setUpCounters();
  forgetPost();
  focusErrors();
});
