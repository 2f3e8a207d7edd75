// Filters for the index. Progressive enhancement: without this script the form
// stays hidden and every paper is listed. No framework, no network.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("papers");
  if (!form || !list) {
    return;
  }
  var papers = Array.prototype.slice.call(list.querySelectorAll(".paper"));
  var shown = document.getElementById("shown");
  var none = document.getElementById("none-shown");
  var dimensions = Array.prototype.slice
    .call(form.elements.dimension.options)
    .map(function (option) { return option.value; })
    .filter(Boolean);

  function matches(paper) {
    var query = form.elements.q.value.trim().toLowerCase();
    if (query && paper.getAttribute("data-search").indexOf(query) < 0) {
      return false;
    }
    var facets = ["status", "tier", "gate"];
    for (var i = 0; i < facets.length; i++) {
      var wanted = form.elements[facets[i]].value;
      if (wanted && paper.getAttribute("data-" + facets[i]) !== wanted) {
        return false;
      }
    }
    var level = form.elements.level.value;
    if (!level) {
      return true;
    }
    var dimension = form.elements.dimension.value;
    var names = dimension ? [dimension] : dimensions;
    // With no dimension chosen, a paper matches when any dimension is at the level.
    return names.some(function (name) {
      return paper.getAttribute("data-dim-" + name) === level;
    });
  }

  function update() {
    var count = 0;
    papers.forEach(function (paper) {
      var visible = matches(paper);
      paper.hidden = !visible;
      if (visible) {
        count++;
      }
    });
    shown.textContent = count + " of " + papers.length + " papers shown";
    none.hidden = count !== 0;
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  update();
})();
