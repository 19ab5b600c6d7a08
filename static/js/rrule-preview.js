/* Progressive enhancement of the meeting series form: show only the recurrence fields that apply
   to the chosen frequency and ending. Without JavaScript every field is shown and the server-side
   "Preview dates" button does the rest. */
(function () {
  "use strict";
  var form = document.querySelector(".series-form");
  if (!form) { return; }
  function box(id) {
    var el = document.getElementById(id);
    return el ? (el.closest(".field") || el) : null;
  }
  function show(id, visible) {
    var el = box(id);
    if (el) { el.hidden = !visible; }
  }
  function checked(name) {
    var el = form.querySelector("input[name='" + name + "']:checked");
    return el ? el.value : "";
  }
  function update() {
    var freq = form.querySelector("#freq").value;
    var repeats = freq !== "";
    var monthlyNth = freq === "MONTHLY" && checked("monthly_mode") === "nth_weekday";
    var ends = checked("ends");
    show("interval", repeats);
    show("byday", freq === "WEEKLY" || monthlyNth);
    show("monthly_mode", freq === "MONTHLY");
    show("nth", monthlyNth);
    show("ends", repeats);
    show("count", repeats && ends === "count");
    show("until", repeats && ends === "until");
    show("skip_holidays", repeats);
    var mode = checked("location_mode");
    show("space_id", mode === "space" || mode === "hybrid");
    show("location", mode === "address" || mode === "hybrid");
    show("online_url", mode === "online" || mode === "hybrid");
  }
  form.addEventListener("change", update);
  update();
}());
