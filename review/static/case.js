// The case page's script (vendored; the Content-Security-Policy forbids inline script).
// Pickers: an input with data-search="items" or "customers" asks /catalog/... as the clerk types
// and lists the matches under it (code, name and spec, stock, price); Enter picks the highlighted
// match, or the first. Keys for the common path: Enter moves to the next field, Shift+Enter back,
// Ctrl+S saves and checks, Ctrl+Enter approves.
"use strict";

(function () {
  // Rejecting mails the customer at once: ask first (the question is in the form's data-confirm).
  document.querySelectorAll("form.reject[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  var forms = document.querySelectorAll("form.draft");
  if (!forms.length) { return; }

  function fields(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input:not([type=hidden]), select"),
      function (el) { return !el.disabled && el.type !== "checkbox"; });
  }

  function step(input, by) {
    var list = fields(input.form);
    var at = list.indexOf(input) + by;
    if (at >= 0 && at < list.length) { list[at].focus(); list[at].select && list[at].select(); }
  }

  function press(form, op) {
    var button = form.querySelector("button[name=op][value=" + op + "]");
    if (button) { button.click(); }
  }

  // --- pickers -----------------------------------------------------------------------------

  function Picker(input) {
    this.input = input;
    this.kind = input.getAttribute("data-search");
    this.hits = [];
    this.at = -1;
    this.asked = "";
    this.list = document.createElement("ul");
    this.list.className = "hits-pop";
    this.list.hidden = true;
    input.parentNode.appendChild(this.list);
    var self = this, timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.ask(); }, 180);
    });
    input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (event) {
      var li = event.target.closest("li[data-index]");
      if (li) { event.preventDefault(); self.pick(Number(li.getAttribute("data-index"))); }
    });
  }

  Picker.prototype.url = function (query) {
    if (this.kind === "customers") { return "/catalog/customers?q=" + encodeURIComponent(query); }
    var customer = this.input.form.querySelector("input[name=customer]");
    return "/catalog/items?q=" + encodeURIComponent(query) +
      "&customer=" + encodeURIComponent(customer ? customer.value : "");
  };

  Picker.prototype.ask = function () {
    var self = this, query = this.input.value.trim();
    this.asked = query;
    if (!query) { this.close(); return Promise.resolve(); }
    return fetch(this.url(query), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) {
        if (self.asked !== query) { return; }   // the clerk typed on meanwhile
        self.show((self.kind === "customers" ? data.customers : data.items) || []);
      });
  };

  Picker.prototype.show = function (hits) {
    this.hits = hits;
    this.at = hits.length ? 0 : -1;
    this.list.textContent = "";
    var self = this;
    hits.forEach(function (hit, index) {
      var li = document.createElement("li");
      li.setAttribute("data-index", String(index));
      li.textContent = self.kind === "customers"
        ? hit.number + "  " + hit.name + "  " + (hit.emails || []).join("; ") + "  " + hit.currency
        : hit.number + "  " + hit.name + " " + hit.specification + "  · " + hit.base_unit +
          "  · stock " + (hit.stock === null ? "—" : hit.stock) +
          "  · " + (hit.price === null ? "—" : hit.price + " " + (hit.currency || "")) +
          (hit.active ? "" : "  ✕");
      self.list.appendChild(li);
    });
    this.list.hidden = !hits.length;
    this.mark();
  };

  Picker.prototype.mark = function () {
    var at = this.at;
    Array.prototype.forEach.call(this.list.children, function (li, index) {
      li.classList.toggle("on", index === at);
    });
  };

  Picker.prototype.close = function () { this.list.hidden = true; };

  Picker.prototype.pick = function (index) {
    var hit = this.hits[index];
    if (!hit) { return false; }
    this.input.value = hit.number;
    if (this.kind === "items") { this.fill(hit); }
    this.close();
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  };

  // An item picked for a line fills the line's empty description and unit from the catalog.
  Picker.prototype.fill = function (hit) {
    var row = this.input.closest("tr");
    if (!row) { return; }
    var description = row.querySelector("input[name$=-description]");
    var unit = row.querySelector("input[name$=-unit]");
    if (description && !description.value) { description.value = (hit.name + " " + hit.specification).trim(); }
    if (unit && !unit.value) { unit.value = hit.base_unit; }
  };

  Picker.prototype.key = function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!this.hits.length) { return false; }
      this.at = (this.at + (event.key === "ArrowDown" ? 1 : this.hits.length - 1)) % this.hits.length;
      this.mark();
      return true;
    }
    if (event.key === "Escape") { this.close(); return true; }
    if (event.key !== "Enter" || event.shiftKey || event.ctrlKey) { return false; }
    var self = this;
    if (this.asked !== this.input.value.trim()) {   // typed faster than the search: ask, then pick
      this.ask().then(function () { if (self.pick(0)) { step(self.input, 1); } });
      return true;
    }
    if (!this.list.hidden && this.pick(this.at < 0 ? 0 : this.at)) { step(this.input, 1); return true; }
    return false;
  };

  var pickers = new Map();
  document.querySelectorAll("form.draft input[data-search]").forEach(function (input) {
    pickers.set(input, new Picker(input));
  });

  // --- keys ----------------------------------------------------------------------------------

  // The form the keys act on: the one last worked in, else the one the address points at
  // (#edit-KEY after a save), else the first.
  var current = null;
  document.addEventListener("focusin", function (event) {
    if (event.target.form && event.target.form.classList.contains("draft")) { current = event.target.form; }
  });
  var target = window.location.hash && document.querySelector(window.location.hash + " form.draft");
  if (target) {
    current = target;
    var skus = target.querySelectorAll("input[name$=-sku][data-search]");
    var last = skus[skus.length - 1];
    var start = last && !last.value ? last : fields(target)[0];   // a line just added: its item first
    // After the page's load the browser moves to the #fragment, which drops a focus given earlier.
    window.addEventListener("load", function () {
      setTimeout(function () { if (start && !document.activeElement.form) { start.focus(); } }, 0);
    });
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    var form = (input.form && input.form.classList.contains("draft")) ? input.form : current || forms[0];
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      press(form, "approve");
      return;
    }
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      press(form, "save");
      return;
    }
    if (!(input instanceof HTMLInputElement) || !input.form || !input.form.classList.contains("draft")) { return; }
    var picker = pickers.get(input);
    if (picker && picker.key(event)) { event.preventDefault(); return; }
    if (event.key === "Enter" && input.type !== "checkbox") {
      event.preventDefault();
      step(input, event.shiftKey ? -1 : 1);
    }
  });
})();
