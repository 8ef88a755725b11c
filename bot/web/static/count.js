// The open-alert count in the navigation, kept current without reloading the page.
"use strict";
(function () {
  var count = document.getElementById("alert-count");
  if (!count) {
    return;
  }
  function refresh() {
    fetch("/alerts/count", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && typeof data.open === "number") {
          count.textContent = String(data.open);
        }
      })
      .catch(function () { /* offline for a moment: the next refresh tries again */ });
  }
  setInterval(refresh, 30000);
})();
