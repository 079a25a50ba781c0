// The index table: sort, search and page through window.KAOPU.rows (every provider; 20,000 fit).
// Scraped text is only ever set with textContent, never as HTML.
(function () {
  "use strict";
  var data = window.KAOPU, rows = data.rows, t = data.labels;
  var PAGE = 100, page = 0, sortKey = "score", sortDir = -1, shown = rows.slice();
  var tbody = document.querySelector("#providers tbody");
  var SVG = "http://www.w3.org/2000/svg";

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }
  function num(v, suffix) { return v === null || v === undefined ? "–" : String(v) + (suffix || ""); }
  function svg(tag, attrs) { var e = document.createElementNS(SVG, tag); for (var k in attrs) e.setAttribute(k, attrs[k]); return e; }
  function band(r) {
    var s = svg("svg", { width: 120, height: 14, "class": "band", viewBox: "0 0 120 14" });
    if (r.score === null) return s;
    var x = function (v) { return 2 + 116 * Math.max(0, Math.min(100, v)) / 100; };
    var lo = r.lo === null ? r.score : r.lo, hi = r.hi === null ? r.score : r.hi;
    s.appendChild(svg("line", { x1: 2, y1: 7, x2: 118, y2: 7, "class": "axis" }));
    s.appendChild(svg("rect", { x: x(lo), y: 3, width: Math.max(1, x(hi) - x(lo)), height: 8, "class": "ci" }));
    s.appendChild(svg("circle", { cx: x(r.score), cy: 7, r: 3.5, "class": "pt" }));
    return s;
  }
  function draw() {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    tbody.textContent = "";
    shown.slice(page * PAGE, (page + 1) * PAGE).forEach(function (r) {
      var tr = document.createElement("tr");
      var a = document.createElement("a"); a.href = r.href; a.textContent = r.name;
      var td = document.createElement("td"); td.appendChild(a); tr.appendChild(td);
      cell(tr, num(r.score));
      cell(tr, "").appendChild(band(r));
      cell(tr, num(r.tp));
      cell(tr, num(r.staff));
      cell(tr, r.rating === null ? "–" : r.rating + " (" + r.n_rating + ")");
      cell(tr, r.complaints + (r.completed === null ? "" : " (" + Math.round(100 * r.completed) + "% " + t.completed + ")"));
      cell(tr, num(r.reply));
      cell(tr, r.claims + ": " + r.verdicts.join("/"));
      cell(tr, r.fee === null ? "–" : (r.fee_hi !== null && r.fee_hi !== r.fee ? r.fee + "–" + r.fee_hi : String(r.fee)));
      cell(tr, r.flag);
      tbody.appendChild(tr);
    });
    document.getElementById("pageinfo").textContent =
      t.page.replace("{page}", page + 1).replace("{pages}", pages).replace("{n}", shown.length);
  }
  function sort() {
    shown.sort(function (a, b) {
      var x = a[sortKey], y = b[sortKey];
      if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;  // missing last
      if (y === null || y === undefined) return -1;
      if (typeof x === "string") return sortDir * x.localeCompare(y, "zh");
      return sortDir * (x - y);
    });
  }
  function filter() {
    var q = document.getElementById("search").value.trim().toLowerCase();
    shown = q ? rows.filter(function (r) { return r.key.indexOf(q) >= 0 || r.name.toLowerCase().indexOf(q) >= 0; }) : rows.slice();
    sort(); page = 0; draw();
  }
  document.querySelectorAll("#providers thead th").forEach(function (th) {
    if (th.dataset.type === "none") return;
    th.addEventListener("click", function () {
      var key = th.dataset.key;
      sortDir = key === sortKey ? -sortDir : (th.dataset.type === "text" ? 1 : -1);
      sortKey = key;
      document.querySelectorAll("#providers thead th").forEach(function (h) { h.classList.remove("asc", "desc"); });
      th.classList.add(sortDir > 0 ? "asc" : "desc");
      sort(); draw();
    });
  });
  document.getElementById("search").addEventListener("input", filter);
  document.getElementById("prev").addEventListener("click", function () { if (page > 0) { page--; draw(); } });
  document.getElementById("next").addEventListener("click", function () { page++; draw(); });
  sort(); draw();
})();
