/* buudien's few behaviours, from one file the Content-Security-Policy allows ('self'):
   no inline script or handler anywhere in the pages. Each is delegated from the document,
   so it works as well on parts htmx swaps in. */
(function () {
  "use strict";

  /* <select data-submit-on-change>: choosing sends its form (language, filters). */
  document.addEventListener("change", function (e) {
    var field = e.target;
    if (field.matches && field.matches("[data-submit-on-change]") && field.form) field.form.submit();
  });

  /* <button data-print>: print the page. */
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });

  /* <a data-escape>: the Esc key follows it (the way back from a full-screen view). The key
     is taken from the browser, whose own Esc would stop the page loading it asked for. */
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    var back = document.querySelector("a[data-escape]");
    if (!back) return;
    e.preventDefault();
    back.click();
  });

  /* <textarea data-enter-submits>: Enter sends the form (as in a one-line search box),
     Shift+Enter starts a new line. */
  document.addEventListener("keydown", function (e) {
    var box = e.target;
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || !box.matches) return;
    if (!box.matches("textarea[data-enter-submits]") || !box.form) return;
    e.preventDefault();
    box.form.requestSubmit();
  });

  /* On arriving at a page, the cursor waits where the work starts, so a clerk types (or
     scans) at once: the first field with an error, else the first field of the page's
     form (a counter form; a search on a list), unless a field took the focus already
     (autofocus) or the form opts out (data-no-focus). Forms that only confirm an action
     (data-confirm: cancel, close) are not where work starts. */
  function focusWhereWorkStarts() {
    if (document.activeElement && document.activeElement !== document.body) return;
    // The page chose (autofocus): focused now, not when the browser gets round to it (a
    // loaded machine's Chromium did so after the load event).
    var chosen = document.querySelector("[autofocus]");
    if (chosen) { chosen.focus({ preventScroll: true }); return; }
    var main = document.querySelector("main");
    if (!main) return;
    var forms = main.querySelectorAll("form:not([data-confirm]):not([data-no-focus])");
    var form = null;
    for (var i = 0; i < forms.length && !form; i++) {
      if ((forms[i].getAttribute("method") || "").toLowerCase() === "post") form = forms[i];  // not .method: a field may be named so
    }
    form = form || main.querySelector("form[role=search]") || forms[0];
    if (!form) return;
    var fields = form.querySelectorAll(
      "input:not([type=hidden]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled]):not([readonly])");
    var first = form.querySelector("[aria-invalid=true]:not([type=hidden])");
    for (var j = 0; j < fields.length && !first; j++) {
      if (fields[j].offsetParent !== null && fields[j].type !== "submit") first = fields[j];
    }
    if (first) first.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusWhereWorkStarts);
  else focusWhereWorkStarts();

  /* <a data-shortcut="1">: the key 1 opens it, when no field has the focus (the counter
     home's operations, numbered). */
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1) return;
    var at = document.activeElement;
    if (at && (at.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(at.tagName))) return;
    var link = document.querySelector('a[data-shortcut="' + e.key + '"]');
    if (!link) return;
    e.preventDefault();
    link.click();
  });

  /* <form data-confirm="question">: asks before it is sent. */
  document.addEventListener("submit", function (e) {
    var form = e.target, question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) e.preventDefault();
  });

  /* After an htmx request of an element with data-after-reset (its form is emptied) or
     data-after-focus="#id" (that field gets the focus): the scanner's next code. */
  document.addEventListener("htmx:afterRequest", function (e) {
    var source = e.detail && e.detail.elt;
    if (!source || !source.getAttribute) return;
    if (source.hasAttribute("data-after-reset") && source.reset) source.reset();
    var focus = source.getAttribute("data-after-focus");
    var field = focus && document.querySelector(focus);
    if (field) field.focus();
  });

  /* <input data-ticks="NAME=VALUE"> (the COD amount): an amount typed ticks the box NAME=VALUE
     of its form and an amount cleared unticks it; unticking the box clears the amount, ticking
     it asks for the amount. Listened to on the way down, so that htmx (on the form) sends
     the form as it is then. */
  var box = function (field) {
    var pair = field.getAttribute("data-ticks").split("=");
    return field.form && field.form.querySelector(
      "input[type=checkbox][name='" + pair[0] + "'][value='" + pair[1] + "']");
  };
  var amount = function (field) { return /[1-9]/.test(field.value); };
  document.addEventListener("input", function (e) {
    var field = e.target;
    if (!field.matches || !field.matches("[data-ticks]")) return;
    var ticked = box(field);
    if (ticked) ticked.checked = amount(field);
  }, true);
  document.addEventListener("change", function (e) {
    var ticked = e.target;
    if (!ticked.matches || !ticked.matches("input[type=checkbox]") || !ticked.form) return;
    ticked.form.querySelectorAll("[data-ticks]").forEach(function (field) {
      if (box(field) !== ticked) return;
      if (!ticked.checked) {
        field.value = "";
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }
      else if (!amount(field)) field.focus();
    });
  }, true);

  /* A signature pad: draw with a finger, keep the drawing as a PNG data: URL in the form. */
  document.addEventListener("pointerdown", function (start) {
    var pad = start.target;
    if (!pad.matches || !pad.matches("canvas.signature")) return;
    var box = pad.getBoundingClientRect();
    if (pad.width !== Math.round(box.width)) {
      pad.width = Math.round(box.width);
      pad.height = Math.round(box.height);
    }
    var pen = pad.getContext("2d");
    pen.lineWidth = 2; pen.lineCap = "round"; pen.strokeStyle = "#102a43";
    var at = function (e) { var r = pad.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    var p = at(start); pen.beginPath(); pen.moveTo(p[0], p[1]);
    pad.setPointerCapture(start.pointerId);
    var drawn = false;  /* a touch that draws nothing (a tap, a scroll) signs nothing */
    var move = function (e) { var q = at(e); pen.lineTo(q[0], q[1]); pen.stroke(); drawn = true; };
    var end = function () {
      pad.removeEventListener("pointermove", move); pad.removeEventListener("pointerup", end);
      if (drawn) pad.closest("form").querySelector("input[name=signature]").value = pad.toDataURL("image/png");
    };
    pad.addEventListener("pointermove", move); pad.addEventListener("pointerup", end);
    start.preventDefault();
  });
  document.addEventListener("click", function (e) {
    if (!e.target.matches || !e.target.matches("button.clear-signature")) return;
    var form = e.target.closest("form"), pad = form.querySelector("canvas.signature");
    pad.getContext("2d").clearRect(0, 0, pad.width, pad.height);
    form.querySelector("input[name=signature]").value = "";
  });

  /* A list of people filtered by a name typed with or without its diacritics: each option
     carries data-folded (core.text.fold of its label). */
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().replace(/\s+/g, " ").trim();
  };
  document.addEventListener("input", function (e) {
    if (!e.target.matches || !e.target.matches("[data-picker-filter]")) return;
    var wanted = fold(e.target.value);
    e.target.closest(".picker").querySelectorAll("input[data-folded]").forEach(function (option) {
      var shown = option.checked || option.getAttribute("data-folded").indexOf(wanted) >= 0;
      option.closest("div").hidden = !shown;
    });
  });
})();
