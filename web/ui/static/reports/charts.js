// Charts of the reports page (E6): ageing buckets and collections per month.
// Figures arrive as decimal strings; charts only draw them (the tables show exact values).
(function () {
  "use strict";
  var node = document.getElementById("report-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var rtl = data.lang === "fa" || data.lang === "ar";
  var locale = data.lang === "fa" ? "fa-IR" : data.lang === "ar" ? "ar" : "en";
  var format = new Intl.NumberFormat(locale);
  Chart.defaults.font.family = "Vazirmatn, Tahoma, sans-serif";
  var axis = { ticks: { callback: function (v) { return format.format(v); } } };
  var ageing = document.getElementById("ageing-chart");
  if (ageing) {
    new Chart(ageing, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          data: data.chart.ageing.map(Number),
          backgroundColor: ["#4caf50", "#ffc107", "#ff9800", "#f4511e", "#b71c1c"]
        }]
      },
      options: {
        plugins: { legend: { display: false }, tooltip: { rtl: rtl } },
        scales: { x: { reverse: rtl }, y: axis }
      }
    });
  }
  var received = document.getElementById("received-chart");
  if (received) {
    new Chart(received, {
      type: "bar",
      data: {
        labels: data.chart.months,
        datasets: [{ label: data.received_label, data: data.chart.received.map(Number), backgroundColor: "#1e88e5" }]
      },
      options: {
        aspectRatio: 4,
        plugins: { legend: { display: false }, tooltip: { rtl: rtl } },
        scales: { x: { reverse: rtl }, y: axis }
      }
    });
  }
})();
