/* Progressive enhancement of the meeting series form (no inline script: CSP).
   1. Show only the recurrence and place fields that apply to the current choices.
   2. Live preview: ask the server (the same rules as the "Preview dates" button) for the rule in
      words and the next dates while the user edits. Without JavaScript the button does it all. */
(function () {
  "use strict";
  var form = document.querySelector(".series-form");
  if (!form) { return; }
  var output = document.getElementById("rrule-preview");
  var previewUrl = form.getAttribute("data-preview-url");
  var timer = null;
  var pending = null;

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
  function render(data) {
    if (!output) { return; }
    output.textContent = "";
    var conflictBox = document.getElementById("conflicts");
    if (conflictBox && !output.contains(conflictBox)) { conflictBox.remove(); }
    var messages = [];
    Object.keys(data.errors || {}).forEach(function (key) { messages = messages.concat(data.errors[key]); });
    if (messages.length) {
      var error = document.createElement("p");
      error.className = "error";
      error.textContent = messages.join(" ");
      output.appendChild(error);
      return;
    }
    if (data.description) {
      var text = document.createElement("p");
      text.className = "rule-text";
      text.textContent = data.description;
      output.appendChild(text);
    }
    if (data.heading) {
      var heading = document.createElement("p");
      heading.textContent = data.heading;
      output.appendChild(heading);
    }
    if (data.dates && data.dates.length) {
      var list = document.createElement("ol");
      list.className = "preview-dates";
      data.dates.forEach(function (d) {
        var item = document.createElement("li");
        item.textContent = d;
        list.appendChild(item);
      });
      output.appendChild(list);
    }
    if (data.conflicts && data.conflicts.length) {
      // The same single error box as the server renders (spaces/_conflicts.html).
      var alertBox = document.createElement("div");
      alertBox.className = "notice notice-error";
      alertBox.id = "conflicts";
      var title = document.createElement("p");
      title.className = "error";
      title.textContent = data.conflicts_heading || "";
      alertBox.appendChild(title);
      var items = document.createElement("ul");
      data.conflicts.forEach(function (c) {
        var li = document.createElement("li");
        li.textContent = c;
        items.appendChild(li);
      });
      alertBox.appendChild(items);
      output.appendChild(alertBox);
    }
  }
  function preview() {
    if (!previewUrl || !window.fetch) { return; }
    if (pending && pending.abort) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    fetch(previewUrl, {method: "POST", body: new FormData(form), credentials: "same-origin",
                       headers: {"Accept": "application/json"}, signal: pending ? pending.signal : undefined})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () { /* keep the server-rendered preview */ });
  }
  function changed(event) {
    update();
    if (event && event.target && event.target.closest && event.target.closest("#recurrence, #start_date, #start_time, #timezone, #duration_minutes, #location_mode, #space_id")) {
      window.clearTimeout(timer);
      timer = window.setTimeout(preview, 400);
    }
  }
  Array.prototype.forEach.call(form.querySelectorAll(".no-js-hint"), function (el) { el.hidden = true; });
  form.addEventListener("change", changed);
  form.addEventListener("input", changed);
  update();
}());
