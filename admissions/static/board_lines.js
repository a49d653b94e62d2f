// Control-line page: refresh the proposal result while the clerk types (the form works without it).
(function () {
  "use strict";
  var form = document.getElementById("proposal-form");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var timer = null;
  var pending = null;
  function refresh() {
    var query = new URLSearchParams(new FormData(form)).toString();
    if (pending && pending.abort) { pending.abort(); }  // only the latest typing counts
    pending = window.AbortController ? new AbortController() : null;
    fetch(form.action + "?" + query, { credentials: "same-origin", signal: pending && pending.signal })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("proposal-result");
        var current = document.getElementById("proposal-result");
        if (fresh && current) { current.replaceWith(fresh); }
      })
      .catch(function () { /* the submit button still works */ });
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  });
})();
