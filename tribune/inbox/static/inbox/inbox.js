// Inbox keyboard shortcuts and the "who is replying" state. No inline script (CSP).
// j / k: next / previous conversation · r: reply · e: close · a: assign to me.
(function () {
  "use strict";

  function typing(event) {
    const el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function submit(form) {
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // --- the queue ------------------------------------------------------------------------
  function queue(table) {
    const rows = Array.from(table.querySelectorAll("tbody tr[data-thread]"));
    const bulk = document.getElementById("bulk-form");
    let index = -1;

    function select(next) {
      if (!rows.length) return;
      index = Math.max(0, Math.min(rows.length - 1, next));
      rows.forEach((row, i) => row.classList.toggle("selected", i === index));
      const link = rows[index].querySelector("a.preview");
      if (link) link.focus();
    }

    function bulkOne(op) {
      if (!bulk || index < 0) return;
      bulk.querySelectorAll("input[name=threads]").forEach((box) => { box.checked = false; });
      const box = rows[index].querySelector("input[name=threads]");
      if (!box) return;
      box.checked = true;
      bulk.querySelector("select[name=op]").value = op;
      submit(bulk);
    }

    rows.forEach((row, i) => row.addEventListener("focusin", () => {
      index = i;
      rows.forEach((r, j) => r.classList.toggle("selected", j === i));
    }));

    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") { select(index + 1); event.preventDefault(); }
      else if (event.key === "k") { select(index - 1); event.preventDefault(); }
      else if (event.key === "r" && index >= 0) {
        const link = rows[index].querySelector("a.preview");
        if (link) window.location.href = link.href.split("#")[0] + "#reply";
      }
      else if (event.key === "e") bulkOne("close");
      else if (event.key === "a") bulkOne("assign-me");
    });

    const all = document.getElementById("select-all");
    if (all) all.addEventListener("change", () => {
      table.querySelectorAll("input[name=threads]").forEach((box) => { box.checked = all.checked; });
    });
  }

  // --- one thread -----------------------------------------------------------------------
  function thread(root) {
    const text = document.getElementById("reply-text");
    const state = document.getElementById("presence-state");
    const replyTo = document.getElementById("reply-to");

    function setState(value) { if (state) state.value = value; }
    if (text) {
      text.addEventListener("input", () => setState(text.value.trim() ? "replying" : "viewing"));
      text.addEventListener("focus", () => setState("replying"));
      text.addEventListener("blur", () => setState(text.value.trim() ? "replying" : "viewing"));
      if (text.value.trim()) setState("replying");
      // After the browser's own scroll to #reply, which would otherwise keep the focus.
      if (window.location.hash === "#reply") window.addEventListener("load", () => text.focus());
    }

    // Saved replies: choosing one fills the text (without JavaScript, the server does it).
    const saved = document.getElementById("saved-reply");
    if (saved && text) saved.addEventListener("change", () => {
      const option = saved.selectedOptions[0];
      if (option && option.dataset.text) {
        text.value = option.dataset.text;
        text.focus();
        setState("replying");
      }
    });

    // "Reply to this message" buttons point the form at one message.
    root.querySelectorAll("[data-reply-to]").forEach((button) => {
      button.addEventListener("click", () => {
        if (replyTo) replyTo.value = button.dataset.replyTo;
        const label = document.getElementById("reply-target");
        if (label) label.textContent = button.dataset.replyLabel || "";
        if (text) text.focus();
      });
    });

    const leave = root.dataset.leaveUrl;
    const token = document.querySelector("#presence-form input[name=csrfmiddlewaretoken]");
    if (leave && token && navigator.sendBeacon) {
      window.addEventListener("pagehide", () => {
        const data = new FormData();
        data.append("csrfmiddlewaretoken", token.value);
        data.append("state", "leave");
        navigator.sendBeacon(leave, data);
      });
    }

    function go(id) {
      const link = document.getElementById(id);
      if (link && link.href) window.location.href = link.href;
    }

    document.addEventListener("keydown", (event) => {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") go("next-thread");
      else if (event.key === "k") go("previous-thread");
      else if (event.key === "r" && text) { text.focus(); event.preventDefault(); }
      else if (event.key === "e") submit(document.getElementById("close-form"));
      else if (event.key === "a") submit(document.getElementById("assign-me-form"));
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const table = document.querySelector("table.queue");
    if (table) queue(table);
    const root = document.querySelector("[data-inbox-thread]");
    if (root) thread(root);
  });
})();
