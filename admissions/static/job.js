// The job page (后台任务): poll the job's status and show its progress; reload once it ends,
// so the result and its links appear. Without JavaScript a <noscript> meta refresh does this.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var names = { queued: "排队中", running: "进行中", succeeded: "已完成", failed: "失败" };

  function show(state) {
    box.querySelector("progress").value = state.percent;
    box.querySelector(".job-percent").textContent = state.percent + "%";
    box.querySelector(".job-status").textContent = names[state.status] || state.status;
    box.querySelector(".job-message").textContent = state.message;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
