/* The few behaviours htmx attributes cannot say by themselves. No framework, no build step. */
(function () {
  "use strict";

  // A Chinese mobile as typed: spaces, dashes and a +86 prefix are allowed (as on the server).
  function mobileDigits(value) {
    var digits = value.replace(/\D/g, "");
    if (digits.length === 13 && digits.indexOf("86") === 0) {
      digits = digits.slice(2);
    }
    return digits;
  }

  // The number last looked up, per box: kept in memory, never written into the page.
  var lookedUp = new WeakMap();

  function clear(element) {
    if (element) {
      element.innerHTML = "";
    }
  }

  // The phone box answers by itself once the number is complete; a shorter number clears the
  // answer so a stale card never stands under a different number.
  document.addEventListener("input", function (event) {
    var box = event.target.closest && event.target.closest("[data-phone-lookup]");
    if (!box) {
      return;
    }
    var digits = mobileDigits(box.value);
    if (digits.length === 11) {
      if (lookedUp.get(box) !== digits) {
        lookedUp.set(box, digits);
        htmx.trigger(box.form, "phone-complete");
      }
      return;
    }
    lookedUp.delete(box);
    clear(document.querySelector(box.dataset.phoneLookup));
  });

  // Back to an empty phone box, ready for the next customer, without reloading the page.
  function resetDesk() {
    var box = document.querySelector("[data-phone-lookup]");
    if (!box) {
      return false;
    }
    box.value = "";
    lookedUp.delete(box);
    clear(document.querySelector(box.dataset.phoneLookup));
    box.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-desk-reset]");
    if (trigger && resetDesk()) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !event.defaultPrevented) {
      resetDesk();
      return;
    }
    // Enter saves from any field of a form that says so, selects and choices included.
    if (event.key !== "Enter" || event.isComposing || event.shiftKey) {
      return;
    }
    var field = event.target;
    var form = field.form;
    if (!form || !form.hasAttribute("data-enter-submits")) {
      return;
    }
    var tag = field.tagName;
    if (tag === "TEXTAREA" || tag === "BUTTON" || tag === "A") {
      return;
    }
    event.preventDefault();
    form.requestSubmit();
  });

  // A failed request says so in plain words; the server's error page is never swapped in.
  function toast(message) {
    var box = document.getElementById("toast");
    if (!box) {
      return;
    }
    box.textContent = message;
    box.hidden = false;
    clearTimeout(box.timer);
    box.timer = setTimeout(function () {
      box.hidden = true;
    }, 6000);
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var messages = document.body.dataset;
    if (status === 403 || status === 404) {
      toast(messages.msgNotAllowed);
    } else if (status === 429) {
      toast(messages.msgTooMany);
    } else {
      toast(messages.msgServerError);
    }
  });

  document.body.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.msgOffline);
  });

  // A form loaded on request (registering a returning customer) is ready to type into.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-focus-first")) {
      var field = target.querySelector("input:not([type=hidden]), select");
      if (field) {
        field.focus();
      }
    }
  });

  // A registration at the desk completes the walk-in the rotation bar is waiting on, when it is
  // for the same consultant (the server checks it again: reception_mismatch otherwise).
  document.body.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "desk-form") {
      return;
    }
    var waiting = document.getElementById("rotation-reception");
    var chosen = form.querySelector("[name=consultant]");
    var desk = form.closest("[data-user]");
    var consultant = chosen ? chosen.value : desk && desk.dataset.user;
    if (waiting && consultant && waiting.dataset.consultant === consultant) {
      event.detail.parameters.reception = waiting.dataset.receptionId;
    }
  });

  // The "More" menu closes when the person clicks elsewhere or presses Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.nav-more[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll("details.nav-more[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
    }
  });

  // A session that expired mid-shift: go to the login page instead of swapping it in.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr.responseURL || "";
    if (url.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      window.location.href = url;
    }
  });
})();
