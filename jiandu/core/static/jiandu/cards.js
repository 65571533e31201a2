// Tables become cards on a phone (site.css): label each cell with its column's header text, so a card
// reads "姓名：张三" without every template repeating the header. Runs again after an htmx swap.
(function () {
  function label(root) {
    root.querySelectorAll("table:not(.month)").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) return;
      var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var i = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (!cell.hasAttribute("data-label") && names[i]) cell.setAttribute("data-label", names[i]);
          i += cell.colSpan || 1;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (e) { label(e.target); });
})();
