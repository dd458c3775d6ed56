// Drag a post chip onto another day to reschedule it (same local time).
(() => {
  const table = document.querySelector("table.calendar[data-can-move]");
  if (!table) return;
  const token = () => (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  let dragged = null;
  table.addEventListener("dragstart", (e) => {
    dragged = e.target.closest("[data-move]");
    if (dragged) e.dataTransfer.setData("text/plain", dragged.dataset.move);
  });
  table.addEventListener("dragover", (e) => { if (e.target.closest("td.day")) e.preventDefault(); });
  table.addEventListener("drop", async (e) => {
    const cell = e.target.closest("td.day");
    if (!cell || !dragged) return;
    e.preventDefault();
    const body = new URLSearchParams({ date: cell.dataset.date });
    const response = await fetch(dragged.dataset.move, {
      method: "POST", body, headers: { "X-CSRFToken": token() }, credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok) { cell.appendChild(dragged); window.location.reload(); }
    else { window.alert(data.error || response.statusText); }
  });
})();
