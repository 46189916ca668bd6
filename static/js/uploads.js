/* A form of photos (form[data-upload]) sent from the page rather than by the browser's own post:

   - while it goes: a progress bar, the percentage and the megabytes still to send, and a button to cancel
     (two 4 MB photos take 45 s at 1.5 Mbit/s);
   - refused: the server answers the errors by field (JSON, enterprises/results/views.py photo_pair_add) and
     they are shown next to their fields; the page is not replaced, so the chosen files stay chosen;
   - the connection drops, or the upload is cancelled: said so, the files still chosen, to send again;
   - added: the page the server names is opened (the success message is shown there, next to the section).

   Without JavaScript the form is posted as usual. Texts come from the form's data-upload-* attributes. */
(function () {
  "use strict";

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function megabytes(bytes) {
    return (Math.max(bytes, 0) / 1048576).toLocaleString(document.documentElement.lang || undefined, {
      minimumFractionDigits: 1, maximumFractionDigits: 1
    });
  }

  function clearErrors(form) {
    form.querySelectorAll(".upload-error").forEach(function (e) { e.remove(); });
    form.querySelectorAll(".is-invalid").forEach(function (e) { e.classList.remove("is-invalid"); });
    // what the server wrote on an earlier refusal without this script
    form.querySelectorAll(".invalid-feedback").forEach(function (e) { e.hidden = true; });
  }

  function showErrors(form, errors) {
    var first = null;
    var general = [];
    Object.keys(errors).forEach(function (name) {
      var texts = errors[name].map(function (e) { return e.message; });
      var field = name === "__all__" ? null : form.elements.namedItem(name);
      if (!field || !field.closest) { general = general.concat(texts); return; }
      field.classList.add("is-invalid");
      field.setAttribute("aria-invalid", "true");
      var note = document.createElement("div");
      note.className = "invalid-feedback d-block upload-error";
      note.id = (field.id || name) + "-upload-error";
      note.textContent = texts.join(" ");
      field.setAttribute("aria-describedby", note.id);
      var box = field.closest(".mb-3") || field.parentElement;
      box.appendChild(note);
      if (!first) { first = field; }
      var details = field.closest("details");
      if (details) { details.open = true; }
    });
    return { first: first, general: general };
  }

  function start(form) {
    var bar = form.querySelector(".upload-progress");
    var progress = bar.querySelector("progress");
    var status = bar.querySelector(".upload-status");
    var cancel = bar.querySelector(".upload-cancel");
    var problem = form.querySelector(".upload-problem");
    var submit = form.querySelectorAll("button[type=submit]");

    function tell(text) {
      problem.textContent = text;
      problem.hidden = !text;
      if (text) { problem.focus(); }
    }

    function busy(on) {
      bar.hidden = !on;
      submit.forEach(function (b) { b.disabled = on; });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();  // the page's own guard (portal.js) then leaves this form alone
      if (!bar.hidden) { return; }  // already on its way
      clearErrors(form);
      tell("");
      var data = new FormData(form);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action.split("#")[0]);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      progress.value = 0;
      status.textContent = "";
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var percent = Math.floor((e.loaded / e.total) * 100);
        progress.value = percent;
        status.textContent = say(form.dataset.uploadSent, { percent: percent + " %", left: megabytes(e.total - e.loaded) });
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (ignore) { answer = null; }
        if (xhr.status === 200 && answer && answer.location) {
          var target = new URL(answer.location, window.location.href);
          var here = window.location;
          window.location.assign(target.href);
          if (target.pathname === here.pathname && target.search === here.search) { window.location.reload(); }
          return;
        }
        busy(false);
        if (xhr.status === 400 && answer && answer.errors) {
          var shown = showErrors(form, answer.errors);
          tell([form.dataset.uploadRefused].concat(shown.general).join(" "));
          if (shown.first) { shown.first.focus(); }
          return;
        }
        tell(say(form.dataset.uploadFailed, { status: xhr.status }));
      });
      xhr.addEventListener("error", function () { busy(false); tell(form.dataset.uploadDropped); });
      xhr.addEventListener("timeout", function () { busy(false); tell(form.dataset.uploadDropped); });
      xhr.addEventListener("abort", function () { busy(false); tell(form.dataset.uploadCancelled); });
      cancel.onclick = function () { xhr.abort(); };
      busy(true);
      bar.scrollIntoView({ block: "nearest" });  // the progress in view, where the button was pressed
      xhr.send(data);
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    if (window.FormData && window.XMLHttpRequest && form.querySelector(".upload-progress")) { start(form); }
  });
})();
