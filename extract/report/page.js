// The operations report's page script: draws every embedded figure with Plotly and applies the
// team / job / date filters client-side. Each plotted point carries a key [team, job, day]: its
// customdata is an index into its figure's spec.keys (each distinct key stored once); a null key
// part never hides a point. Table rows carry the same keys as data-team / data-job / data-day.
(function () {
  "use strict";
  var figures = Array.prototype.map.call(
    document.querySelectorAll("script.gtwh-figure"),
    function (tag) {
      return { div: document.getElementById(tag.dataset.target), spec: JSON.parse(tag.textContent) };
    }
  );
  var config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"] };
  var PER_POINT = ["x", "y", "text", "customdata", "base"];

  function current() {
    return {
      team: document.getElementById("f-team").value,
      job: document.getElementById("f-job").value,
      from: document.getElementById("f-from").value,
      to: document.getElementById("f-to").value
    };
  }

  function keeps(key, f) {
    if (!key) return true;
    var team = key[0], job = key[1], day = key[2];
    if (f.team && team && team !== f.team) return false;
    if (f.job && job && job !== f.job) return false;
    if (f.onlyJobs && job && f.onlyJobs.indexOf(job) < 0) return false;
    if (day && f.from && day < f.from) return false;
    if (day && f.to && day > f.to) return false;
    return true;
  }

  function filtered(trace, f, table) {
    var keys = trace.customdata;
    if (!Array.isArray(keys) || !table) return trace;
    var kept = [];
    keys.forEach(function (key, i) { if (keeps(table[key], f)) kept.push(i); });
    var copy = Object.assign({}, trace);
    PER_POINT.forEach(function (name) {
      if (Array.isArray(trace[name])) copy[name] = kept.map(function (i) { return trace[name][i]; });
    });
    return copy;
  }

  // With no job chosen, a figure with spec.maxJobs draws only the first maxJobs jobs that the
  // other filters keep, and says so in its note (every point stays embedded).
  function limited(fig, f) {
    var table = fig.spec.keys, max = fig.spec.maxJobs;
    var note = document.getElementById(fig.div.id + "-note");
    if (!max || f.job || !table) { if (note) note.textContent = ""; return f; }
    var jobs = [];
    table.forEach(function (key) {
      if (key[1] && keeps(key, f) && jobs.indexOf(key[1]) < 0) jobs.push(key[1]);
    });
    if (note) {
      note.textContent = jobs.length > max
        ? "Showing the first " + max + " of " + jobs.length +
          " jobs: choose a job in the Job filter to see any other." : "";
    }
    if (jobs.length <= max) return f;
    var shown = jobs.slice(0, max);
    return Object.assign({}, f, { onlyJobs: shown });
  }

  function draw(first) {
    var f = current();
    figures.forEach(function (fig) {
      var g = limited(fig, f);
      var data = fig.spec.data.map(function (t) { return filtered(t, g, fig.spec.keys); });
      (first ? Plotly.newPlot : Plotly.react)(fig.div, data, fig.spec.layout, config);
    });
    document.querySelectorAll("[data-team],[data-job],[data-day]").forEach(function (el) {
      if (el.tagName === "OPTION") return;
      var key = [el.dataset.team || null, el.dataset.job || null, el.dataset.day || null];
      el.style.display = keeps(key, f) ? "" : "none";
    });
  }

  function teamChanged() {
    var team = document.getElementById("f-team").value;
    var job = document.getElementById("f-job");
    Array.prototype.forEach.call(job.options, function (o) {
      o.hidden = Boolean(team && o.dataset.team && o.dataset.team !== team);
    });
    if (job.selectedOptions[0] && job.selectedOptions[0].hidden) job.value = "";
    draw(false);
  }

  var defaults = current();
  document.getElementById("f-team").addEventListener("change", teamChanged);
  ["f-job", "f-from", "f-to"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () { draw(false); });
  });
  document.getElementById("f-reset").addEventListener("click", function () {
    document.getElementById("f-team").value = defaults.team;
    document.getElementById("f-job").value = defaults.job;
    document.getElementById("f-from").value = defaults.from;
    document.getElementById("f-to").value = defaults.to;
    teamChanged();
  });
  draw(true);
  document.body.dataset.plotsDrawn = String(figures.length);
})();
