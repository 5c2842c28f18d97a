// Progressive enhancement only: every page reads fine without this file.
// Article pages: #char=s,e (code points, end-exclusive, as in the data's span_url) selects exactly those characters.
// Table pages: click a heading to sort, type in a filter to hide rows.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  // ---- article pages
  var seed = document.getElementById("seed");

  // The text node and UTF-16 offset at code point `target` of the seed; `atEnd` prefers the end of a node.
  function locate(target, atEnd) {
    var walker = document.createTreeWalker(seed, NodeFilter.SHOW_TEXT);
    var cp = 0, node, last = null;
    while ((node = walker.nextNode())) {
      var data = node.data, i = 0;
      last = node;
      while (i < data.length) {
        if (cp === target && !(atEnd && i === 0 && cp > 0)) return { node: node, offset: i };
        var c = data.charCodeAt(i);
        i += (c >= 0xd800 && c <= 0xdbff && i + 1 < data.length) ? 2 : 1;  // a surrogate pair is one code point
        cp += 1;
      }
      if (cp === target && atEnd) return { node: node, offset: data.length };
    }
    if (last && cp === target) return { node: last, offset: last.data.length };
    return null;
  }

  function selectChars(start, end) {
    var targets = seed.querySelectorAll(".hl.is-target");
    for (var t = 0; t < targets.length; t++) targets[t].classList.remove("is-target");
    var a = locate(start, false), b = locate(end, true);
    if (!a || !b || end < start) { document.body.setAttribute("data-selected", "invalid"); return; }
    var range = document.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    var matches = seed.querySelectorAll('.hl[data-s="' + start + '"][data-e="' + end + '"]');
    for (var m = 0; m < matches.length; m++) matches[m].classList.add("is-target");
    var old = document.querySelectorAll(".row.is-target");
    for (var o = 0; o < old.length; o++) old[o].classList.remove("is-target");
    var row = matches.length ? document.getElementById(matches[0].getAttribute("data-row")) : null;
    if (row) {  // bring the row's details into view in the side panel without moving the page
      row.classList.add("is-target");
      var columns = row.querySelector("details.row-fields");
      if (columns) columns.open = true;  // the selected row shows every column
      row.parentElement.scrollTop = row.offsetTop - 8;
    }
    var anchor = a.node.parentElement || seed;
    if (anchor.scrollIntoView) anchor.scrollIntoView({ block: "center" });
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.body.setAttribute("data-selected", start + "," + end);
  }

  function onHash() {
    var match = /^#char=(\d+),(\d+)$/.exec(window.location.hash);
    if (match) selectChars(parseInt(match[1], 10), parseInt(match[2], 10));
  }

  if (seed) {
    window.addEventListener("hashchange", onHash);
    onHash();
  }

  // ---- table pages
  var table = document.getElementById("data");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = table.tHead.rows[0].cells;
  var count = document.getElementById("count");
  var global = document.getElementById("filter");
  var colFilters = Array.prototype.slice.call(document.querySelectorAll(".colfilter"));
  var hidden = document.querySelectorAll(".controls, .filters");
  for (var h = 0; h < hidden.length; h++) hidden[h].hidden = false;

  function matches(cellText, wanted) {
    if (wanted.charAt(0) === "=") return cellText === wanted.slice(1);
    return cellText.toLowerCase().indexOf(wanted.toLowerCase()) !== -1;
  }

  // A cell's own text: the "more" button the page adds is not part of it.
  function cellText(row, col) { var cell = row.cells[col], inner = cell.querySelector(".c"); return (inner || cell).textContent; }

  function applyFilters() {
    var g = global.value.trim(), shown = 0;
    rows.forEach(function (row) {
      var ok = true;
      colFilters.forEach(function (input) {
        var v = input.value.trim();
        if (ok && v) ok = matches(cellText(row, +input.getAttribute("data-col")), v);
      });
      if (ok && g) ok = Array.prototype.some.call(row.cells, function (cell, col) { return matches(cellText(row, col), g); });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " rows";
    table.setAttribute("data-shown", String(shown));
  }

  global.addEventListener("input", applyFilters);
  colFilters.forEach(function (input) { input.addEventListener("input", applyFilters); });

  Array.prototype.forEach.call(heads, function (th, col) {
    var button = th.querySelector("button.sort");
    var numeric = th.getAttribute("data-type") === "integer" || th.getAttribute("data-type") === "number";
    button.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var sorted = rows.slice().sort(function (x, y) {
        var a = cellText(x, col), b = cellText(y, col);
        if (a === "" || b === "") return a === b ? 0 : (a === "" ? 1 : -1);  // empty cells last either way
        var order = numeric ? parseFloat(a) - parseFloat(b) : (a < b ? -1 : a > b ? 1 : 0);
        return descending ? -order : order;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
    });
  });
  applyFilters();

  // Long text is clamped to a few lines by the stylesheet; a cell that was cut gets a button that opens its whole row.
  function markCut() {
    var inner = body.querySelectorAll(".c"), cut = [];
    for (var i = 0; i < inner.length; i++) if (inner[i].scrollHeight > inner[i].clientHeight + 1) cut.push(inner[i]);
    cut.forEach(function (c) {
      if (c.nextElementSibling) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "more";
      button.textContent = "more";
      button.setAttribute("aria-expanded", "false");
      c.parentNode.appendChild(button);
    });
  }
  body.addEventListener("click", function (event) {
    if (!event.target.classList.contains("more")) return;
    var row = event.target.closest("tr"), open = row.classList.toggle("open");
    var buttons = row.querySelectorAll(".more");
    for (var b = 0; b < buttons.length; b++) {
      buttons[b].textContent = open ? "less" : "more";
      buttons[b].setAttribute("aria-expanded", String(open));
    }
  });
  markCut();
  table.setAttribute("data-ready", "true");
})();
