// The daily sheet (来人来电表录入): a spreadsheet-like grid, paste from Excel, upload, check, save.
// Plain JavaScript, no framework: the office network may have no internet.
(function () {
  "use strict";

  const page = document.getElementById("sheet-page");
  if (!page) return;
  const COLUMNS = ["kind", "occurred_at", "consultant", "name", "gender", "phone", "source", "note"];
  const START_ROWS = 15;
  const MORE_ROWS = 10;
  const words = JSON.parse(document.getElementById("sheet-messages").textContent);
  const body = document.getElementById("sheet-rows");
  const rowTemplate = document.getElementById("sheet-row-template");
  const fileInput = document.getElementById("sheet-file");
  const el = (id) => document.getElementById(id);

  // The file as uploaded is sent as is (so the batch keeps it) until the grid is edited.
  let pristineFile = null;
  let busy = false;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));
  }

  // ---------------------------------------------------------------- the grid
  function addRows(count, values) {
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < count; i++) {
      const row = rowTemplate.content.firstElementChild.cloneNode(true);
      const cells = values ? values[i] : null;
      if (cells) {
        row.querySelectorAll("input").forEach((input, col) => {
          input.value = cells[COLUMNS[col]] || "";
        });
      }
      fragment.appendChild(row);
    }
    body.appendChild(fragment);
    renumber();
  }

  function rows() {
    return Array.from(body.children);
  }

  function renumber() {
    rows().forEach((row, index) => {
      row.firstElementChild.textContent = index + 1;
      row.dataset.row = index + 1;
    });
  }

  function setGrid(values) {
    body.textContent = "";
    addRows(Math.max(values.length, 1), values);
  }

  function cellAt(rowIndex, col) {
    while (rowIndex >= body.children.length) addRows(MORE_ROWS);
    return body.children[rowIndex].querySelectorAll("input")[col];
  }

  function position(input) {
    return { row: Number(input.closest(".sheet-line").dataset.row) - 1, col: Number(input.dataset.col) };
  }

  function isBlank(row) {
    return Array.from(row.querySelectorAll("input")).every((input) => !input.value.trim());
  }

  function edited(row) {
    pristineFile = null;
    if (row) clearResult(row);
  }

  // Enter and the arrows move like a spreadsheet; Tab moves right by itself.
  body.addEventListener("keydown", (event) => {
    const input = event.target;
    if (input.tagName !== "INPUT") return;
    const at = position(input);
    let target = null;
    if (event.key === "Enter" || (event.key === "ArrowDown" && !input.list)) {
      target = event.shiftKey && event.key === "Enter" ? at.row - 1 : at.row + 1;
    } else if (event.key === "ArrowUp" && !input.list) {
      target = at.row - 1;
    }
    if (target === null || target < 0) return;
    event.preventDefault();
    const next = cellAt(target, at.col);
    next.focus();
    next.select();
  });

  body.addEventListener("input", (event) => edited(event.target.closest(".sheet-line")));

  // Rows copied from Excel arrive as tab-separated lines: fill from the cell pasted into.
  body.addEventListener("paste", (event) => {
    const input = event.target;
    if (input.tagName !== "INPUT") return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return;
    event.preventDefault();
    const lines = parseTsv(text);
    const at = position(input);
    lines.forEach((cells, offset) => {
      cells.forEach((value, c) => {
        if (at.col + c < COLUMNS.length) cellAt(at.row + offset, at.col + c).value = value.trim();
      });
      edited(body.children[at.row + offset]);
    });
  });

  function parseTsv(text) {
    // Excel quotes a cell that holds a tab, a newline or a quote.
    const rows = [];
    let row = [];
    let cell = "";
    let quoted = false;
    const source = text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
    for (let i = 0; i < source.length; i++) {
      const ch = source[i];
      if (quoted) {
        if (ch === '"' && source[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"' && cell === "") quoted = true;
      else if (ch === "\t") { row.push(cell); cell = ""; }
      else if (ch === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
      else cell += ch;
    }
    row.push(cell);
    rows.push(row);
    return rows;
  }

  function gridCsv() {
    const filled = rows().filter((row) => !isBlank(row));
    const quote = (value) => (/[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value);
    const lines = [COLUMNS.join(",")];
    filled.forEach((row) => {
      lines.push(Array.from(row.querySelectorAll("input"), (input) => quote(input.value.trim())).join(","));
    });
    return { rows: filled, blob: new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" }) };
  }

  // ---------------------------------------------------------------- talking to the server
  function send(file, filename, { dryRun }) {
    const form = new FormData();
    form.append("project", page.dataset.project);
    form.append("file", file, filename);
    const query = new URLSearchParams();
    if (dryRun) query.set("dry_run", "1");
    if (el("sheet-atomic").checked) query.set("atomic", "1");
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", page.dataset.importUrl + "?" + query.toString());
      xhr.setRequestHeader("X-CSRFToken", page.querySelector("[name=csrfmiddlewaretoken]").value);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) progress((event.loaded / event.total) * 80, words.uploading);
      });
      xhr.upload.addEventListener("load", () => progress(85, words.processing));
      xhr.addEventListener("load", () => {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (_) { data = null; }
        if (xhr.status === 200 && data) resolve(data);
        else reject(new Error((data && data.detail) || words.serverError));
      });
      xhr.addEventListener("error", () => reject(new Error(words.networkError)));
      progress(2, words.uploading);
      xhr.send(form);
    });
  }

  function progress(percent, label) {
    el("sheet-progress-box").hidden = percent === null;
    if (percent === null) return;
    el("sheet-progress").value = percent;
    el("sheet-progress-label").textContent = label || "";
  }

  function showError(message) {
    el("sheet-error").hidden = !message;
    el("sheet-error").textContent = message || "";
  }

  function setBusy(value) {
    busy = value;
    ["sheet-check", "sheet-save", "sheet-file", "sheet-clear"].forEach((id) => { el(id).disabled = value; });
  }

  async function run({ dryRun }) {
    if (busy) return;
    showError("");
    let sent = null;
    let file = pristineFile;
    let filename = file ? file.name : "sheet.csv";
    if (!file) {
      const grid = gridCsv();
      if (!grid.rows.length) { showError(words.empty); return; }
      sent = grid.rows;
      file = grid.blob;
    }
    setBusy(true);
    try {
      const report = await send(file, filename, { dryRun });
      if (!sent) {
        setGrid(report.rows.map((r) => r.input || {}));
        sent = rows();
      }
      showReport(report, sent);
    } catch (error) {
      showError(error.message);
    } finally {
      setBusy(false);
      progress(null);
    }
  }

  // ---------------------------------------------------------------- the report, row by row
  function clearResult(row) {
    delete row.dataset.outcome;
    delete row.dataset.status;
    row.querySelector(".sheet-result").textContent = "";
    row.querySelectorAll("input.sheet-cell-error").forEach((input) => {
      input.classList.remove("sheet-cell-error");
      input.removeAttribute("title");
    });
  }

  function reasons(result) {
    return result.errors.map((e) => e.message).join("; ");
  }

  function outcome(result, report) {
    const values = { reasons: reasons(result) };
    if (result.status === "duplicate") return ["duplicate", fmt(words.duplicate, values)];
    if (result.status === "invalid") {
      if (!report.stored) return ["invalid", fmt(words.invalid, values)];
      return ["invalid", fmt(result.registration ? words.storedInvalid : words.notStored, values)];
    }
    if (report.stored) return ["created", words.created];
    const owner = result.owner;
    const consultant = (result.input || {}).consultant;
    if (owner && owner.username !== consultant && owner.name !== consultant) {
      return ["collision", fmt(words.collision, { name: owner.name })];
    }
    if (owner) return ["created", words.willCreate + " · " + fmt(words.returning, { name: owner.name })];
    return ["created", words.willCreate];
  }

  function showReport(report, sent) {
    rows().forEach(clearResult);
    report.rows.forEach((result) => {
      const row = sent[result.row - 1];
      if (!row) return;
      const [kind, text] = outcome(result, report);
      row.dataset.outcome = kind;
      row.dataset.status = result.status;
      const cell = row.querySelector(".sheet-result");
      const status = document.createElement("span");
      status.className = "sheet-status sheet-status-" + kind;
      status.dataset.testid = "row-status";
      status.textContent = text;
      cell.appendChild(status);
      if (result.customer && (report.stored || result.owner)) {
        const link = document.createElement("a");
        link.href = page.dataset.customerUrl.replace("/0/", "/" + result.customer + "/");
        link.dataset.testid = "row-customer-link";
        link.textContent = words.customer;
        cell.appendChild(link);
      }
      result.errors.forEach((e) => {
        const input = e.field && row.querySelector(`input[name="${e.field}"]`);
        if (input) { input.classList.add("sheet-cell-error"); input.title = e.message; }
      });
    });
    summarise(report);
  }

  function summarise(report) {
    const counts = { created: report.created, invalid: report.invalid, duplicate: report.duplicate };
    let text = fmt(words.saveSummary, counts);
    if (report.dry_run) text = fmt(words.checkSummary, counts);
    else if (!report.stored) text = fmt(words.atomicRefused, counts);
    el("sheet-summary").textContent = text;
    el("sheet-summary").dataset.state = report.dry_run ? "checked" : report.stored ? "saved" : "refused";
    const link = el("sheet-report");
    link.hidden = !report.batch;
    if (report.batch) link.href = page.dataset.reportUrl.replace("/0/", "/" + report.batch + "/");
  }

  // ---------------------------------------------------------------- the buttons
  fileInput.addEventListener("change", () => {
    if (!fileInput.files.length) return;
    pristineFile = fileInput.files[0];
    fileInput.value = "";
    run({ dryRun: true });
  });
  el("sheet-check").addEventListener("click", () => run({ dryRun: true }));
  el("sheet-save").addEventListener("click", () => run({ dryRun: false }));
  el("sheet-add-rows").addEventListener("click", () => addRows(MORE_ROWS));
  el("sheet-clear").addEventListener("click", () => {
    pristineFile = null;
    setGrid([]);
    addRows(START_ROWS - 1);
    showError("");
    el("sheet-summary").textContent = "";
    el("sheet-report").hidden = true;
    body.querySelector("input").focus();
  });

  addRows(START_ROWS);
  body.querySelector("input").focus();
})();
