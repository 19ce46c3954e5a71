// Live SLA countdowns: every <time data-sla-state="running|overdue"> counts towards its
// datetime once a second. Loaded as a static file (the CSP allows no inline script);
// it reads the page each tick, so clocks that htmx swaps in count too.
(function () {
  "use strict";
  function durationText(seconds) {
    seconds = Math.abs(Math.floor(seconds));
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    function two(n) { return (n < 10 ? "0" : "") + n; }
    if (days) { return days + "d " + hours + "h " + two(minutes) + "m " + two(rest) + "s"; }
    if (hours) { return hours + "h " + two(minutes) + "m " + two(rest) + "s"; }
    return minutes + "m " + two(rest) + "s";
  }
  function tick() {
    var clocks = document.querySelectorAll('time[data-sla-state="running"], time[data-sla-state="overdue"]');
    var now = Date.now();
    clocks.forEach(function (clock) {
      var due = Date.parse(clock.getAttribute("datetime"));
      if (isNaN(due)) { return; }
      var left = (due - now) / 1000;
      var state = left > 0 ? "running" : "overdue";
      clock.textContent = left > 0 ? durationText(left) + " left" : "overdue by " + durationText(left);
      if (clock.getAttribute("data-sla-state") !== state) {
        clock.setAttribute("data-sla-state", state);
        clock.classList.remove("sla-running", "sla-overdue");
        clock.classList.add("sla-" + state);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
})();
