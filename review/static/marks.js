// Where a value came from (vendored; the Content-Security-Policy forbids inline script).
// A value the reader located carries data-mark: "page <n> <left> <top> <width> <height>" (hundredths
// of a percent of page n, on the page as read: a skewed scan levelled, so figure[data-angle] turns the marks
// back onto the scan), "cell <name>" (a spreadsheet cell, td[data-cell] in the sheet's table) or
// "text <line> <start> <end>" (characters of a shown text's line, span#tl-<line>, in UTF-16 units).
// Pointing at the value, or focusing it with the keyboard, shows its box or marks its cell.
"use strict";

(function () {
  var marked = document.querySelectorAll("[data-mark]");
  if (!marked.length) { return; }

  document.querySelectorAll("figure.page[data-angle]").forEach(function (figure) {
    var layer = figure.querySelector(".marks");
    if (layer) { layer.style.transform = "rotate(" + (-parseFloat(figure.getAttribute("data-angle"))) + "deg)"; }
  });
  var cells = {};
  document.querySelectorAll("td[data-cell]").forEach(function (td) { cells[td.getAttribute("data-cell")] = td; });

  var source = null, shown = null;

  // Scroll only the original's own pane (and a sheet's), never the window: the value pointed
  // at must stay under the pointer.
  function reveal(el) {
    var pane = el.closest(".original"), wrap = el.closest(".sheet-wrap");
    var r = el.getBoundingClientRect();
    if (wrap) {
      var w = wrap.getBoundingClientRect();
      if (r.left < w.left || r.right > w.right) { wrap.scrollLeft += r.left - w.left - w.width / 3; }
    }
    if (pane) {
      var p = pane.getBoundingClientRect();
      r = el.getBoundingClientRect();
      if (r.top < p.top || r.bottom > p.bottom) { pane.scrollTop += r.top - p.top - p.height / 3; }
    }
  }

  // Wrap characters start..end of a text line in a <mark>; null when the line does not hold them.
  function markText(number, start, end) {
    var line = document.getElementById("tl-" + number), text = line && line.firstChild;
    if (!text || text.nodeType !== Node.TEXT_NODE || !(start < end && end <= text.length)) { return null; }
    var range = document.createRange(), mark = document.createElement("mark");
    range.setStart(text, start);
    range.setEnd(text, end);
    mark.className = "text-mark";
    range.surroundContents(mark);
    return mark;
  }

  function unmarkText(mark) {
    var line = mark.parentNode;
    line.replaceChild(document.createTextNode(mark.textContent), mark);
    line.normalize();
  }

  function hide() {
    if (shown && shown.classList.contains("text-mark")) { unmarkText(shown); }
    else if (shown && shown.classList.contains("mark")) { shown.remove(); }
    else if (shown) { shown.classList.remove("here"); }
    if (source) { source.classList.remove("marking"); }
    shown = source = null;
  }

  function show(el) {
    if (el === source) { return; }
    hide();
    var parts = el.getAttribute("data-mark").split(" ");
    if (parts[0] === "page") {
      var layer = document.querySelector("#page-" + parts[1] + " .marks");
      if (!layer) { return; }
      shown = document.createElement("div");
      shown.className = "mark";
      shown.style.left = parts[2] / 100 + "%";
      shown.style.top = parts[3] / 100 + "%";
      shown.style.width = parts[4] / 100 + "%";
      shown.style.height = parts[5] / 100 + "%";
      layer.appendChild(shown);
    } else if (parts[0] === "text") {
      shown = markText(parts[1], parseInt(parts[2], 10), parseInt(parts[3], 10));
      if (!shown) { return; }
    } else if (parts[0] === "cell") {
      shown = cells[parts.slice(1).join(" ")];
      if (!shown) { return; }
      shown.classList.add("here");
    } else {
      return;
    }
    source = el;
    el.classList.add("marking");
    reveal(shown);
  }

  function located(event) { return event.target.closest ? event.target.closest("[data-mark]") : null; }

  document.addEventListener("mouseover", function (event) {
    var el = located(event);
    if (el) { show(el); }
  });
  document.addEventListener("mouseout", function (event) {
    var el = located(event);
    if (el && el === source && !(event.relatedTarget && el.contains(event.relatedTarget))
        && document.activeElement !== el) { hide(); }
  });
  document.addEventListener("focusin", function (event) {
    var el = located(event);
    if (el) { show(el); } else { hide(); }
  });
  document.addEventListener("focusout", function (event) {
    if (located(event) === source) { hide(); }
  });
})();
