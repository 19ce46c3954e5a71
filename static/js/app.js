// Portal behaviour that needs script. Loaded as a static file, so the CSP needs no
// 'unsafe-inline': the CSRF token is read from a <meta> tag and sent with every htmx request.
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });
  // A stale or refused change answers 409/403/400 with a fragment worth showing.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A request that fails with nothing worth swapping in (a server error, a 404, a 503, no answer at
  // all) says so in a banner at the top of the page, on every page: a change that was not saved is
  // never lost without a word.
  function showProblem(message) {
    var banner = document.getElementById("request-problem");
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "request-problem";
      banner.className = "request-problem";
      banner.setAttribute("role", "alert");
      banner.setAttribute("data-testid", "request-problem");
      var list = document.createElement("ul");
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "secondary outline small";
      dismiss.textContent = "Dismiss";
      dismiss.addEventListener("click", function () {
        banner.remove();
      });
      banner.append(list, dismiss);
      (document.querySelector("main") || document.body).prepend(banner);
    }
    // Each problem on a line of its own, until dismissed: a later one does not hide an earlier one.
    var line = document.createElement("li");
    line.textContent = message;
    banner.querySelector("ul").append(line);
  }
  function problemText(status) {
    if (status === 404) {
      return "That record is gone, or no longer yours to see: nothing was changed. Reload the page to see where things stand.";
    }
    if (status === 503) {
      return "The service could not reach its database just now: nothing was changed. Try again in a moment.";
    }
    return "That did not work (error " + status + "): your last change may not have been saved. Reload the page to see where things stand, then try again.";
  }
  document.addEventListener("htmx:responseError", function (event) {
    showProblem(problemText(event.detail.xhr.status));
  });
  function unanswered() {
    showProblem("The server did not answer: your last change may not have been saved. Reload the page to see where things stand.");
  }
  // The browser checks a form the user submits before htmx sees it; a request htmx still halts was sent
  // by script (a waiting change, below): say so rather than drop it.
  document.addEventListener("htmx:validation:halted", function () {
    showProblem("Your change was not sent: a field of the form needs attention. Check it and try again.");
  });
  document.addEventListener("htmx:sendError", unanswered);
  document.addEventListener("htmx:timeout", unanswered);

  // Requests that change one record are serialised. Inside an element marked data-write-queue (which
  // also declares hx-sync="this:queue all"), a request asked for while another is in flight waits for
  // its answer. htmx's own queue would then drop it silently, because that answer redrew the form that
  // asked (the form holding the version it showed); here it is sent from the form as redrawn, found by
  // its id, with the values the user gave and the version the answer showed. When the request before it
  // failed or was refused, it is not sent, and the banner says so.
  var queues = new Map();
  function queueOf(element) {
    var container = element && element.closest ? element.closest("[data-write-queue]") : null;
    if (!container) {
      return null;
    }
    if (!queues.has(container)) {
      queues.set(container, { busy: false, waiting: [] });
    }
    return queues.get(container);
  }
  var NOT_REPLAYED = { version: true, csrfmiddlewaretoken: true };
  function valuesOf(element) {
    var values = {};
    function keep(name, value) {
      if (name && !NOT_REPLAYED[name]) {
        values[name] = value;
      }
    }
    if (element.tagName === "FORM") {
      new FormData(element).forEach(function (value, name) {
        keep(name, value);
      });
    } else {
      keep(element.name, element.value);
    }
    return values;
  }
  // The redrawn form shows what the user gave again (a reply's text, say): what is sent is what they see,
  // and a required field that the answer emptied does not stop the request.
  function restoreValues(form, values) {
    if (form.tagName !== "FORM") {
      return;
    }
    Object.keys(values).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && field.type !== "hidden" && field.type !== "checkbox" && "value" in field) {
        field.value = values[name];
      }
    });
  }
  document.addEventListener("htmx:confirm", function (event) {
    var queue = queueOf(event.detail.elt);
    if (!queue || !queue.busy) {
      return;
    }
    event.preventDefault();
    var asked = { id: event.detail.elt.id, verb: event.detail.verb, path: event.detail.path, values: valuesOf(event.detail.elt) };
    // The same request twice (Enter in a quantity fires both change and submit) is sent once.
    if (JSON.stringify(asked) !== JSON.stringify(queue.current)) {
      queue.waiting.push(asked);
    }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var queue = queueOf(event.detail.elt);
    var xhr = event.detail.xhr;
    if (!queue) {
      return;
    }
    queue.busy = true;
    queue.current = {
      id: event.detail.elt.id,
      verb: event.detail.requestConfig.verb,
      path: event.detail.requestConfig.path,
      values: valuesOf(event.detail.elt),
    };
    // loadend comes after htmx has swapped the answer in (or given up): the page is the new one.
    xhr.addEventListener("loadend", function () {
      queue.busy = false;
      queue.current = null;
      var next = queue.waiting.shift();
      if (!next) {
        return;
      }
      var source = next.id ? document.getElementById(next.id) : null;
      if (xhr.status < 200 || xhr.status >= 300 || !source) {
        queue.waiting = [];
        showProblem(
          source
            ? "Your next change was not sent, because the one before it did not go through. The page shows where things stand; try again."
            : "Your next change was not sent: the page changed under it and no longer offers it. Check the page and try again."
        );
        return;
      }
      restoreValues(source, next.values);
      window.htmx.ajax(next.verb.toUpperCase(), next.path, { source: source, values: next.values });
    });
  });

  // Confirm before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
