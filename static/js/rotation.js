/* The rotation's few behaviours: the register-by countdown, clearing the receive form after a
   walk-in is received, and moving rows of the day's order by drag, buttons or Alt+arrows.
   The bar is swapped in by htmx and carries this script, so it may run more than once: the
   first run installs document-level listeners that serve every later swap. */
(function () {
  "use strict";

  if (window.salesofficeRotation) {
    window.salesofficeRotation.tick();
    return;
  }

  // -- the countdown -------------------------------------------------------------------------

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  // The server says how many seconds are left when it renders; the deadline is fixed in the
  // browser's own clock from then on, so a wrong clock on the tablet changes nothing.
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (!el.dataset.deadline) {
        el.dataset.deadline = String(now + Number(el.dataset.secondsLeft) * 1000);
      }
      var left = Math.floor((Number(el.dataset.deadline) - now) / 1000);
      var box = el.closest("[data-reception-id]");
      if (left < 0) {
        el.textContent = el.dataset.overdueLabel;
        if (box) {
          box.classList.add("is-overdue");
        }
        return;
      }
      el.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    });
  }

  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSettle", tick);

  // The server fires "rotation-received" on the receive form: clear the phone for the next one.
  document.addEventListener("rotation-received", function () {
    var form = document.getElementById("rotation-receive-form");
    if (form) {
      form.reset();
    }
  });

  // -- the day's order -----------------------------------------------------------------------

  function rowOf(element) {
    return element && element.closest ? element.closest("[data-roster-list] > li") : null;
  }

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key];
    });
  }

  // Places are counted over the ticked rows only: the order sent is the ticked rows' order.
  function renumber(list) {
    var place = 0;
    list.querySelectorAll(":scope > li").forEach(function (row) {
      var box = row.querySelector("input[type=checkbox]");
      var on = Boolean(box && box.checked);
      row.classList.toggle("is-on", on);
      row.querySelector("[data-place]").textContent = on ? String(++place) : "";
    });
  }

  function announce(row) {
    var list = row.parentElement;
    var out = document.getElementById("roster-announce");
    if (!out) {
      return;
    }
    var place = row.querySelector("[data-place]").textContent;
    var template = place ? list.dataset.movedLabel : list.dataset.offLabel;
    out.textContent = format(template, { name: row.dataset.name, place: place });
  }

  function move(row, direction) {
    var list = row.parentElement;
    if (direction === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (direction === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    }
    renumber(list);
    announce(row);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-move]");
    var row = rowOf(button);
    if (!row) {
      return;
    }
    move(row, button.dataset.move);
    button.focus();
  });

  // Alt+↑ / Alt+↓ on anything in a row (its checkbox, its arrows) moves the row; focus stays.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) {
      return;
    }
    var row = rowOf(event.target);
    if (!row) {
      return;
    }
    event.preventDefault();
    move(row, event.key === "ArrowUp" ? "up" : "down");
    event.target.focus();
  });

  document.addEventListener("change", function (event) {
    var row = rowOf(event.target);
    if (row && event.target.type === "checkbox") {
      renumber(row.parentElement);
      announce(row);
    }
  });

  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    dragged = rowOf(event.target);
    if (!dragged) {
      return;
    }
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.username);
  });

  document.addEventListener("dragover", function (event) {
    var row = rowOf(event.target);
    if (!dragged || !row || row.parentElement !== dragged.parentElement) {
      return;
    }
    event.preventDefault();
    if (row === dragged) {
      return;
    }
    var box = row.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    row.parentElement.insertBefore(dragged, after ? row.nextSibling : row);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) {
      event.preventDefault();
    }
  });

  document.addEventListener("dragend", function () {
    if (!dragged) {
      return;
    }
    dragged.classList.remove("is-dragging");
    renumber(dragged.parentElement);
    announce(dragged);
    dragged = null;
  });

  window.salesofficeRotation = { tick: tick };
  tick();
})();
