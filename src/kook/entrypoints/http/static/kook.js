/* Kook portal: small behaviours on top of Bootstrap and htmx. No framework.
 * - POST forms: submit buttons are disabled after the first submit (no double
 *   posts); data-confirm="question" asks first; data-kook-no-lock opts out.
 * - input[data-toman]: a muted hint under it gives the rial amount in tomans.
 * - htmx requests carry the CSRF token (meta csrf-token) in x-csrftoken.
 * - input[data-jdp]: Jalali date picker (add data-jdp-only-date etc. as needed).
 * - .modal[data-kook-open]: a dialog the server rendered open is handed to Bootstrap.
 * - every form field: the browser's validation messages in Persian (on "invalid").
 * - input[type=file][data-kook-file]: a Persian «انتخاب فایل» label and the chosen file's name (#ID-chosen).
 * - form[data-kook-short] (a request's confirmation with the wallet short): «تایید» is enabled only while
 *   «تکرار درخواست» is chosen — a repeat holds nothing now; the other choices would be refused.
 */
(function () {
  "use strict";

  var PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  var THOUSANDS = "\u066C"; // ٬
  var DECIMAL = "\u066B"; // ٫
  var SUBMITS = 'button[type="submit"], button:not([type]), input[type="submit"], input[type="image"]';

  function toPersianDigits(text) {
    return String(text).replace(/[0-9]/g, function (d) {
      return PERSIAN_DIGITS.charAt(Number(d));
    });
  }

  function toLatinDigits(text) {
    return String(text)
      .replace(/[\u06F0-\u06F9]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); })
      .replace(/[\u0660-\u0669]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); });
  }

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, THOUSANDS);
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  // ---- (a) one click per submit -------------------------------------------
  function submitButtons(form) {
    var buttons = Array.prototype.slice.call(form.querySelectorAll(SUBMITS));
    if (form.id) {
      var outside = document.querySelectorAll('[form="' + CSS.escape(form.id) + '"]');
      Array.prototype.forEach.call(outside, function (el) {
        if (el.matches(SUBMITS) && buttons.indexOf(el) < 0) buttons.push(el);
      });
    }
    return buttons;
  }

  function setBusy(form, busy) {
    submitButtons(form).forEach(function (btn) {
      if (busy) {
        if (btn.disabled) return;
        btn.disabled = true;
        btn.setAttribute("data-kook-disabled", "");
        btn.setAttribute("aria-busy", "true");
      } else if (btn.hasAttribute("data-kook-disabled")) {
        btn.disabled = false;
        btn.removeAttribute("data-kook-disabled");
        btn.removeAttribute("aria-busy");
      }
    });
    if (busy) form.setAttribute("data-kook-submitting", "");
    else form.removeAttribute("data-kook-submitting");
  }

  function isHtmxForm(form) {
    return ["hx-post", "hx-get", "hx-put", "hx-patch", "hx-delete", "data-hx-post", "data-hx-get"]
      .some(function (attr) { return form.hasAttribute(attr); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented || isHtmxForm(form)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !form.hasAttribute("data-kook-submitting") && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // GET forms (filters, downloads) may be sent again; opt out with data-kook-no-lock.
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.hasAttribute("data-kook-no-lock") || form.target === "_blank") return;
    if (form.hasAttribute("data-kook-submitting")) {
      event.preventDefault(); // a second click while the first post is on its way
      return;
    }
    form.setAttribute("data-kook-submitting", "");
    // Disable after the browser has collected the form's data, so the clicked
    // button's own name/value is still sent.
    window.setTimeout(function () { setBusy(form, true); }, 0);
  });

  // Coming back with the browser's back button shows the page from its cache.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-kook-submitting]"), function (form) {
      setBusy(form, false);
    });
  });

  // ---- (b) toman hint under amount inputs ---------------------------------
  function tomanText(raw) {
    var latin = toLatinDigits(raw).replace(/[\s,\u066C\u060C_]/g, "");
    if (!/^\d+$/.test(latin)) return "";
    latin = latin.replace(/^0+(?=\d)/, "");
    var whole = latin.length > 1 ? latin.slice(0, -1) : "0";
    var tenth = latin.slice(-1);
    var text = group(whole) + (tenth !== "0" ? DECIMAL + tenth : "");
    return "معادل " + toPersianDigits(text) + " تومان";
  }

  function tomanHint(input) {
    var id = input.getAttribute("data-toman-hint");
    var hint = id ? document.getElementById(id) : null;
    if (hint) return hint;
    hint = document.createElement("div");
    hint.className = "form-text kook-toman-hint";
    hint.setAttribute("aria-live", "polite");
    hint.id = (input.id || input.name || "amount") + "-toman";
    input.setAttribute("data-toman-hint", hint.id);
    var anchor = input.closest(".input-group") || input;
    anchor.insertAdjacentElement("afterend", hint);
    return hint;
  }

  function updateToman(input) {
    tomanHint(input).textContent = tomanText(input.value);
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el instanceof HTMLInputElement && el.hasAttribute("data-toman")) updateToman(el);
  });

  // ---- (c) htmx sends the CSRF token --------------------------------------
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) event.detail.headers["x-csrftoken"] = token;
  });

  // A refused form (422) comes back with its errors to show; a refused action names its own target.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 422 || (xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget"))) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt instanceof HTMLFormElement) setBusy(elt, true);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt instanceof HTMLFormElement && elt.isConnected) setBusy(elt, false);
  });

  // ---- set up a piece of the page (initial load and htmx swaps) -----------
  function setUp(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input[data-toman]"), function (input) {
      if (input.value) updateToman(input);
      else tomanHint(input);
    });
    // a file the browser kept (back button, a restored form) is named too
    Array.prototype.forEach.call(root.querySelectorAll("input[data-kook-file]"), showChosenFile);
    // A bar's share (progress): set through the CSSOM, as the CSP allows no style="" attribute.
    var sized = Array.prototype.slice.call(root.querySelectorAll("[data-kook-width]"));
    if (root.hasAttribute && root.hasAttribute("data-kook-width")) sized.push(root);
    sized.forEach(function (elt) {
      var share = parseFloat(elt.getAttribute("data-kook-width"));
      elt.style.width = (isFinite(share) ? Math.max(0, Math.min(100, share)) : 0) + "%";
    });
  }

  // An element's own value sent under another name (data-kook-param="operator"): what hx-vals='js:…' did,
  // without the eval the CSP forbids.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.getAttribute) return;
    var name = elt.getAttribute("data-kook-param");
    if (name && "value" in elt) event.detail.parameters[name] = elt.value;
  });

  // ---- (f) a short wallet's confirmation: «تایید» follows «زمان انجام» ------
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.name !== "when" || !input.form) return;
    if (!input.form.hasAttribute("data-kook-short")) return;
    var button = input.form.querySelector("[data-kook-confirm]");
    if (button) button.disabled = input.value !== "repeat";
  });

  // ---- (d) the Jalali date picker reads the field's value as it opens ----------
  // It understands only Latin digits and yyyy/mm/dd: a value with Persian digits (typed, or sent back by
  // the server after an error, or prefilled) left it with no day grid (NaN), and 1405-2-5 fell back to
  // today. Before it opens (it listens for focusin on body; this runs first, capturing on document) the
  // value is put into the picker's own form — the form it writes when a day is picked.
  function pickerDate(text) {
    var latin = toLatinDigits(text).trim().replace(/[-.\u066B\u2215\uFF0F]/g, "/");
    var parts = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(latin);
    if (!parts) return null;
    return parts[1] + "/" + ("0" + parts[2]).slice(-2) + "/" + ("0" + parts[3]).slice(-2);
  }

  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-jdp") || !input.value) return;
    var date = pickerDate(input.value);
    if (date !== null && date !== input.value) input.value = date;
  }, true);

  // ---- (g) the browser's own English, in Persian ---------------------------------
  // Validation bubbles: on "invalid" a Persian message per failed constraint (setCustomValidity); it is
  // ours (data-kook-validity) and cleared as soon as the field changes or the form is sent again, so the
  // browser checks afresh. Fields keep their native keyboard and accessibility behaviour.
  function fa(n) { return toPersianDigits(n); }

  function validityMessage(el) {
    var v = el.validity;
    var type = (el.getAttribute("type") || "").toLowerCase();
    if (v.valueMissing) {
      if (type === "file") return "یک فایل انتخاب کنید.";
      if (type === "checkbox") return "برای ادامه این گزینه را علامت بزنید.";
      if (type === "radio") return "یکی از گزینه‌ها را انتخاب کنید.";
      if (el instanceof HTMLSelectElement) return "یکی از گزینه‌ها را انتخاب کنید.";
      return "این فیلد را پر کنید.";
    }
    if (v.typeMismatch) {
      if (type === "email") return "یک نشانی ایمیل درست وارد کنید.";
      if (type === "url") return "یک نشانی اینترنتی درست وارد کنید.";
      return "مقدار واردشده درست نیست.";
    }
    if (v.badInput) return type === "number" ? "یک عدد وارد کنید." : "مقدار واردشده درست نیست.";
    if (v.patternMismatch) {
      var title = el.getAttribute("title");
      return "قالب مقدار واردشده درست نیست" + (title ? ": " + title : ".");
    }
    if (v.tooShort) return "دست‌کم " + fa(el.minLength) + " نویسه وارد کنید (اکنون " + fa(el.value.length) + " نویسه).";
    if (v.tooLong) return "حداکثر " + fa(el.maxLength) + " نویسه وارد کنید (اکنون " + fa(el.value.length) + " نویسه).";
    if (v.rangeUnderflow) return "مقدار باید دست‌کم " + fa(el.min) + " باشد.";
    if (v.rangeOverflow) return "مقدار باید حداکثر " + fa(el.max) + " باشد.";
    if (v.stepMismatch) return "این مقدار پذیرفته نیست؛ نزدیک‌ترین مقدار مجاز را وارد کنید.";
    return "مقدار واردشده درست نیست.";
  }

  function clearValidity(el) {
    if (el && el.hasAttribute && el.hasAttribute("data-kook-validity")) {
      el.removeAttribute("data-kook-validity");
      el.setCustomValidity("");
    }
  }

  document.addEventListener("invalid", function (event) {
    var el = event.target;
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) return;
    if (el.validity.customError && !el.hasAttribute("data-kook-validity")) return; // someone else's message
    clearValidity(el);
    if (el.validity.valid) return;
    el.setCustomValidity(validityMessage(el));
    el.setAttribute("data-kook-validity", "");
  }, true);

  function clearOnChange(event) {
    var el = event.target;
    clearValidity(el);
    if (el instanceof HTMLInputElement && el.type === "radio" && el.form && el.name) {
      Array.prototype.forEach.call(el.form.querySelectorAll('input[type="radio"]'), function (radio) {
        if (radio.name === el.name) clearValidity(radio);
      });
    }
  }
  ["input", "change", "jdp:change"].forEach(function (name) { document.addEventListener(name, clearOnChange, true); });
  // sending again (a click on a submit button, also what Enter in a field does): the browser checks afresh
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(SUBMITS) : null;
    var form = button && button.form;
    if (!form) return;
    Array.prototype.forEach.call(form.elements, clearValidity);
  }, true);

  // File inputs: the native button and its «No file chosen» are hidden (the input stays focusable and
  // keeps its keyboard use); a label styled as a button says «انتخاب فایل» and a span the chosen name.
  var NO_FILE = "فایلی انتخاب نشده";

  function showChosenFile(input) {
    var shown = document.getElementById(input.id + "-chosen");
    if (!shown) return;
    var files = input.files || [];
    shown.textContent = files.length === 0 ? NO_FILE
      : files.length === 1 ? files[0].name : fa(files.length) + " فایل";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === "file" && input.hasAttribute("data-kook-file")) {
      showChosenFile(input);
    }
  });
  document.addEventListener("reset", function (event) {
    var form = event.target;
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("input[data-kook-file]"), showChosenFile);
    }, 0);
  });

  function start() {
    setUp(document);
    // ---- (d) Jalali date picker on input[data-jdp] (watches the whole page; see pickerDate above)
    if (window.jalaliDatepicker) {
      window.jalaliDatepicker.startWatch({
        persianDigits: true,
        showTodayBtn: true,
        showEmptyBtn: true,
        zIndex: 1090
      });
    }
    // ---- (e) a dialog the server rendered open (.modal[data-kook-open]) becomes Bootstrap's
    if (window.bootstrap) {
      Array.prototype.forEach.call(document.querySelectorAll(".modal[data-kook-open]"), function (dialog) {
        var backdrop = dialog.nextElementSibling;
        if (backdrop && backdrop.hasAttribute("data-kook-backdrop")) backdrop.remove();
        dialog.classList.remove("show", "d-block");
        dialog.removeAttribute("data-kook-open");
        window.bootstrap.Modal.getOrCreateInstance(dialog).show();
      });
    }
    if (window.htmx) {
      window.htmx.onLoad(function (elt) {
        if (elt && elt.querySelectorAll) setUp(elt);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.kook = {
    toPersianDigits: toPersianDigits, toLatinDigits: toLatinDigits, tomanText: tomanText, pickerDate: pickerDate
  };
})();
