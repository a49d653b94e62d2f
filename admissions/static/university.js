// Review page: one checkbox selects or clears every candidate listed (the bulk form submits them).
// Without JavaScript the box stays hidden and candidates are ticked one by one.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) {
    return;
  }
  var boxes = function () {
    return document.querySelectorAll('input[type="checkbox"][name="dispatch_id"]');
  };
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes().forEach(function (box) {
      box.checked = all.checked;
    });
  });
  document.addEventListener("change", function (event) {
    if (event.target !== all && event.target.name === "dispatch_id") {
      var list = Array.prototype.slice.call(boxes());
      all.checked = list.length > 0 && list.every(function (box) { return box.checked; });
    }
  });
})();
